// For the agent's tests only (never imported by the agent): its windows made short, waiting for
// something to happen, the fixture ticket unit of a month, and the agents a test starts.
import iconv from 'iconv-lite';
import { generateFixtures } from '../../shared/fixtures/generate.js';
import { loadCatalog } from '../check/specs.js';
import type { Session } from '../transport/session.js';
import { Agent } from './agent.js';
import type { AgentSettings } from './settings.js';

/** Settle, rescan, poll and incomplete-unit windows short enough for a test and long enough to be real. */
export const FAST = { settleMs: 300, rescanMs: 100, pollMs: 400, incompleteWaitMs: 500 };

/** A relay rate limit that agents sending hundreds of units never reach. */
export const NO_RATE_LIMIT = { requests: 100_000, perMs: 60_000 };

export const catalog = loadCatalog();

/** Polls until `test` holds (waiting for something to happen, never to prove that it does not). */
export async function waitFor(what: string, test: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The ticket unit (UPPLAN + UPSIKYU + UPHOSOKU) of a month, as MS932 bytes; its sequence grows with the month. */
export function ticketUnit(month: string, users = 1): { name: string; data: Buffer }[] {
  return generateFixtures(catalog, { month, users })
    .filter((f) => ['UPPLAN', 'UPSIKYU'].includes(f.kind) || (f.kind === 'UPHOSOKU' && f.name.includes(`_${month}_`)))
    .map((f) => ({ name: f.name, data: iconv.encode(f.text!, 'cp932') }));
}

/** The agents one test starts, with FAST windows unless it says otherwise; `stopAll()` when it ends. */
export class TestAgents {
  private running: Agent[] = [];

  async start(session: Session, settings: Partial<AgentSettings> = FAST): Promise<Agent> {
    const agent = new Agent(session, settings);
    this.running.push(agent);
    await agent.start();
    return agent;
  }

  async stopAll(): Promise<void> {
    for (const a of this.running) await a.stop();
    this.running = [];
  }
}
