// Issue 15, acceptance: several relay processes behind one address share one PostgreSQL. Real
// processes (`careplan-link relay --database URL --port 0`) in empty working folders: offices
// exchange a plan unit through different instances; a message id is stored once however many
// instances take it at the same moment; a kill -9 of one instance in the middle of a burst loses and
// duplicates nothing; and no instance writes a file.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { certInfo } from '../pki/certs.js';
import { encryptCms } from '../pki/cms.js';
import type { RunningRelay } from '../relay/index.js';
import { BACKENDS, fixturePem, issueCert, newTestSchema, queryTestDatabase, rawRequest, type RawAnswer } from '../relay/testSupport.js';
import { cli, ROOT } from './cli.js';
import { office, RelayProcess } from './processes.js';

const VALID = join(ROOT, 'fixtures', 'valid');
const TICKET = ['UPPLAN', 'UPSIKYU', 'UPHOSOKU'].map((k) => join(VALID, readdirSync(VALID).find((f) => f.startsWith(`${k}_202504_`))!));
const ENV = { CPL_TEST_P12_PASSWORD: 'test-password', CPL_FAULT: '' };
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const scratch = (what: string) => mkdtempSync(join(tmpdir(), `cpl-inst-${what}-`));

const relays: RelayProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const r of relays.splice(0)) await r.kill();
  for (const c of cleanups.splice(0)) await c();
});

interface Cluster {
  a: RelayProcess;
  b: RelayProcess;
  database: string;
  /** The working folders and data folders of both instances: they must stay empty. */
  folders: string[];
}

/**
 * Two relay processes on one PostgreSQL schema, each in an empty working folder with an empty --data
 * folder. `operator`: the offices are enrolled first with `careplan-link relay enroll --database`
 * (from an empty folder too) and the relays admit enrolled certificates only.
 */
async function cluster(fault?: string, policy: 'open' | 'operator' = 'open'): Promise<Cluster> {
  const schema = await newTestSchema();
  cleanups.push(schema.drop);
  const folders: string[] = [];
  if (policy === 'operator') {
    const cwd = scratch('operator');
    folders.push(cwd);
    for (const who of ['care-manager', 'home-help']) {
      const enrolled = cli(['relay', 'enroll', '--database', schema.url, '--cert', join(ROOT, 'fixtures', 'pki', `${who}.pem`), '--types', who === 'care-manager' ? '43' : '11'], { cwd });
      expect(enrolled.status, enrolled.stderr).toBe(0);
    }
  }
  const instance = () => {
    const cwd = scratch('cwd');
    const data = scratch('data');
    folders.push(cwd, data);
    const r = new RelayProcess(0, data, { database: schema.url, cwd, args: ['--enrollment', policy] });
    relays.push(r);
    return r;
  };
  const a = instance();
  const b = instance();
  await a.start(fault);
  await b.start();
  return { a, b, database: schema.url, folders };
}

const asRelay = (r: RelayProcess) => ({ port: r.port }) as RunningRelay;
const run = (args: string[]) => cli(args, { env: ENV });

function submit(to: RelayProcess, id: string, body: Buffer): Promise<RawAnswer> {
  const meta = { sender: { office: '1310000011', serviceType: '43' }, receiver: { office: '1310000029', serviceType: '11' }, sequence: '20250425120002', month: '202504', kinds: ['UPPLAN'], files: [`UPPLAN_${id}.CSV`] };
  return rawRequest(asRelay(to), {
    as: 'care-manager',
    method: 'POST',
    path: '/v1/messages',
    headers: { 'content-type': 'application/cms', 'careplan-message-id': id, 'careplan-meta': Buffer.from(JSON.stringify(meta)).toString('base64url'), 'careplan-sha256': sha(body) },
    body,
  });
}

async function inboxIds(via: RelayProcess): Promise<string[]> {
  const page = (await rawRequest(asRelay(via), { as: 'home-help', path: '/v1/inbox?limit=500' })).json() as { messages: { messageId: string }[] };
  return page.messages.map((m) => m.messageId);
}

const envelope = (text: string) => encryptCms(Buffer.from(text), certInfo(fixturePem('home-help.pem')));

describe.runIf(BACKENDS.includes('postgres'))('several relay processes on one PostgreSQL (issue 15)', () => {
  it('offices enrolled by the operator exchange a plan unit through different instances, byte for byte and once; no instance writes a file', async () => {
    const { a, b, folders, database } = await cluster(undefined, 'operator');
    // An office the operator did not enroll is refused by either instance, and registers nothing.
    const stranger = issueCert({ cn: '1310000037' });
    for (const r of [a, b]) expect(((await rawRequest(asRelay(r), { as: stranger, path: '/v1/health' })).json() as { error: { code: string } }).error.code).toBe('not_enrolled');
    expect(await queryTestDatabase(database, `SELECT office FROM offices WHERE office = '1310000037'`)).toEqual([]);
    const dir = scratch('offices');
    // The care manager talks to instance A, the provider to instance B.
    const cm = office(dir, 'care-manager', a.url);
    let hh = office(dir, 'home-help', b.url);
    expect(run(['receive', '--config', cm]).status).toBe(0);
    expect(run(['receive', '--config', hh]).status).toBe(0);

    const sent = run(['send', '--config', cm, ...TICKET]);
    expect(sent.status, sent.stdout + sent.stderr).toBe(0);
    const got = run(['receive', '--config', hh, '--format', 'json']);
    expect(got.status, got.stderr).toBe(0);
    expect((JSON.parse(got.stdout) as { imported: unknown[] }).imported).toHaveLength(1);
    const imported = join(dir, 'home-help', 'import');
    expect(readdirSync(imported).sort()).toEqual(TICKET.map((f) => f.split('/').pop()!).sort());
    for (const f of TICKET) expect(readFileSync(join(imported, f.split('/').pop()!)).equals(readFileSync(f))).toBe(true);

    // A second receive brings nothing twice, through either instance.
    expect(run(['receive', '--config', hh]).stdout).toContain('nothing new');
    hh = office(dir, 'home-help', a.url);
    expect(run(['receive', '--config', hh]).stdout).toContain('nothing new');
    expect(readdirSync(imported)).toHaveLength(TICKET.length);

    // The receipts the provider posted through B are what the sender reads through A.
    const status = JSON.parse(run(['status', '--config', cm, '--format', 'json']).stdout) as { messages: { status: string; receipts: { disposition: string; valid: boolean }[] }[] };
    expect(status.messages.map((m) => m.status)).toEqual(['imported']);
    expect(status.messages[0]!.receipts.map((r) => [r.disposition, r.valid])).toEqual([
      ['received', true],
      ['imported', true],
    ]);

    // Everything is in PostgreSQL: the working folders and the data folders are as empty as they began.
    for (const f of folders) expect({ f, files: readdirSync(f) }).toEqual({ f, files: [] });
  });

  it('stores a message id once when two instances take it at the same moment', async () => {
    const { a, b, database } = await cluster();
    for (const who of ['care-manager', 'home-help']) expect((await rawRequest(asRelay(a), { as: who, path: '/v1/health' })).status).toBe(200);
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const id = `race-${String(i).padStart(4, '0')}`;
      ids.push(id);
      const body = await envelope(`unit ${i}`);
      // The same request (a client's retry racing itself) reaches both instances at once.
      const answers = await Promise.all([submit(a, id, body), submit(b, id, body), submit(a, id, body), submit(b, id, body)]);
      expect(answers.map((x) => x.status).sort()).toEqual([200, 200, 200, 201]);
      const cursors = new Set(answers.map((x) => (x.json() as { cursor: number }).cursor));
      expect(cursors.size).toBe(1);
      // Other bytes under the same id are a conflict at either instance.
      expect((await submit(b, id, await envelope(`other ${i}`))).status).toBe(409);
    }
    expect((await inboxIds(a)).sort()).toEqual(ids);
    expect((await inboxIds(b)).sort()).toEqual(ids);
    const rows = await queryTestDatabase<{ n: number }>(database, 'SELECT count(*)::int AS n FROM messages');
    expect(rows[0]!.n).toBe(ids.length);
    // The losers' uploads were thrown away, not left behind.
    expect((await queryTestDatabase<{ n: number }>(database, 'SELECT count(*)::int AS n FROM payloads WHERE NOT committed'))[0]!.n).toBe(0);
  });

  it('loses and duplicates nothing when one instance is killed (kill -9) in the middle of a burst', async () => {
    // Instance A kills itself (SIGKILL) right after its first commit, before answering: the units of
    // that commit are stored but their senders never hear so, and the rest of A's burst is cut off.
    const { a, b, database, folders } = await cluster('after-commit');
    for (const who of ['care-manager', 'home-help']) expect((await rawRequest(asRelay(b), { as: who, path: '/v1/health' })).status).toBe(200);
    const units = await Promise.all(Array.from({ length: 24 }, async (_, i) => ({ id: `burst-${String(i).padStart(4, '0')}`, body: await envelope(`burst unit ${i} ${'x'.repeat(i * 100)}`) })));
    // A load balancer's view: half of the burst goes to A; what fails there is sent again, with the
    // same id, to B (a client retries with the same id).
    const answers = await Promise.all(
      units.map(async (u, i) => {
        let answer = await submit(i % 2 === 0 ? a : b, u.id, u.body);
        for (let tries = 0; (answer.status === 0 || answer.status >= 500) && tries < 5; tries++) answer = await submit(b, u.id, u.body);
        return answer;
      }),
    );
    await a.exited();
    expect(a.log).toContain('fault injected at after-commit');
    expect(answers.map((x) => x.status).filter((s) => s !== 200 && s !== 201)).toEqual([]);
    // At least one unit was committed by A and answered only by B's repeat (200): stored once all the same.
    expect(answers.filter((x) => x.status === 200).length).toBeGreaterThan(0);

    // A comes back; both instances see every unit exactly once, byte for byte.
    await a.start();
    const ids = units.map((u) => u.id).sort();
    expect((await inboxIds(a)).sort()).toEqual(ids);
    expect((await inboxIds(b)).sort()).toEqual(ids);
    expect((await queryTestDatabase<{ n: number }>(database, 'SELECT count(*)::int AS n FROM messages'))[0]!.n).toBe(units.length);
    for (const [i, u] of units.entries()) {
      const got = await rawRequest(asRelay(i % 2 ? a : b), { as: 'home-help', path: `/v1/messages/${u.id}/payload` });
      expect({ id: u.id, status: got.status, same: got.body.equals(u.body) }).toEqual({ id: u.id, status: 200, same: true });
    }
    for (const f of folders) expect({ f, files: readdirSync(f) }).toEqual({ f, files: [] });
  });
});
