// The agent against a real relay (in-process, real TLS) and real folders.
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startExchange, type Exchange } from '../../test/support/exchange.js';
import { generateFixtures } from '../../shared/fixtures/generate.js';
import type { Session } from '../transport/session.js';
import type { AgentStatus } from './agent.js';
import { catalog, FAST, NO_RATE_LIMIT, TestAgents, ticketUnit, waitFor } from './testSupport.js';
import { localMonth } from '../../shared/time.js';

const months = (n: number) =>
  Array.from({ length: n }, (_, i) => {
    const y = 2025 + Math.floor((3 + i) / 12);
    const m = ((3 + i) % 12) + 1;
    return `${y}${String(m).padStart(2, '0')}`;
  });

describe('careplan-link agent', () => {
  let exchange: Exchange;
  let cm: Session, hh: Session;
  const agents = new TestAgents();
  const agent = (s: Session) => agents.start(s);

  beforeEach(async () => {
    exchange = await startExchange('cpl-agent-', { rate: NO_RATE_LIMIT });
    [cm, hh] = [exchange.open('care-manager'), exchange.open('home-help')];
  });

  afterEach(async () => {
    await agents.stopAll();
    await exchange.close();
  });

  const sentByCm = () => exchange.store.auditLog(100_000).filter((e) => e.action === 'submit' && e.office === '1310000011').length;

  it('sends a file written slowly in pieces exactly once, after it is complete', async () => {
    await agent(hh); // the provider is on the directory
    const a = await agent(cm);
    const unit = ticketUnit('202504', 3);
    const exp = cm.config.folders.export;
    for (const f of unit.slice(1)) writeFileSync(join(exp, f.name), f.data);
    const slow = unit[0]!;
    const third = Math.ceil(slow.data.length / 3);
    writeFileSync(join(exp, slow.name), slow.data.subarray(0, third));
    for (const part of [slow.data.subarray(third, 2 * third), slow.data.subarray(2 * third)]) {
      await new Promise((r) => setTimeout(r, 150)); // pauses shorter than the settle window
      appendFileSync(join(exp, slow.name), part);
    }
    await waitFor('the unit to be accepted', () => sentByCm() === 1);
    await a.idle();
    await new Promise((r) => setTimeout(r, 600));
    expect(sentByCm()).toBe(1);
    await waitFor('the provider to import it', () => readdirSync(hh.config.folders.import).length === 3);
    expect(readFileSync(join(hh.config.folders.import, slow.name)).equals(slow.data)).toBe(true);
    const month = localMonth(new Date());
    expect(readdirSync(join(exp, 'sent', month)).sort()).toEqual(unit.map((f) => f.name).sort());
  });

  it('sends a burst of 501 files (167 units) completely, none twice', async () => {
    await agent(hh);
    const ms = months(167);
    const files = ms.flatMap((m) => ticketUnit(m));
    expect(files).toHaveLength(501);
    for (const f of files) writeFileSync(join(cm.config.folders.export, f.name), f.data);
    await agent(cm);
    await waitFor('all 167 units accepted', () => sentByCm() >= 167, 150_000);
    const ids = exchange.store.auditLog(100_000).filter((e) => e.action === 'submit' && e.office === '1310000011').map((e) => e.messageId);
    expect(new Set(ids).size).toBe(167);
    expect(ids).toHaveLength(167);
    const left = readdirSync(cm.config.folders.export).filter((n) => n.endsWith('.CSV'));
    expect(left).toEqual([]);
  }, 200_000);

  it('moves an invalid file to errors/ with a Japanese report, and sends nothing', async () => {
    await agent(hh);
    const unit = ticketUnit('202504');
    const bad = unit[0]!;
    const text = iconv.decode(bad.data, 'cp932').replace(/,20250402,/, ',20250532,');
    for (const f of unit) writeFileSync(join(cm.config.folders.export, f.name), f === bad ? iconv.encode(text, 'cp932') : f.data);
    await agent(cm);
    const errors = join(cm.config.folders.export, 'errors');
    await waitFor('the unit to be rejected', () => existsSync(errors) && readdirSync(errors).filter((n) => n.endsWith('.CSV')).length === 3);
    const report = readFileSync(join(errors, `${bad.name}.errors.txt`), 'utf8');
    expect(report).toContain('送信していません');
    expect(report).toContain('正しい日付（YYYYMMDD）ではありません: 20250532');
    // For the clerk: the person by name (from the unit's 利用者補足情報), Japanese only, no jargon or internal folders.
    expect(report).toContain('1件目（佐藤 ハナ 様）');
    for (const word of ['物理行', 'processing', 'This file']) expect(report).not.toContain(word);
    expect(JSON.parse(readFileSync(join(errors, `${bad.name}.errors.json`), 'utf8')).files[0].valid).toBe(false);
    expect(sentByCm()).toBe(0);
  });

  it('holds an incomplete unit and reports what is missing; leaves other files alone', async () => {
    await agent(hh);
    const unit = ticketUnit('202504').filter((f) => !f.name.startsWith('UPSIKYU'));
    for (const f of unit) writeFileSync(join(cm.config.folders.export, f.name), f.data);
    writeFileSync(join(cm.config.folders.export, 'メモ.txt'), 'the clerk\'s note');
    await agent(cm);
    const statusFile = join(cm.spool.root, 'agent-status.json');
    await waitFor('the incomplete unit to be reported', () => existsSync(statusFile) && (JSON.parse(readFileSync(statusFile, 'utf8')) as AgentStatus).incomplete.some((i) => i.reported));
    const status = JSON.parse(readFileSync(statusFile, 'utf8')) as AgentStatus;
    expect(status.incomplete[0]!.missing.join(' ')).toContain('UPSIKYU がありません');
    expect(status.ignored).toEqual(['メモ.txt']);
    expect(readFileSync(join(cm.config.folders.export, 'メモ.txt'), 'utf8')).toBe('the clerk\'s note');
    expect(readdirSync(join(cm.config.folders.export, 'processing')).filter((n) => n.endsWith('.CSV'))).toHaveLength(2);
    expect(sentByCm()).toBe(0);
    expect(readFileSync(join(cm.spool.root, 'logs', 'agent.log'), 'utf8')).toContain('incomplete-held');
    // The missing file arrives late: the unit goes out.
    const late = ticketUnit('202504').find((f) => f.name.startsWith('UPSIKYU'))!;
    writeFileSync(join(cm.config.folders.export, late.name), late.data);
    await waitFor('the completed unit to be accepted', () => sentByCm() === 1);
  });

  it('receives at once when asked (receive-now), passes deletion files through, and rotates its log', async () => {
    const b = await agents.start(hh, { ...FAST, pollMs: 3_600_000, logMaxBytes: 10 });
    await agent(cm);
    const del = generateFixtures(catalog, { month: '202504', users: 1 }).find((f) => f.kind === 'DLTPLAN')!;
    writeFileSync(join(cm.config.folders.export, del.name), iconv.encode(del.text!, 'cp932'));
    await waitFor('the deletion to be accepted', () => sentByCm() === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(existsSync(join(hh.config.folders.import, del.name))).toBe(false); // no polling for an hour…
    writeFileSync(join(hh.spool.root, 'receive-now'), '');
    await waitFor('the deletion to arrive', () => existsSync(join(hh.config.folders.import, del.name)), 10_000);
    await b.idle();
    const logs = readdirSync(join(hh.spool.root, 'logs'));
    expect(logs).toContain('agent.log.1');
  });

  it('puts a unit for an office not on the service (未連携) on paper, keeps receiving, and sends by data once the office appears', async () => {
    // The provider has not announced itself: not in the directory, so not linked.
    const a = await agent(cm);
    const unit = ticketUnit('202505');
    const exp = cm.config.folders.export;
    for (const f of unit) writeFileSync(join(exp, f.name), f.data);
    const sentDir = join(exp, 'sent', localMonth(new Date()));
    await waitFor('the unit to be filed as sent on paper', () => existsSync(sentDir) && readdirSync(sentDir).length === unit.length);
    expect(readdirSync(sentDir).sort()).toEqual(unit.map((f) => f.name).sort());
    const pdfs = readdirSync(join(exp, '印刷・FAX', '202505'));
    expect(pdfs.filter((n) => n.endsWith('.pdf'))).toEqual([expect.stringMatching(/^202505_.+_1310000029\.pdf$/)]);
    expect(a.status.held).toEqual([]);
    expect(sentByCm()).toBe(0);
    // Receiving is not blocked by it.
    await expect(a.receiveNow()).resolves.toMatchObject({ imported: [], quarantined: [] });
    // Once the provider is on the service, the next month goes by data.
    await agent(hh);
    for (const f of ticketUnit('202506')) writeFileSync(join(exp, f.name), f.data);
    await waitFor('the next unit to go out by data', () => sentByCm() === 1, 30_000);
    expect(readdirSync(join(exp, '印刷・FAX'))).toEqual(['202505']);
  });

  it('two agents exchange: a plan unit reaches the provider, the actuals come back', async () => {
    await agent(cm);
    await agent(hh);
    const all = generateFixtures(catalog, { month: '202504', users: 2 });
    const plan = all.filter((f) => ['UP1KYO', 'UP2KYO', 'UP3KYO'].includes(f.kind) || (f.kind === 'UPHOSOKU' && f.name.includes('_000000_')));
    for (const f of plan) writeFileSync(join(cm.config.folders.export, f.name), iconv.encode(f.text!, 'cp932'));
    await waitFor('the plan to reach the provider', () => readdirSync(hh.config.folders.import).length === 4);
    for (const f of plan) expect(readFileSync(join(hh.config.folders.import, f.name)).equals(iconv.encode(f.text!, 'cp932'))).toBe(true);
    const actuals = all.find((f) => f.kind === 'UPJSK')!;
    writeFileSync(join(hh.config.folders.export, actuals.name), iconv.encode(actuals.text!, 'cp932'));
    await waitFor('the actuals to come back', () => existsSync(join(cm.config.folders.import, actuals.name)));
    // And the care manager can see that the provider imported the plan.
    const out = await cm.client.outbox();
    expect(out.messages.map((m) => m.status)).toEqual(['imported']);
  });
});
