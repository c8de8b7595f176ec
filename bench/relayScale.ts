// Relay storage at scale (issue 15): inbox and purge times with 1k, 10k, 100k and 1M stored messages,
// for SQLite and (with CPL_TEST_DATABASE_URL or BENCH_DATABASE_URL) PostgreSQL. The rows are made
// with bulk SQL, not through the API: 10 % of all messages go to one busy office, 1 % of all are still
// queued (all of them the busy office's), the rest imported with a receipt; created_at spreads over
// 100 days. Measured through the store, as the server calls it:
//   - the busy office's inbox (limit 100), median and 99th percentile of 50 calls;
//   - purging the oldest 1 % (in batches), and the slowest inbox call made every 2 ms meanwhile —
//     purge must never block requests.
//
//   BENCH_SIZES=1000,10000,100000 npx vite-node bench/relayScale.ts     (or node dist/bench/relayScale.js)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openStore, type RelayStore } from '../relay/index.js';
import { writeBenchOutput } from './output.js';
import { percentile } from './stats.js';

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,100000,1000000').split(',').map(Number);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? process.env.CPL_TEST_DATABASE_URL ?? '';
const BACKENDS = (process.env.BENCH_BACKENDS ?? (DATABASE_URL ? 'sqlite,postgres' : 'sqlite')).split(',') as ('sqlite' | 'postgres')[];
const BUSY = '1390000000';
const DAY = 86_400_000;
const SHA = 'ab'.repeat(32);

interface Row {
  backend: string;
  messages: number;
  fillS: number;
  inboxP50Ms: number;
  inboxP99Ms: number;
  /** PostgreSQL: the inbox query's execution time inside the server (EXPLAIN ANALYZE, median of 10), free of the client machine's load. */
  inboxServerMs: number | null;
  purged: number;
  purgeMs: number;
  /** The slowest inbox call while the purge ran (calls every 2 ms). */
  inboxDuringPurgeMaxMs: number;
  inboxCallsDuringPurge: number;
}

/** The SQLite rows (and the segment files they point to, 100 messages each), in a few statements. */
function fillSqlite(dir: string, n: number, base: number): void {
  const db = new Database(join(dir, 'relay.sqlite'));
  db.pragma('journal_mode = WAL');
  db.transaction(() => {
    db.prepare(
      `WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ?)
       INSERT INTO messages (id, sender_office, sender_type, receiver_office, receiver_type, sequence, month, kinds, files, size, sha256, status, created_at, segment, segment_offset)
       SELECT 'bench-' || i, printf('%010d', 1380000000 + i % 500), '43',
              CASE WHEN i % 10 = 0 THEN '${BUSY}' ELSE printf('%010d', 1390000001 + i % 997) END, '11',
              '20250425120002', '202504', '["UPPLAN"]', '["UPPLAN.CSV"]', 10240, '${SHA}',
              CASE WHEN i % 100 = 0 THEN 'queued' ELSE 'imported' END,
              strftime('%Y-%m-%dT%H:%M:%fZ', (? + i * ?) / 1000.0, 'unixepoch'),
              'bench-' || (i / 100) || '.seg', (i % 100) * 10240
       FROM seq`,
    ).run(n, base, (100 * DAY) / n);
    db.exec(`INSERT INTO receipts (message_id, message_cursor, disposition, reason, at, statement, signature)
             SELECT id, cursor, 'imported', NULL, created_at, '{}', 'c2ln' FROM messages WHERE status = 'imported'`);
  })();
  db.exec('ANALYZE');
  db.close();
  for (let s = 0; s * 100 < n; s++) writeFileSync(join(dir, 'payloads', `bench-${s}.seg`), '');
}

/** The PostgreSQL rows: payloads (one small chunk each), messages, receipts; then ANALYZE. */
async function fillPostgres(url: string, n: number, base: number): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('BEGIN');
    await c.query('INSERT INTO payloads (size, committed) SELECT 10240, true FROM generate_series(1, $1)', [n]);
    await c.query(`INSERT INTO payload_chunks (payload_id, seq, data) SELECT id, 0, decode(repeat('ab', 32), 'hex') FROM payloads`);
    await c.query(
      `INSERT INTO messages (id, sender_office, sender_type, receiver_office, receiver_type, sequence, month, kinds, files, size, sha256, status, created_at, payload_id)
       SELECT 'bench-' || i, to_char(1380000000 + i % 500, 'FM0000000000'), '43',
              CASE WHEN i % 10 = 0 THEN '${BUSY}' ELSE to_char(1390000001 + i % 997, 'FM0000000000') END, '11',
              '20250425120002', '202504', '["UPPLAN"]', '["UPPLAN.CSV"]', 10240, '${SHA}',
              CASE WHEN i % 100 = 0 THEN 'queued' ELSE 'imported' END,
              to_timestamp(($2::float8 + i * $3::float8) / 1000), p.id
       FROM generate_series(0, $1 - 1) i JOIN payloads p ON p.id = i + 1`,
      [n, base, (100 * DAY) / n],
    );
    await c.query(`INSERT INTO receipts (message_id, message_cursor, disposition, reason, at, statement, signature)
                   SELECT id, cursor, 'imported', NULL, created_at::text, '{}', 'c2ln' FROM messages WHERE status = 'imported'`);
    await c.query('COMMIT');
    await c.query('ANALYZE');
  } finally {
    await c.end();
  }
}

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

/** The inbox query as PgStore sends it (relay/pgStore.ts), timed inside PostgreSQL. */
async function serverInboxMs(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const { rows } = await c.query<{ 'QUERY PLAN': [{ 'Execution Time': number }] }>(
        `EXPLAIN (ANALYZE, FORMAT JSON) SELECT m.*, (SELECT COALESCE(json_agg(json_build_object('disposition', r.disposition, 'reason', r.reason, 'at', r.at, 'statement', r.statement, 'signature', r.signature) ORDER BY r.id), '[]'::json)
           FROM receipts r WHERE r.message_cursor = m.cursor) AS receipts
         FROM messages m WHERE receiver_office = $1 AND cursor > 0 AND status IN ('queued', 'delivered')
           AND NOT EXISTS (SELECT 1 FROM messages o WHERE o.id = m.id AND o.receiver_office = m.receiver_office AND o.cursor < m.cursor)
         ORDER BY cursor LIMIT 100`,
        [BUSY],
      );
      times.push(rows[0]!['QUERY PLAN'][0]['Execution Time']);
    }
    return round(percentile(times.sort((x, y) => x - y), 50));
  } finally {
    await c.end();
  }
}

async function measure(store: RelayStore, backend: string, n: number, fillS: number, base: number, url?: string): Promise<Row> {
  const inbox = () => store.inbox(BUSY, 0, 100);
  const first = await inbox();
  if (first.length !== Math.min(100, Math.ceil(n / 100))) throw new Error(`the busy office's inbox holds ${first.length} messages`);
  for (let i = 0; i < 5; i++) await inbox();
  const times: number[] = [];
  for (let i = 0; i < 50; i++) times.push(await timed(inbox));
  const inboxServerMs = url ? await serverInboxMs(url) : null;
  // Purge the oldest 1 % while the busy office keeps asking for its inbox.
  const during: number[] = [];
  let purging = true;
  const probe = (async () => {
    while (purging) {
      during.push(await timed(inbox));
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  const t0 = performance.now();
  const purged = await store.purgeBefore(new Date(base + DAY));
  const purgeMs = performance.now() - t0;
  purging = false;
  await probe;
  return {
    backend,
    messages: n,
    fillS: Math.round(fillS * 10) / 10,
    inboxP50Ms: round(percentile(times.sort((x, y) => x - y), 50)),
    inboxP99Ms: round(percentile(times, 99)),
    inboxServerMs,
    purged: purged.length,
    purgeMs: Math.round(purgeMs),
    inboxDuringPurgeMaxMs: round(Math.max(0, ...during)),
    inboxCallsDuringPurge: during.length,
  };
}

const round = (x: number) => Math.round(x * 100) / 100;

async function one(backend: 'sqlite' | 'postgres', n: number): Promise<Row> {
  const base = Date.now() - 101 * DAY;
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-scale-'));
    try {
      await (await openStore({ dataDir: dir })).close();
      const t0 = performance.now();
      fillSqlite(dir, n, base);
      const fillS = (performance.now() - t0) / 1000;
      const store = await openStore({ dataDir: dir });
      try {
        return await measure(store, backend, n, fillS, base);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = new URL(DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  try {
    await (await openStore({ databaseUrl: url.toString() })).close();
    const t0 = performance.now();
    await fillPostgres(url.toString(), n, base);
    const fillS = (performance.now() - t0) / 1000;
    const store = await openStore({ databaseUrl: url.toString() });
    try {
      return await measure(store, backend, n, fillS, base, url.toString());
    } finally {
      await store.close();
    }
  } finally {
    if (process.env.BENCH_KEEP) process.stderr.write(`kept schema ${schema}\n`);
    else await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

const rows: Row[] = [];
for (const n of SIZES) {
  for (const backend of BACKENDS) {
    const row = await one(backend, n);
    rows.push(row);
    process.stderr.write(`${JSON.stringify(row)}\n`);
  }
}
const [load1] = loadavg();
console.log(`\n${cpus().length} cores, load average ${load1!.toFixed(1)} at the end\n`);
console.log('| backend | messages | fill (s) | inbox p50 (ms) | inbox p99 (ms) | inbox in the server (ms) | purged | purge (ms) | slowest inbox during purge (ms) | inbox calls during purge |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.backend} | ${r.messages.toLocaleString('en')} | ${r.fillS} | ${r.inboxP50Ms} | ${r.inboxP99Ms} | ${r.inboxServerMs ?? '–'} | ${r.purged} | ${r.purgeMs} | ${r.inboxDuringPurgeMaxMs} | ${r.inboxCallsDuringPurge} |`);
writeBenchOutput('relay-scale', { sizes: SIZES, backends: BACKENDS, cores: cpus().length, loadAverage: loadavg(), rows });
