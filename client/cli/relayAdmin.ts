// The relay operator's commands (issue 15). They open the relay's store directly — the SQLite folder
// (--data) or PostgreSQL (--database, or CPL_RELAY_DATABASE_URL) — and may run while relays serve
// from it: every relay process asks the store about a certificate at each new connection.
//   careplan-link relay enroll (--data DIR | --database URL) --cert office.pem [--name NAME] [--types 43,11]
//   careplan-link relay offices (--data DIR | --database URL) [--format text|json]
//   careplan-link relay revoke (--data DIR | --database URL) --office N [--cert office.pem]
//   careplan-link relay import-offices (--data DIR | --database URL) FILE.csv
//   careplan-link relay report (--data DIR | --database URL) --month YYYYMM [--format json|csv]
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { allOffices, enroll, EnrollmentError, monthBounds, monthReport, openStore, readOfficeList, reportCsv, serviceTypes, withdraw, type EnrollResult, type OfficeRecord, type RelayStore } from '../../relay/index.js';
import { localDateText } from '../../shared/time.js';
import { EXIT_OK, parse, UsageError, type Io } from './run.js';

export const RELAY_ADMIN_COMMANDS = ['enroll', 'offices', 'revoke', 'import-offices', 'report'];

const WHERE = {
  data: { type: 'string', default: 'careplan-link-relay-data' },
  database: { type: 'string' },
  format: { type: 'string', default: 'text' },
} as const;

/** The database URL as it may be printed: without its password. */
export function withoutPassword(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'PostgreSQL';
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new UsageError({ ja: `ファイルを読めません: ${file}`, en: `cannot read ${file}` });
  }
}

const enrolledLine = (r: EnrollResult) => {
  const what = { added: '登録しました / enrolled', present: '登録済みです / already enrolled', restored: '登録し直しました / enrolled again' }[r.result];
  return `${r.office} ${r.name}: ${what} (${localDateText(new Date(r.notBefore))}〜${localDateText(new Date(r.notAfter))}, SHA-256 ${r.fingerprint})`;
};

function officeLines(o: OfficeRecord, now: Date): string[] {
  const lines = [`${o.office} ${o.name} [${o.serviceTypes.join(',') || '-'}]`];
  for (const c of o.certificates) {
    const valid = Date.parse(c.notBefore) <= now.getTime() && now.getTime() < Date.parse(c.notAfter);
    const state = c.state === 'withdrawn' ? '取消済み / withdrawn' : valid ? '有効 / valid' : '期間外 / not valid now';
    lines.push(`  ${localDateText(new Date(c.notBefore))}〜${localDateText(new Date(c.notAfter))} ${state} SHA-256 ${c.fingerprint}`);
  }
  return lines;
}

async function withStore<T>(values: Record<string, string | boolean | undefined>, io: Io, work: (store: RelayStore) => Promise<T>): Promise<T> {
  const databaseUrl = (values.database as string | undefined) || process.env.CPL_RELAY_DATABASE_URL || undefined;
  const store = await openStore(databaseUrl ? { databaseUrl } : { dataDir: resolve(values.data as string) });
  io.stderr(`連携サービスのデータ / relay store: ${databaseUrl ? withoutPassword(databaseUrl) : resolve(values.data as string)}\n`);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

export async function runRelayAdmin(command: string, args: string[], io: Io): Promise<number> {
  const options =
    command === 'enroll'
      ? { ...WHERE, cert: { type: 'string' }, name: { type: 'string' }, types: { type: 'string' } }
      : command === 'revoke'
        ? { ...WHERE, office: { type: 'string' }, cert: { type: 'string' } }
        : command === 'report'
          ? { ...WHERE, month: { type: 'string' } }
          : WHERE;
  const { values, positionals } = parse(args, options as Parameters<typeof parse>[1]);
  const json = values.format === 'json';
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (e) {
      // An operator's mistake (a wrong certificate, a bad CSV) is a usage error: the message says what.
      if (e instanceof EnrollmentError) throw new UsageError({ ja: e.ja, en: e.en });
      throw e;
    }
  };
  if (command !== 'import-offices' && positionals.length) throw new UsageError({ ja: '余分な引数があります', en: `unexpected arguments: ${positionals.join(' ')}` });

  if (command === 'enroll') {
    if (!values.cert) throw new UsageError({ ja: '--cert で事業所の証明書（PEM）を指定してください', en: 'give the office certificate (PEM) with --cert' });
    const pem = readText(values.cert as string);
    const types = await guard(async () => serviceTypes(values.types as string | undefined));
    const result = await withStore(values, io, (store) => guard(() => enroll(store, pem, { ...(values.name !== undefined ? { name: values.name as string } : {}), serviceTypes: types }, new Date())));
    io.stdout(json ? JSON.stringify(result, null, 2) + '\n' : enrolledLine(result) + '\n');
    return EXIT_OK;
  }
  if (command === 'offices') {
    const offices = await withStore(values, io, allOffices);
    if (json) io.stdout(JSON.stringify({ offices: offices.map((o) => ({ ...o, certificates: o.certificates.map(({ pem: _pem, ...c }) => c) })) }, null, 2) + '\n');
    else io.stdout(offices.length ? offices.flatMap((o) => officeLines(o, new Date())).join('\n') + '\n' : '登録された事業所はありません / no offices\n');
    return EXIT_OK;
  }
  if (command === 'revoke') {
    if (!values.office) throw new UsageError({ ja: '--office で事業所番号を指定してください', en: 'give the office number with --office' });
    const pem = values.cert === undefined ? undefined : readText(values.cert as string);
    const n = await withStore(values, io, (store) => guard(() => withdraw(store, values.office as string, pem)));
    io.stdout(`${values.office}: 証明書 ${n} 件の登録を取り消しました（次の接続から拒否されます） / withdrew ${n} certificate(s) (refused from their next connection)\n`);
    return EXIT_OK;
  }
  if (command === 'import-offices') {
    if (positionals.length !== 1) throw new UsageError({ ja: 'CSV ファイルを1つ指定してください', en: 'give one CSV file' });
    const csv = resolve(positionals[0]!);
    let bytes: Buffer;
    try {
      bytes = readFileSync(csv);
    } catch {
      throw new UsageError({ ja: `ファイルを読めません: ${csv}`, en: `cannot read ${csv}` });
    }
    const rows = await guard(async () => readOfficeList(bytes));
    // Every certificate is read first: a list with one unreadable file enrolls nothing.
    const pems = rows.map((r) => {
      try {
        return readFileSync(resolve(dirname(csv), r.certificate), 'utf8');
      } catch {
        throw new UsageError({ ja: `${r.row} 行目の証明書ファイルを読めません（何も登録していません）: ${r.certificate}`, en: `record ${r.row}: cannot read the certificate ${r.certificate} (nothing enrolled)` });
      }
    });
    const results = await withStore(values, io, (store) =>
      guard(async () => {
        const out: EnrollResult[] = [];
        for (const [i, r] of rows.entries()) {
          try {
            out.push(await enroll(store, pems[i]!, { ...(r.name ? { name: r.name } : {}), serviceTypes: r.serviceTypes }, new Date()));
          } catch (e) {
            if (e instanceof EnrollmentError) throw new EnrollmentError(`${r.row} 行目: ${e.ja}（それより前の ${out.length} 件は登録済み）`, `record ${r.row}: ${e.en} (the ${out.length} before it are enrolled)`);
            throw e;
          }
        }
        return out;
      }),
    );
    io.stdout(json ? JSON.stringify({ enrolled: results }, null, 2) + '\n' : results.map(enrolledLine).join('\n') + `\n${results.length} 件 / certificates\n`);
    return EXIT_OK;
  }
  // report
  const month = values.month as string | undefined;
  if (!month || !monthBounds(month)) throw new UsageError({ ja: '--month は YYYYMM（例 202504）です', en: '--month must be YYYYMM (e.g. 202504)' });
  if (!['json', 'csv', 'text'].includes(values.format as string)) throw new UsageError({ ja: '--format は json か csv です', en: '--format must be json or csv' });
  const report = await withStore(values, io, (store) => monthReport(store, month));
  io.stdout(values.format === 'csv' ? reportCsv(report) : JSON.stringify(report, null, 2) + '\n');
  return EXIT_OK;
}
