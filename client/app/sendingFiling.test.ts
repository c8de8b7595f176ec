// The app's own sends file their originals as the agent files its own: they wait in processing/ while
// the unit is only queued, go to sent/<local month> once the relay has it (now, or at a later pass of
// the agent), and to errors/ with the reason when the relay refuses the unit for good. A different file
// of the same name already in processing/ is never filed beside it as NAME (2).CSV.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch, type AppApi } from '../../shared/api/methods.js';
import { generateFixtures } from '../../shared/fixtures/generate.js';
import { localMonth } from '../../shared/time.js';
import { SqliteStore, startRelay, type RunningRelay } from '../../relay/index.js';
import { Agent } from '../agent/agent.js';
import { loadCatalog } from '../check/specs.js';
import { openSession, type Session } from '../transport/session.js';
import { AppBackend } from './backend.js';
import { MemorySecretStore } from './profile.js';

const PKI = join(import.meta.dirname, '..', '..', 'fixtures', 'pki');
const pem = (f: string) => readFileSync(join(PKI, f), 'utf8');
const tls = () => ({ key: pem('relay-server.key.pem'), cert: pem('relay-server.pem'), clientCa: pem('ca.pem') });
const catalog = loadCatalog();

/** The ticket unit (UPPLAN + UPSIKYU + UPHOSOKU) of a month, as uploads. */
function ticket(month: string): { name: string; base64: string }[] {
  return generateFixtures(catalog, { month, users: 1 })
    .filter((f) => ['UPPLAN', 'UPSIKYU'].includes(f.kind) || (f.kind === 'UPHOSOKU' && f.name.includes(`_${month}_`)))
    .map((f) => ({ name: f.name, base64: iconv.encode(f.text!, 'cp932').toString('base64') }));
}

const names = (unit: { name: string }[]) => unit.map((f) => f.name).sort();
const csvIn = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.CSV')).sort() : []);

async function waitFor(what: string, test: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let relay: RunningRelay | null = null;
let store: SqliteStore | null = null;
let provider: { session: Session; agent: Agent } | null = null;
let backend: AppBackend | null = null;

afterEach(async () => {
  await backend?.stop();
  await provider?.agent.stop();
  provider?.session.close();
  await relay?.close();
  store?.close();
  backend = provider = relay = store = null;
});

/** A relay, the provider on its directory, and the care manager's app set up against it (automatic sending off). */
async function setup(relayOptions: { maxUnitBytes?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'cpl-app-filing-'));
  store = new SqliteStore(join(dir, 'relay'));
  relay = await startRelay({ store, port: 0, tls: tls(), rate: { requests: 100_000, perMs: 60_000 }, ...relayOptions });
  for (const f of ['export', 'import', 'spool']) mkdirSync(join(dir, 'hh', f), { recursive: true });
  const config = join(dir, 'hh.json');
  writeFileSync(config, JSON.stringify({ office: '1310000029', serviceType: '11', p12: join(PKI, 'home-help.p12'), passwordEnv: 'CPL_PW', relay: relay.url, trust: [join(PKI, 'ca.pem')], folders: { export: 'hh/export', import: 'hh/import', spool: 'hh/spool' } }));
  const session = openSession(config, { CPL_PW: 'test-password' });
  provider = { session, agent: new Agent(session, { rescanMs: 60_000 }) };
  await provider.agent.start();

  backend = new AppBackend({ dataDir: join(dir, 'cm-app'), shell: 'browser', secrets: new MemorySecretStore(), agentTiming: { settleMs: 50, rescanMs: 100 } });
  await backend.start();
  const b = backend;
  const api = new Proxy({} as AppApi, { get: (_t, m: string) => (m === 'then' ? undefined : (req: unknown) => dispatch(b.handlers, m, req)) });
  await api.saveSettings({ autoSend: false });
  const exportDir = join(dir, 'cm-export');
  await api.completeSetup({ office: '1310000011', serviceType: '43', name: '居宅', p12Base64: readFileSync(join(PKI, 'care-manager.p12')).toString('base64'), password: 'test-password', relayUrl: relay.url, trustPem: pem('ca.pem'), exportDir, importDir: join(dir, 'cm-import') });
  return { api, exportDir, processing: join(exportDir, 'processing'), sent: join(exportDir, 'sent', localMonth()), errors: join(exportDir, 'errors'), staging: join(dir, 'cm-app', 'staging') };
}

async function send(api: AppApi, unit: { name: string; base64: string }[]) {
  const v = await api.validateUploads({ files: unit });
  expect(v.sendable).toBe(true);
  return { batchId: v.batchId!, result: await api.sendStaged({ batchId: v.batchId! }) };
}

describe('the app files what it sends', () => {
  it('keeps a queued unit’s originals in processing/ and files them in sent/<month> once the relay has it', async () => {
    const { api, processing, sent } = await setup();
    // Sent once while the relay is up: the provider's certificate is kept for sealing offline.
    const first = ticket('202504');
    expect((await send(api, first)).result.outcomes).toEqual([expect.objectContaining({ state: 'accepted' })]);
    expect(csvIn(sent)).toEqual(names(first));

    const port = relay!.port;
    await relay!.close();
    relay = null;
    const queued = ticket('202505');
    expect((await send(api, queued)).result.outcomes).toEqual([expect.objectContaining({ state: 'queued' })]);
    // Only queued: not shown as sent, waiting where the agent's own units wait.
    expect(csvIn(processing)).toEqual(names(queued));
    expect(csvIn(sent)).toEqual(names(first));

    relay = await startRelay({ store: store!, port, tls: tls(), rate: { requests: 100_000, perMs: 60_000 } });
    await waitFor('the agent to file the queued unit once the relay accepted it', () => csvIn(sent).length === 6);
    expect(csvIn(sent)).toEqual([...names(first), ...names(queued)].sort());
    expect(csvIn(processing)).toEqual([]);
  });

  it('files a unit the relay refuses for good in errors/ with the reason, not in sent/', async () => {
    const { api, errors, sent, staging } = await setup({ maxUnitBytes: 1024 });
    const unit = ticket('202504');
    const { result } = await send(api, unit);
    expect(result.outcomes).toEqual([expect.objectContaining({ state: 'failed' })]);
    expect(csvIn(errors)).toEqual(names(unit));
    const report = readFileSync(join(errors, `${unit[0]!.name}.errors.txt`), 'utf8');
    expect(report).toContain('連携サービスが受け付けませんでした');
    expect(report).not.toContain('The unit is too large');
    expect(csvIn(sent)).toEqual([]);
    // The staged copies went with them: nothing is left to send by mistake.
    expect(existsSync(staging) ? readdirSync(staging) : []).toEqual([]);
  });

  it('refuses a unit whose file has a different namesake in processing/, and leaves it to be sent again', async () => {
    const { api, processing, sent } = await setup();
    const unit = ticket('202504');
    writeFileSync(join(processing, unit[0]!.name), 'an older export, still on its way');
    const { batchId, result } = await send(api, unit);
    expect(result.outcomes).toEqual([expect.objectContaining({ state: 'failed', messageId: null, message: expect.objectContaining({ ja: expect.stringContaining('同じ名前') }) })]);
    expect(readdirSync(processing).filter((n) => n.includes(' (2)'))).toEqual([]);
    expect(readFileSync(join(processing, unit[0]!.name), 'utf8')).toBe('an older export, still on its way');
    expect(csvIn(sent)).toEqual([]);
    // Once the older file has gone, the same batch goes out.
    writeFileSync(join(processing, unit[0]!.name), Buffer.from(unit[0]!.base64, 'base64'));
    expect((await api.sendStaged({ batchId })).outcomes).toEqual([expect.objectContaining({ state: 'accepted' })]);
    expect(csvIn(sent)).toEqual(names(unit));
    expect(csvIn(processing)).toEqual([]);
  });
});
