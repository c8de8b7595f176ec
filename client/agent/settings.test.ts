// The agent's settings come from the office config's `agent` section (checked by its schema when the
// config loads) over the defaults; the agent's own move journal is read back through a schema too.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Session } from '../transport/session.js';
import { Spool, SpoolRecordError } from '../transport/spool.js';
import { Agent } from './agent.js';
import { agentConfigSchema, agentSettings, DEFAULT_AGENT_SETTINGS } from './settings.js';

describe('agent settings', () => {
  it('are the defaults where the config says nothing, and the config where it does', () => {
    expect(agentSettings(undefined)).toEqual(DEFAULT_AGENT_SETTINGS);
    const s = agentSettings(agentConfigSchema.parse({ pollMs: 0, autoSend: false, folders: { errors: 'エラー' } }));
    expect(s).toEqual({ ...DEFAULT_AGENT_SETTINGS, pollMs: 0, autoSend: false, folders: { ...DEFAULT_AGENT_SETTINGS.folders, errors: 'エラー' } });
    // The defaults are never changed through a result.
    s.folders.sent = 'x';
    expect(DEFAULT_AGENT_SETTINGS.folders.sent).toBe('sent');
  });

  it('refuse a negative time, a word for a number and an empty folder name', () => {
    expect(agentConfigSchema.safeParse({ settleMs: -5 }).success).toBe(false);
    expect(agentConfigSchema.safeParse({ rescanMs: 'fast' }).success).toBe(false);
    expect(agentConfigSchema.safeParse({ folders: { processing: '' } }).success).toBe(false);
  });
});

describe('the move journal', () => {
  it('stops the pass with an error naming a damaged journal, and leaves it in place', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-agent-journal-'));
    const spool = new Spool(join(dir, 'spool'));
    const session = { config: { office: '1310000011', folders: { export: join(dir, 'export'), import: join(dir, 'import'), spool: spool.root } }, spool } as unknown as Session;
    const agent = new Agent(session);
    mkdirSync(join(dir, 'export', 'processing'), { recursive: true });
    const journal = join(dir, 'export', 'processing', '.moving-1-1.json');
    writeFileSync(journal, JSON.stringify({ to: join(dir, 'export', 'sent', '202504'), files: 'UPPLAN_x.CSV' }));
    const error = await agent.tick().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SpoolRecordError);
    expect((error as SpoolRecordError).path).toBe(journal);
    expect((error as SpoolRecordError).field).toBe('files');
    expect((error as SpoolRecordError).en).toContain('"files" must be a list');
  });
});
