// careplan-link report --config F --month YYYYMM [--format json|csv|pdf] [--out FILE]: the office's
// monthly 効果レポート from its own history, as the app shows it. It reads the spool and the files, and
// needs no certificate password: it signs nothing and talks to no one.
import { existsSync, writeFileSync } from 'node:fs';
import type { EffectReport } from '../../shared/effect/report.js';
import { EXIT_OK, parse, UsageError, type Io } from './run.js';

const FORMATS = ['json', 'csv', 'pdf'] as const;
type Format = (typeof FORMATS)[number];

async function render(r: EffectReport, format: Format): Promise<string | Buffer> {
  if (format === 'json') return JSON.stringify(r, null, 2) + '\n';
  if (format === 'csv') return (await import('../../shared/effect/csv.js')).effectReportCsv(r);
  return (await import('../app/effectPdf.js')).effectReportPdf(r);
}

export async function runReport(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { config: { type: 'string' }, month: { type: 'string' }, format: { type: 'string', default: 'json' }, out: { type: 'string' } });
  const configPath = values.config;
  if (typeof configPath !== 'string') throw new UsageError({ ja: '--config で事業所の設定ファイルを指定してください', en: '--config is required' });
  const month = values.month;
  if (typeof month !== 'string' || !/^\d{4}(0[1-9]|1[0-2])$/.test(month)) throw new UsageError({ ja: '--month に対象年月を YYYYMM で指定してください（例 202504）', en: '--month YYYYMM is required (e.g. 202504)' });
  const format = values.format as Format;
  if (!FORMATS.includes(format)) throw new UsageError({ ja: '--format は json・csv・pdf のどれかです', en: '--format is json, csv or pdf' });
  const out = values.out;
  // A PDF's bytes are not text for a terminal.
  if (format === 'pdf' && typeof out !== 'string') throw new UsageError({ ja: 'PDF は --out で書き出すファイルを指定してください', en: 'a PDF needs --out FILE' });
  if (typeof out === 'string' && existsSync(out)) throw new UsageError({ ja: `すでにあるファイルには書きません（上書きしません）: ${out}`, en: `not overwriting an existing file: ${out}` });

  // Only what this command needs, loaded when it runs (the CLI's start stays small).
  const { loadConfig } = await import('../transport/config.js');
  const { Spool } = await import('../transport/spool.js');
  const { SpoolRecords } = await import('../app/spoolRecords.js');
  const { agentSettings } = await import('../agent/settings.js');
  const { loadCatalog } = await import('../check/specs.js');
  const { assumptionsBeside, placesOf, reportFor } = await import('../app/effectReport.js');
  const { paperSendsIn } = await import('../app/effectSources.js');
  const config = loadConfig(configPath);
  const records = new SpoolRecords(new Spool(config.folders.spool));
  const places = placesOf(config, agentSettings(config.agent).folders.sent);
  const report = reportFor({ config, records, places, catalog: loadCatalog(), paper: paperSendsIn(config.folders.spool), assumptions: assumptionsBeside(config.path) }, month);
  const body = await render(report, format);
  if (typeof out === 'string') {
    writeFileSync(out, body, { flag: 'wx' });
    io.stderr(`書き出しました / written: ${out}\n`);
  } else if (typeof body === 'string') io.stdout(body);
  return EXIT_OK;
}
