// careplan-link specs …: the standard as data, for other tools.
//   specs export --format table-schema|json-schema --out DIR   one JSON file per file type (17), generated from specs/
//   specs import-service-codes --from municipal-csv --out FILE <input.csv>   a municipal 総合事業 master → our code master
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { layoutToJsonSchema } from '../../shared/spec/export/jsonSchema.js';
import { layoutToTableSchema } from '../../shared/spec/export/tableSchema.js';
import { newestEdition } from '../../shared/spec/model.js';
import { importMunicipalMaster } from '../../shared/spec/serviceCodeImport.js';
import { masterToCsv } from '../../shared/spec/serviceCodes.js';
import { CAREPLAN_LINK_VERSION } from '../../shared/version.js';
import { decodeMasterText } from '../check/serviceCodeFile.js';
import { loadCatalog } from '../check/specs.js';
import { EXIT_OK, parse, UsageError, type Io } from './run.js';

const EXPORTS = {
  'table-schema': { suffix: '.tableschema.json', make: layoutToTableSchema },
  'json-schema': { suffix: '.schema.json', make: layoutToJsonSchema },
} as const;
type ExportFormat = keyof typeof EXPORTS;

export async function runSpecs(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'export':
      return runExport(rest, io);
    case 'import-service-codes':
      return runImport(rest, io);
    default:
      throw new UsageError({ ja: 'specs の後に export か import-service-codes を指定してください', en: `specs: use export or import-service-codes${sub ? ` (not ${sub})` : ''}` });
  }
}

async function runExport(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { format: { type: 'string' }, out: { type: 'string' } });
  const format = values.format as string | undefined;
  if (positionals.length) throw new UsageError({ ja: '余分な引数があります', en: `unexpected arguments: ${positionals.join(' ')}` });
  if (!format || !Object.hasOwn(EXPORTS, format)) throw new UsageError({ ja: '--format は table-schema か json-schema です', en: '--format must be table-schema or json-schema' });
  if (!values.out) throw new UsageError({ ja: '--out で出力先フォルダを指定してください', en: '--out is required' });
  const out = values.out as string;
  const { make, suffix } = EXPORTS[format as ExportFormat];
  const generator = `careplan-link ${CAREPLAN_LINK_VERSION}`;
  await mkdir(out, { recursive: true });
  // Generated files: written again on every run (the same specs give the same bytes).
  const layouts = [...newestEdition(loadCatalog()).layouts.values()].sort((a, b) => a.prefix.localeCompare(b.prefix));
  for (const layout of layouts) await writeFile(join(out, `${layout.prefix}${suffix}`), `${JSON.stringify(make(layout, generator), null, 2)}\n`);
  io.stdout(`${layouts.length} 個のファイルを書き出しました（${format}） / wrote ${layouts.length} ${format} files to ${out}\n`);
  return EXIT_OK;
}

async function runImport(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { from: { type: 'string' }, out: { type: 'string' }, title: { type: 'string' } });
  if (values.from !== 'municipal-csv') {
    throw new UsageError({
      ja: '--from municipal-csv を指定してください（市町村の総合事業マスタ CSV。国のサービスコード表は公開された機械可読の形式がないため取り込めません。docs/service-codes.md）',
      en: '--from must be municipal-csv (a municipal 総合事業 master CSV; the national code table has no public machine-readable layout: docs/service-codes.md)',
    });
  }
  if (positionals.length !== 1) throw new UsageError({ ja: '取り込む CSV ファイルを1つ指定してください', en: 'name one CSV file to import' });
  if (!values.out) throw new UsageError({ ja: '--out で書き出すファイル（.json か .csv）を指定してください', en: '--out FILE (.json or .csv) is required' });
  const input = positionals[0]!;
  const out = values.out as string;
  const { master, skipped } = importMunicipalMaster(decodeMasterText(await readFile(input)), basename(input));
  const title = (values.title as string | undefined) ?? master.name;
  const body = /\.csv$/i.test(out)
    ? `\uFEFF${masterToCsv(master.entries)}`
    : `${JSON.stringify({ title, source: basename(input), codes: master.entries }, null, 2)}\n`;
  await writeFile(out, body, { flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EEXIST') throw new UsageError({ ja: `${out} はすでにあります（上書きしません）`, en: `${out} already exists (not overwritten)` });
    throw e;
  });
  for (const s of skipped) io.stderr(`取り込まなかった行 / skipped line ${s.line}: ${s.why}\n`);
  io.stdout(`${master.entries.length} 件のコードを書き出しました / wrote ${master.entries.length} codes to ${out}（区分支給限度は未設定 / limit left unset）\n`);
  return EXIT_OK;
}
