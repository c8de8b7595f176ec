// careplan-link relay: runs the linkage service in the foreground until SIGINT/SIGTERM.
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { resolve } from 'node:path';
import { LocalizedError } from '../../shared/errors.js';
import { MAX_UNIT_CIPHERTEXT_BYTES } from '../../shared/protocol/index.js';
import { DEMO_PASSWORD, DEMO_PASSWORD_ENV, ensureDevSetup } from '../../relay/dev.js';
import { ENROLLMENT_POLICIES, openStore, relayLogger, startRelay, type EnrollmentPolicy } from '../../relay/index.js';
import { RELAY_ADMIN_COMMANDS, runRelayAdmin, withoutPassword } from './relayAdmin.js';
import { EXIT_OK, parse, UsageError, type Io } from './run.js';

export async function runRelay(args: string[], io: Io): Promise<number> {
  // The operator's commands (enroll, offices, revoke, import-offices, report) work on the store only.
  if (RELAY_ADMIN_COMMANDS.includes(args[0] ?? '')) return runRelayAdmin(args[0]!, args.slice(1), io);
  const { values, positionals } = parse(args, {
    port: { type: 'string', default: '8443' },
    host: { type: 'string', default: '127.0.0.1' },
    data: { type: 'string', default: 'careplan-link-relay-data' },
    // PostgreSQL instead of the SQLite folder: everything in the database, so that several relay
    // processes can serve the same offices (relay/API.md, docs/operations.md).
    database: { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'client-ca': { type: 'string' },
    crl: { type: 'string' },
    'max-unit-mb': { type: 'string', default: String(MAX_UNIT_CIPHERTEXT_BYTES / (1024 * 1024)) },
    'max-inflight-mb': { type: 'string', default: '256' },
    'retention-days': { type: 'string', default: '90' },
    'rate-per-minute': { type: 'string', default: '600' },
    // Who may connect: 'open' registers an office on first contact (the embedded demo); 'operator'
    // only certificates enrolled with `careplan-link relay enroll`.
    enrollment: { type: 'string' },
    // /healthz, /readyz, /metrics, /openapi.json over plain HTTP, on loopback unless --admin-host says otherwise.
    'admin-port': { type: 'string' },
    'admin-host': { type: 'string', default: '127.0.0.1' },
  });
  if (positionals.length) throw new UsageError({ ja: '余分な引数があります', en: `unexpected arguments: ${positionals.join(' ')}` });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError({ ja: '--port は 0〜65535 です', en: '--port must be 0-65535' });
  const num = (k: string) => {
    const n = Number(values[k]);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError({ ja: `--${k} は正の数です`, en: `--${k} must be a positive number` });
    return n;
  };
  const enrollment = ((values.enrollment as string | undefined) || process.env.CPL_RELAY_ENROLLMENT || 'open') as EnrollmentPolicy;
  if (!ENROLLMENT_POLICIES.includes(enrollment)) throw new UsageError({ ja: '--enrollment は open か operator です', en: '--enrollment must be open or operator' });
  const adminPort = values['admin-port'] === undefined ? undefined : Number(values['admin-port']);
  if (adminPort !== undefined && (!Number.isInteger(adminPort) || adminPort < 0 || adminPort > 65535)) throw new UsageError({ ja: '--admin-port は 0〜65535 です', en: '--admin-port must be 0-65535' });
  const dataDir = resolve(values.data as string);
  const host = values.host as string;
  const custom = values['tls-cert'] !== undefined || values['tls-key'] !== undefined;
  if (custom && (!values['tls-cert'] || !values['tls-key'] || !values['client-ca'])) {
    throw new UsageError({ ja: '--tls-cert・--tls-key・--client-ca は3つそろえて指定します', en: 'give --tls-cert, --tls-key and --client-ca together' });
  }
  const read = (f: string) => {
    try {
      return readFileSync(f, 'utf8');
    } catch {
      throw new UsageError({ ja: 'ファイルを読めません', en: `cannot read ${f}` });
    }
  };
  const readBytes = (f: string) => {
    try {
      return readFileSync(f);
    } catch {
      throw new UsageError({ ja: `ファイルを読めません: ${f}`, en: `cannot read ${f}` });
    }
  };
  const crlPath = values.crl === undefined ? undefined : resolve(values.crl as string);
  const crl = crlPath === undefined ? undefined : readBytes(crlPath);
  const urlFor = (p: number) => `https://${host}:${p}`;
  const dev = custom ? null : ensureDevSetup(dataDir, urlFor(port));
  const tls = dev ? { key: dev.serverKeyPem, cert: dev.serverCertPem, clientCa: dev.caPem } : { key: read(values['tls-key'] as string), cert: read(values['tls-cert'] as string), clientCa: read(values['client-ca'] as string) };
  const databaseUrl = (values.database as string | undefined) || process.env.CPL_RELAY_DATABASE_URL || undefined;
  const store = await openStore(databaseUrl ? { databaseUrl } : { dataDir });
  // Structured JSON lines on standard error (relay/observe.ts); standard output stays for people.
  const logger = relayLogger();
  const relay = await startRelay({
    store,
    host,
    port,
    tls: { ...tls, ...(crl ? { crl } : {}) },
    maxUnitBytes: num('max-unit-mb') * 1024 * 1024,
    maxInFlightBytes: Math.max(num('max-inflight-mb'), num('max-unit-mb')) * 1024 * 1024,
    retentionDays: num('retention-days'),
    rate: { requests: num('rate-per-minute'), perMs: 60_000 },
    ...(process.env.CPL_RELAY_FAULT ? { fault: process.env.CPL_RELAY_FAULT } : {}),
    logger,
    enrollment,
    ...(adminPort !== undefined ? { admin: { host: values['admin-host'] as string, port: adminPort } } : {}),
  }).catch(async (e: unknown) => {
    // A CRL that cannot serve (or a port in use) stops the start: the database is let go.
    await store.close();
    throw e;
  });
  if (crlPath) {
    // The CA publishes a new list before the old one's nextUpdate: the relay takes it when the file
    // changes (replace it atomically, e.g. write beside it and rename). A list that cannot serve is
    // refused and the previous one stays in force.
    watchFile(crlPath, { interval: 60_000 }, () => {
      try {
        relay.setCrl(readFileSync(crlPath));
        logger.info({ crl: crlPath }, '失効リストを読み直しました / reloaded the CRL');
      } catch (e) {
        const why = e instanceof LocalizedError ? `${e.ja} / ${e.en}` : (e as Error).message;
        logger.warn({ crl: crlPath, why }, '失効リストを読み直せません（前のリストのまま） / cannot reload the CRL (keeping the previous one)');
      }
    });
  }
  const lines = [`careplan-link relay: ${relay.url} （データ / data: ${databaseUrl ? withoutPassword(databaseUrl) : dataDir}、登録 / enrollment: ${enrollment}）`];
  if (relay.admin) lines.push(`管理用 / admin: ${relay.admin.url} (/healthz /readyz /metrics /openapi.json)`);
  if (dev) {
    // With --port 0 the real port is known only now: rewrite the demo configs to it.
    const configs = port === 0 ? ensureDevSetup(dataDir, relay.url).offices : dev.offices;
    lines.push(
      '開発用の証明書とデモ事業所を用意しました / development PKI and demo offices:',
      ...configs.map((o) => `  ${o.office} (${o.serviceType}) ${o.name}: --config ${o.config}`),
      `クライアントの使い方 / point clients at it:`,
      `  export ${DEMO_PASSWORD_ENV}=${DEMO_PASSWORD}`,
      `  careplan-link send --config ${configs[0]!.config} <UPPLAN・UPSIKYU・UPHOSOKU のファイル>`,
      `  careplan-link receive --config ${configs[1]!.config}`,
    );
  }
  // Listen before saying we are up: a SIGTERM right after the address line would otherwise end the
  // process without closing the store.
  const stopped = new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  io.stdout(lines.join('\n') + '\n');
  await stopped;
  if (crlPath) unwatchFile(crlPath);
  // Graceful: no new requests, those in flight finish (10 s at most), then the store closes.
  logger.info('stopping: finishing requests in flight');
  await relay.close();
  await store.close();
  logger.info('careplan-link relay: 停止しました / stopped');
  return EXIT_OK;
}
