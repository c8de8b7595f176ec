// The app back end against a real embedded relay (mutual TLS on loopback) and the two demo offices:
// the flow the desktop app drives, through the same checked dispatch the IPC and the web bridge use.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch, type AppApi } from '../../shared/api/methods.js';
import { generateFixtures } from '../../shared/fixtures/generate.js';
import { localMonth } from '../../shared/time.js';
import { startEmbedded, type Embedded } from '../cli/embeddedRelay.js';
import { encodeMs932 } from '../check/ms932.js';
import { loadCatalog } from '../check/specs.js';
import { packageRoot } from '../paths.js';
import { Profile } from './profile.js';
import { toApiError, type AppEvent } from './backend.js';

const VALID = join(packageRoot(), 'fixtures', 'valid');
const file = (prefix: string) => readdirSync(VALID).find((f) => f.startsWith(`${prefix}_202504_`))!;
const upload = (name: string, bytes = readFileSync(join(VALID, name))) => ({ name, base64: bytes.toString('base64') });
const TICKET = ['UPPLAN', 'UPSIKYU', 'UPHOSOKU'].map(file);

let embedded: Embedded;
let dir: string;
let cm: AppApi;
let hh: AppApi;
const events: AppEvent[] = [];

/** Calls a method the way the renderer does: payload checked, then the handler. */
const via = (api: AppApi) =>
  new Proxy({} as AppApi, { get: (_t, m: string) => (req: unknown) => dispatch(api, m, req) });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cpl-app-'));
  embedded = await startEmbedded({ dataDir: dir, relayPort: 0, shell: 'browser', extra: { agentTiming: { settleMs: 50, rescanMs: 100 }, notify: (e) => events.push(e) } });
  cm = via(embedded.backends.find((b) => b.id === 'care-manager')!.backend.handlers);
  hh = via(embedded.backends.find((b) => b.id === 'home-help')!.backend.handlers);
});

afterAll(async () => {
  await embedded.close();
});

describe('app back end', () => {
  it('starts in setup and refuses work before it', async () => {
    const s = await cm.getState({});
    expect(s.phase).toBe('setup');
    expect(s.demoOffices.map((d) => d.office)).toEqual(['1310000011']);
    await expect(cm.home({})).rejects.toMatchObject({ code: 'not_ready' });
  });

  it('describes a certificate without handing it over, and names a wrong password', async () => {
    const p12 = readFileSync(join(dir, 'relay', 'dev-pki', 'care-manager.p12')).toString('base64');
    const c = await cm.inspectCertificate({ p12Base64: p12, password: 'test-password' });
    expect(c).toMatchObject({ officeNumber: '1310000011', usable: true, expiringSoon: false });
    expect(JSON.stringify(c)).not.toMatch(/PRIVATE KEY|BEGIN/);
    const err = await cm.inspectCertificate({ p12Base64: p12, password: 'wrong' }).catch((e: unknown) => toApiError(e));
    expect(err).toMatchObject({ code: 'P12_WRONG_PASSWORD' });
    expect((err as { ja: string }).ja).toContain('パスワードが違います');
    const conn = await cm.testConnection({ relayUrl: embedded.relay.url, trustPem: '' });
    expect(conn).toMatchObject({ ok: true, office: '1310000011' });
  });

  it('refuses payloads that do not match the schema', async () => {
    await expect(cm.openDocument({ source: 'sent', file: '../../etc/passwd' })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(dispatch(embedded.backends[0]!.backend.handlers, 'deleteEverything', {})).rejects.toMatchObject({ code: 'unknown_method' });
  });

  it('sets up both demo offices in one click each', async () => {
    expect((await cm.setupDemo({ id: 'care-manager' })).phase).toBe('ready');
    const s = await hh.setupDemo({ id: 'home-help' });
    expect(s).toMatchObject({ phase: 'ready', profile: { office: '1310000029', serviceType: '11' }, connection: { state: 'online' } });
    // The office config is the agent's own format: `careplan-link agent --config` can run it too.
    const config = JSON.parse(readFileSync(join(dir, 'offices', 'home-help', 'app', 'office.json'), 'utf8')) as { passwordEnv: string; folders: { export: string } };
    expect(config.passwordEnv).toBe('CPL_P12_PASSWORD');
    expect(readFileSync(join(dir, 'offices', 'home-help', 'app', 'office.json'), 'utf8')).not.toContain('test-password');
  });

  it('shows an invalid upload with row, field and hint, and does not offer to send it', async () => {
    const bad = Buffer.from(readFileSync(join(VALID, TICKET[0]!)).toString('latin1').replace(/,20250401,/, ',20250431,'), 'latin1');
    const v = await cm.validateUploads({ files: [upload(TICKET[0]!, bad), upload(TICKET[1]!), upload(TICKET[2]!)] });
    expect(v.sendable).toBe(false);
    const plan = v.files.find((f) => f.name === TICKET[0])!;
    expect(plan.valid).toBe(false);
    expect(plan.errors[0]).toMatchObject({ severity: 'error', row: expect.any(Number), field: expect.any(String), hint: expect.any(String) });
    const sent = await cm.sendStaged({ batchId: v.batchId! });
    expect(sent.outcomes.every((o) => o.state === 'invalid')).toBe(true);
  });

  it('a care manager sends a ticket unit; the provider receives, verifies and opens it as the paper grid', async () => {
    const v = await cm.validateUploads({ files: TICKET.map((n) => upload(n)) });
    expect(v.sendable).toBe(true);
    expect(v.units).toHaveLength(1);
    expect(v.units[0]!.partner).toMatchObject({ office: '1310000029', name: 'ひまわり訪問介護ステーション' });
    const r = await cm.sendStaged({ batchId: v.batchId! });
    expect(r.outcomes).toEqual([expect.objectContaining({ state: 'accepted', partner: '1310000029', partnerName: 'ひまわり訪問介護ステーション' })]);
    // The originals are kept in sent/YYYYMM/ (the local month), never deleted.
    const month = localMonth();
    expect(readdirSync(join(dir, 'offices', 'care-manager', 'export', 'sent', month)).sort()).toEqual([...TICKET].sort());
    await expect(cm.sendStaged({ batchId: v.batchId! })).rejects.toMatchObject({ code: 'unknown_batch' });

    const got = await hh.receiveNow({});
    expect(got).toMatchObject({ imported: 1, quarantined: 0 });
    // The OS notification (Electron) for the arrival, naming the sender.
    expect(events).toContainEqual(expect.objectContaining({ kind: 'arrival', body: expect.objectContaining({ ja: expect.stringContaining('ケアプランリンク居宅介護支援センター') }) }));
    const arrivals = await hh.listArrivals({});
    expect(arrivals[0]).toMatchObject({ verified: true, state: 'imported', sender: { office: '1310000011', name: 'ケアプランリンク居宅介護支援センター' } });
    for (const n of TICKET) expect(readFileSync(join(dir, 'offices', 'home-help', 'import', n)).equals(readFileSync(join(VALID, n)))).toBe(true);

    const docs = await hh.listDocuments({});
    expect(docs.map((d) => d.ref)).toContainEqual({ source: 'arrival', file: TICKET[0] });
    const view = await hh.openDocument({ source: 'arrival', file: TICKET[0]! });
    if (view.kind !== 'grid') throw new Error('UPPLAN must open as a grid');
    expect(view.grids.length).toBeGreaterThan(0);
    const row = view.grids[0]!.rows[0]!;
    expect(row.days.reduce((a, b) => a + b, 0)).toBe(row.total);
    const hosoku = await hh.openDocument({ source: 'arrival', file: TICKET[2]! });
    expect(hosoku.kind).toBe('form');
    if (hosoku.kind === 'form') expect(hosoku.records[0]!.fields[0]).toMatchObject({ no: 1, name: 'CSVバージョン', value: '202407' });
  });

  it('the provider returns actuals; the care manager sees the plan/actual differences and verified receipts', async () => {
    const jsk = readdirSync(VALID).find((f) => f.startsWith('UPJSK_'))!;
    const v = await hh.validateUploads({ files: [upload(jsk)] });
    expect(v.sendable).toBe(true);
    expect((await hh.sendStaged({ batchId: v.batchId! })).outcomes[0]!.state).toBe('accepted');
    expect((await cm.receiveNow({})).imported).toBe(1);

    const candidates = await cm.listComparisons({});
    expect(candidates.length).toBeGreaterThan(0);
    const c = candidates[0]!;
    expect(c).toMatchObject({ planFile: TICKET[0], actualFile: jsk, partner: { office: '1310000029' } });
    const all = await Promise.all(candidates.map((x) => cm.compare({ planFile: x.planFile, actualFile: x.actualFile, insurer: x.insurer, insured: x.insured, month: x.month })));
    const cmp = all[0]!;
    const kinds = new Set(all.flatMap((x) => x.comparison.differences.map((d) => d.kind)));
    // The generated actuals drop a visit and run another one 15 minutes longer.
    expect(kinds.has('day-dropped')).toBe(true);
    expect(kinds.has('time-changed')).toBe(true);
    expect(cmp.planGrid?.insured).toBe(c.insured);
    expect(cmp.actualGrid?.insured).toBe(c.insured);

    await embedded.backends[0]!.backend.refresh();
    const history = await cm.history({ direction: 'sent' });
    const ticket = history.find((h) => h.kinds.includes('UPPLAN'))!;
    expect(ticket).toMatchObject({ status: 'imported', receipt: 'verified', partner: { office: '1310000029' } });
    const received = await cm.history({ direction: 'received' });
    expect(received).toEqual([expect.objectContaining({ kinds: ['UPJSK'], status: 'imported' })]);
    const csv = await cm.historyCsv({});
    expect(csv.csv.startsWith('\uFEFF日時,方向,')).toBe(true);
    expect(csv.csv.split('\r\n').filter(Boolean)).toHaveLength(1 + (await cm.history({})).length);
    expect((await cm.home({})).today).toMatchObject({ sent: 1, received: 1 });
  });

  it('compares each user with the newest plan that has that user: a correction for one user is not everyone’s plan', async () => {
    const before = await cm.listComparisons({});
    expect(before.length).toBeGreaterThan(1);
    const first = before[0]!;
    // A corrected ticket for the first user only, with a later sequence.
    const gen = generateFixtures(loadCatalog(), { month: '202504', users: 1 }).filter((f) => ['UPPLAN', 'UPSIKYU'].includes(f.kind) || (f.kind === 'UPHOSOKU' && f.name.includes('_202504_')));
    const corrected = gen.map((f) => ({ name: f.name.replace('20250425120002', '20250426090002'), base64: encodeMs932(f.text!).toString('base64') }));
    const v = await cm.validateUploads({ files: corrected });
    expect(v.sendable).toBe(true);
    expect((await cm.sendStaged({ batchId: v.batchId! })).outcomes[0]!.state).toBe('accepted');
    const after = await cm.listComparisons({});
    const planFor = (c: { insurer: string; insured: string }) => after.find((x) => x.insurer === c.insurer && x.insured === c.insured)!.planFile;
    expect(planFor(first)).toContain('20250426090002');
    for (const c of before.slice(1)) expect(planFor(c)).toBe(TICKET[0]);
    expect(after).toHaveLength(before.length);
  });

  it('a unit for an office not on the service (未連携) does not fail: it goes on paper, a PDF in 印刷・FAX', async () => {
    const names = TICKET.map((n) => n.replace('1310000029_11', '1310000037_15'));
    const v = await cm.validateUploads({ files: TICKET.map((n, i) => upload(names[i]!, readFileSync(join(VALID, n)))) });
    expect(v.sendable).toBe(true);
    const r = await cm.sendStaged({ batchId: v.batchId! });
    expect(r.outcomes).toEqual([expect.objectContaining({ state: 'paper', partner: '1310000037', message: expect.objectContaining({ ja: expect.stringContaining('印刷・FAX') }) })]);
    const paper = await cm.listPaper({});
    expect(paper.sheets).toEqual([expect.objectContaining({ month: '202504', partner: { office: '1310000037', name: 'さくらデイサービス' }, units: 1 })]);
    expect(existsSync(join(paper.folder, '202504', paper.sheets[0]!.fileName))).toBe(true);
    // The originals were filed as sent (they went, on paper): nothing is left to send again.
    await expect(cm.sendStaged({ batchId: v.batchId! })).rejects.toMatchObject({ code: 'unknown_batch' });
  });

  it('finds partners in the directory and keeps favourites', async () => {
    const list = await cm.searchPartners({ query: '' });
    expect(list.map((p) => p.office)).toEqual(['1310000029']);
    expect((await cm.setFavourite({ office: '1310000029', favourite: true }))[0]!.favourite).toBe(true);
    expect(new Profile(join(dir, 'offices', 'care-manager', 'app')).readPrefs().favourites).toEqual(['1310000029']);
    expect(await cm.searchPartners({ query: 'ひまわり', favouritesOnly: true })).toHaveLength(1);
    expect(await cm.searchPartners({ query: '存在しない事業所' })).toEqual([]);
  });

  it('with automatic sending off, a file in the export folder waits until the user sends it', async () => {
    await cm.saveSettings({ autoSend: false });
    const exportDir = join(dir, 'offices', 'care-manager', 'export');
    const plan = readdirSync(VALID).find((f) => f.startsWith('UP1KYO_'))!;
    const names = ['UP1KYO', 'UP2KYO', 'UP3KYO', 'UPHOSOKU_000000'].map((p) => readdirSync(VALID).find((f) => f.startsWith(`${p}_`))!);
    for (const n of names) copyFileSync(join(VALID, n), join(exportDir, n));
    writeFileSync(join(exportDir, 'memo.txt'), 'not a spec file');
    await new Promise((r) => setTimeout(r, 600));
    expect(existsSync(join(exportDir, plan))).toBe(true);
    expect((await cm.home({})).attention).toContainEqual(expect.objectContaining({ kind: 'unsent-export' }));
    const listed = await cm.listExportFiles({});
    expect(listed.files.map((f) => f.name).sort()).toEqual([...names].sort());
    expect(listed.sendable).toBe(true);
    const sent = await cm.sendExportFiles({ names });
    expect(sent.outcomes).toEqual([expect.objectContaining({ state: 'accepted' })]);
    expect(existsSync(join(exportDir, plan))).toBe(false);
    expect(existsSync(join(exportDir, 'memo.txt'))).toBe(true);
    await expect(cm.sendExportFiles({ names })).rejects.toMatchObject({ code: 'gone' });
  });

  it('changes the folders later, and takes a renewed certificate only for the same office', async () => {
    const before = (await cm.getState({})).profile!;
    const moved = join(dir, 'cm-export-2');
    const s = await cm.updateProfile({ name: before.name, relayUrl: before.relayUrl, trustPem: '', exportDir: moved, importDir: before.importDir });
    expect(s.profile).toMatchObject({ exportDir: moved, office: '1310000011' });
    expect(existsSync(moved)).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'offices', 'care-manager', 'app', 'office.json'), 'utf8')).folders.export).toBe(moved);
    expect((await cm.listExportFiles({})).files).toEqual([]);
    // What was sent from the old folder is still listed (and so still compared with the actuals).
    expect((await cm.listDocuments({})).filter((d) => d.ref.source === 'sent').map((d) => d.ref.file)).toContain(TICKET[0]);
    expect((await cm.listComparisons({})).length).toBeGreaterThan(0);
    const other = readFileSync(join(dir, 'relay', 'dev-pki', 'home-help.p12')).toString('base64');
    await expect(cm.updateProfile({ name: before.name, relayUrl: before.relayUrl, trustPem: '', exportDir: moved, importDir: before.importDir, p12Base64: other, password: 'test-password' })).rejects.toMatchObject({ code: 'office_mismatch' });
    const renewed = readFileSync(join(dir, 'relay', 'dev-pki', 'care-manager.p12')).toString('base64');
    const back = await cm.updateProfile({ name: before.name, relayUrl: before.relayUrl, trustPem: '', exportDir: before.exportDir, importDir: before.importDir, p12Base64: renewed, password: 'test-password' });
    expect(back).toMatchObject({ phase: 'ready', profile: { exportDir: before.exportDir } });
    // The replaced certificate is kept, not overwritten: units on their way may be encrypted for it.
    expect(readdirSync(join(dir, 'offices', 'care-manager', 'app', 'retired'))).toEqual([expect.stringMatching(/^office-\d{4}-\d{2}-\d{2}-[0-9A-F]{16}\.p12$/)]);

  });

  it('points at problems on the home screen: a file with errors, a quarantined arrival', async () => {
    await hh.saveSettings({ autoSend: true });
    const exportDir = join(dir, 'offices', 'home-help', 'export');
    const jsk = readdirSync(VALID).find((f) => f.startsWith('UPJSK_'))!;
    const broken = jsk.replace('20250425120008', '20250425120018');
    writeFileSync(join(exportDir, broken), Buffer.from(readFileSync(join(VALID, jsk)).toString('latin1').replace(/202407/, '202499'), 'latin1'));
    const deadline = Date.now() + 15_000;
    let attention: Awaited<ReturnType<AppApi['home']>>['attention'] = [];
    while (Date.now() < deadline) {
      attention = (await hh.home({})).attention;
      if (attention.some((a) => a.kind === 'file-error')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    // One card for the unit, in plain words: what is wrong and what to do in the care software.
    const cards = attention.filter((a) => a.kind === 'file-error');
    expect(cards).toHaveLength(1);
    expect(cards[0]!.title.ja).toContain('送れていません');
    expect(cards[0]!.action.ja).toContain('介護ソフトで直して');
    expect((await hh.listErrors({})).units.map((u) => u.files)).toEqual([[broken]]);
    expect(existsSync(join(exportDir, 'errors', `${broken}.errors.txt`))).toBe(true);

    // A unit the receiver quarantined (as the receiver journals it: see transport/receiver.ts).
    const spool = join(dir, 'offices', 'home-help', 'app', 'spool', 'quarantine');
    const record = { messageId: 'q-0001', sender: { office: '1310000011', serviceType: '43' }, receiver: { office: '1310000029', serviceType: '11' }, sequence: '20250425130000', month: '202504', kinds: ['UPPLAN'], sha256: 'x', state: 'quarantined', importedFiles: [], files: ['UPPLAN_x.CSV'], signer: null, signingTime: null, reason: '送信元の署名を確認できません / bad signature', receipts: ['quarantined'], downloadedAt: new Date().toISOString() };
    writeFileSync(join(spool, 'q-0001.json'), JSON.stringify(record));
    const home = await hh.home({});
    expect(home.attention).toContainEqual(expect.objectContaining({ kind: 'quarantined', subject: 'q-0001', action: expect.objectContaining({ ja: expect.stringContaining('送信元の署名を確認できません') }) }));
    // It is an error of the day, not an arrival.
    expect(home.today.errors).toBeGreaterThanOrEqual(1);
    const h = (await hh.history({ direction: 'received' })).find((x) => x.messageId === 'q-0001')!;
    expect(h).toMatchObject({ status: 'quarantined', receipt: 'given' });
    expect((await hh.listArrivals({})).find((a) => a.messageId === 'q-0001')).toMatchObject({ verified: false, state: 'quarantined' });

    // 確認済み: today's count starts again from 0 and the card leaves ホーム; the unit stays in the error view; kept on disk.
    const acked = await hh.acknowledgeErrors({});
    expect(acked.units.map((u) => u.acknowledged)).toEqual([true]);
    const after = await hh.home({});
    expect(after.today.errors).toBe(0);
    expect(after.attention.some((a) => a.kind === 'file-error')).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, 'offices', 'home-help', 'app', 'errors-acknowledged.json'), 'utf8')).acknowledgedAt).toBe(acked.acknowledgedAt);
  });
});

describe('app profile folder', () => {
  it('drops staged uploads after a day, and only those', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cpl-profile-'));
    const p = new Profile(root);
    const { mkdirSync, utimesSync } = await import('node:fs');
    for (const b of ['old-batch', 'new-batch']) {
      mkdirSync(join(p.stagingDir, b), { recursive: true });
      writeFileSync(join(p.stagingDir, b, 'UPPLAN_x.CSV'), 'x');
    }
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    utimesSync(join(p.stagingDir, 'old-batch'), twoDaysAgo, twoDaysAgo);
    p.dropStaleStaging(86_400_000);
    expect(readdirSync(p.stagingDir)).toEqual(['new-batch']);
  });
});
