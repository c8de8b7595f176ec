// The agent's status says what is wrong now, not what was wrong once: lastError clears after a pass
// in which sending and receiving both worked again (issue 11: lastError stayed after recovery).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore, startRelay, type RunningRelay } from '../../relay/index.js';
import { openSession, type Session } from '../transport/session.js';
import { Agent } from './agent.js';

const PKI = join(import.meta.dirname, '..', '..', 'fixtures', 'pki');
const pem = (f: string) => readFileSync(join(PKI, f), 'utf8');
const tls = () => ({ key: pem('relay-server.key.pem'), cert: pem('relay-server.pem'), clientCa: pem('ca.pem') });

describe('agent status after recovery', () => {
  let relay: RunningRelay | null = null;
  let store: SqliteStore | null = null;
  let session: Session | null = null;
  let agent: Agent | null = null;

  afterEach(async () => {
    await agent?.stop();
    session?.close();
    await relay?.close();
    store?.close();
  });

  it('clears lastError once a pass sends and receives without trouble', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-recovery-'));
    store = new SqliteStore(join(dir, 'relay'));
    relay = await startRelay({ store, port: 0, tls: tls() });
    const port = relay.port;
    for (const f of ['export', 'import', 'spool']) mkdirSync(join(dir, f), { recursive: true });
    const config = join(dir, 'office.json');
    writeFileSync(config, JSON.stringify({ office: '1310000011', serviceType: '43', p12: join(PKI, 'care-manager.p12'), passwordEnv: 'CPL_PW', relay: relay.url, trust: [join(PKI, 'ca.pem')], folders: { export: 'export', import: 'import', spool: 'spool' } }));
    session = openSession(config, { CPL_PW: 'test-password' });
    agent = new Agent(session, { settleMs: 300, rescanMs: 60_000, pollMs: 0, incompleteWaitMs: 500 });

    await agent.tick();
    expect(agent.status.lastError).toBeNull();

    await relay.close();
    await agent.tick();
    expect(agent.status.lastError).toMatch(/receive/);

    relay = await startRelay({ store, port, tls: tls() });
    await agent.tick();
    expect(agent.status.lastError).toBeNull();
  });
});
