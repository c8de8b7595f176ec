// The hands-free exchange: whatever the care software exports is checked, signed and sent;
// whatever arrives lands in the import folder. The watcher only hints; a periodic rescan is the
// truth. Every step is a rename or a spool record, so a crash or reboot resumes where it was.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import chokidar, { type FSWatcher } from 'chokidar';
import { z } from 'zod';
import { formatText } from '../../shared/report/formatText.js';
import type { CheckReport } from '../../shared/report/types.js';
import { parseFileName } from '../../shared/validator/fileName.js';
import { reportHasErrors } from '../../shared/validator/index.js';
import { unitKey } from '../../shared/validator/units.js';
import { checkPaths } from '../check/validation.js';
import { receiveAll, type ReceiveSummary } from '../transport/receiver.js';
import { flushOutbox, prepareUnits, spoolUnit } from '../transport/sender.js';
import { announce, type Session } from '../transport/session.js';
import { faultPoint, parseRecord } from '../transport/spool.js';
import { moveInto, Settler } from './folders.js';
import { agentSettings, type AgentSettings } from './settings.js';

export { agentSettings, DEFAULT_AGENT_SETTINGS, type AgentSettings } from './settings.js';

/** The journal of a unit's files on their way from processing/ to sent/YYYYMM/ (processing/.moving-*.json). */
const moveJournalSchema = z.object({ to: z.string().min(1), files: z.array(z.string().min(1)) });

export interface AgentStatus {
  office: string;
  state: 'starting' | 'running' | 'stopped';
  startedAt: string;
  lastScanAt: string | null;
  lastReceiveAt: string | null;
  lastError: string | null;
  counts: { sent: number; received: number; quarantined: number; errors: number; outbox: number };
  incomplete: { unit: string; files: string[]; missing: string[]; since: string; reported: boolean }[];
  /** Valid units that could not be sealed yet (the receiver is not on the service, or we are offline); tried again later. */
  held: { unit: string; files: string[]; reason: string; since: string }[];
  ignored: string[];
  recent: { at: string; event: string; detail: string }[];
}

/** Japanese / English when the error carries both (our own errors do), else its message. */
function errorText(e: unknown): string {
  const x = e as { ja?: string; en?: string; messageJa?: string; messageEn?: string; message?: string };
  if (x.ja && x.en) return `${x.ja} / ${x.en}`;
  if (x.messageJa && x.messageEn) return `${x.messageJa} / ${x.messageEn}`;
  return String(x.message ?? e);
}

function stoppedError(): Error {
  return Object.assign(new Error('the agent has stopped'), { ja: '自動送受信は停止しています。アプリを開き直してください', en: 'The exchange has stopped; reopen the app' });
}

/** A standard-spec file name the agent may take (anything else in the export folder is left alone). */
function isSpecName(name: string, s: Session): boolean {
  return parseFileName(name, s.catalog).meta !== null;
}

export class Agent {
  readonly settings: AgentSettings;
  private readonly exportDir: string;
  private readonly processing: string;
  private readonly sentDir: string;
  private readonly errorsDir: string;
  private readonly statusPath: string;
  private readonly logPath: string;
  private readonly settler: Settler;
  private watcher: FSWatcher | null = null;
  private timers: NodeJS.Timeout[] = [];
  private running: Promise<void> | null = null;
  /** Every pass and every exclusive job runs one after the other: the spool has one writer at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  private again = false;
  private receiveWanted = true;
  private lastReceive = 0;
  private stopped = false;
  private readonly firstIncomplete = new Map<string, number>();
  /** Held units: when they were first held, and not to be tried again before `retryAt`. */
  private readonly held = new Map<string, { since: number; retryAt: number; reason: string }>();
  readonly status: AgentStatus;

  constructor(
    private readonly session: Session,
    settings: Partial<AgentSettings> = {},
    /** Called after every receive with what it brought (the app keeps copies of arrivals). */
    private readonly onReceived?: (summary: ReceiveSummary) => void,
  ) {
    this.settings = { ...agentSettings(session.config.agent), ...settings };
    this.exportDir = session.config.folders.export;
    this.processing = join(this.exportDir, this.settings.folders.processing);
    this.sentDir = join(this.exportDir, this.settings.folders.sent);
    this.errorsDir = join(this.exportDir, this.settings.folders.errors);
    for (const d of [this.exportDir, this.processing, this.sentDir, this.errorsDir, session.config.folders.import, join(session.spool.root, 'logs')]) mkdirSync(d, { recursive: true });
    this.statusPath = join(session.spool.root, 'agent-status.json');
    this.logPath = join(session.spool.root, 'logs', 'agent.log');
    this.settler = new Settler(this.settings.settleMs);
    this.status = {
      office: session.config.office,
      state: 'starting',
      startedAt: new Date().toISOString(),
      lastScanAt: null,
      lastReceiveAt: null,
      lastError: null,
      counts: { sent: 0, received: 0, quarantined: 0, errors: 0, outbox: 0 },
      incomplete: [],
      held: [],
      ignored: [],
      recent: [],
    };
  }

  log(event: string, detail = ''): void {
    const at = new Date().toISOString();
    this.status.recent = [{ at, event, detail }, ...this.status.recent].slice(0, 50);
    try {
      if (existsSync(this.logPath) && statSync(this.logPath).size > this.settings.logMaxBytes) this.rotate();
      appendFileSync(this.logPath, `${at} ${event}${detail ? ` ${detail}` : ''}\n`);
    } catch {
      /* logging must never stop the exchange */
    }
  }

  private rotate(): void {
    // agent.log.1 … agent.log.5 are kept; the oldest is overwritten.
    for (let i = 4; i >= 1; i--) {
      const from = `${this.logPath}.${i}`;
      if (existsSync(from)) renameSync(from, `${this.logPath}.${i + 1}`);
    }
    renameSync(this.logPath, `${this.logPath}.1`);
  }

  private writeStatus(): void {
    try {
      this.status.counts.outbox = this.session.spool.list('outbox').length;
      const tmp = `${this.statusPath}.tmp`;
      writeFileSync(tmp, JSON.stringify(this.status, null, 2));
      renameSync(tmp, this.statusPath);
    } catch {
      /* the status file is a convenience */
    }
  }

  async start(): Promise<void> {
    this.log('start', `office ${this.session.config.office}, export ${this.exportDir}`);
    await announce(this.session).catch((e: unknown) => this.fail('announce', e));
    this.watcher = chokidar.watch(this.exportDir, { depth: 0, ignoreInitial: true, awaitWriteFinish: false });
    this.watcher.on('all', () => this.kick());
    this.watcher.on('error', (e) => this.log('watcher-error', String(e)));
    this.timers.push(setInterval(() => this.kick(), this.settings.rescanMs));
    this.status.state = 'running';
    this.kick();
  }

  /** Ask for a receive at the next tick (the app's "receive now" button); resolves with what it brought. */
  receiveNow(): Promise<ReceiveSummary> {
    if (this.stopped) return Promise.reject(stoppedError());
    // Only the receive: a person waiting on the button should not wait for the sending half of a pass.
    return this.exclusive(() => this.receive());
  }

  /** Runs a job between passes (the app's own sends), never beside one. */
  exclusive<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job, job);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Runs one pass soon; passes never overlap. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.exclusive(() => this.tick())
      .catch((e: unknown) => this.fail('tick', e))
      .finally(() => {
        this.running = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves when no pass is running (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await this.watcher?.close();
    await this.idle();
    // Jobs run through exclusive() (the app's sends) finish before the session may close.
    await this.queue;
    this.status.state = 'stopped';
    this.log('stop');
    this.writeStatus();
  }

  private fail(step: string, e: unknown): void {
    const message = errorText(e);
    this.status.lastError = `${new Date().toISOString()} ${step}: ${message}`;
    this.log(`${step}-error`, message);
    this.writeStatus();
  }

  async tick(): Promise<void> {
    await this.resumeMoves();
    // The sending half may fail (offline, a broken file system); receiving must go on regardless.
    try {
      if (this.settings.autoSend) {
        await this.claimSettled();
        await this.processUnits();
      }
      await this.flush();
    } catch (e) {
      this.fail('send', e);
    }
    const trigger = join(this.session.spool.root, 'receive-now');
    if (existsSync(trigger)) {
      rmSync(trigger, { force: true });
      this.receiveWanted = true;
    }
    if (this.receiveWanted || Date.now() - this.lastReceive >= this.settings.pollMs) await this.receive();
    this.status.lastScanAt = new Date().toISOString();
    this.writeStatus();
  }

  private async receive(): Promise<ReceiveSummary> {
    this.receiveWanted = false;
    this.lastReceive = Date.now();
    const summary: ReceiveSummary = await receiveAll(this.session);
    for (const m of summary.imported) this.log('imported', `${m.sender} ${m.sequence} ${m.files.join(',')}`);
    for (const m of summary.quarantined) this.log('quarantined', `${m.sender} ${m.sequence} ${m.reason}`);
    this.status.counts.received += summary.imported.length;
    this.status.counts.quarantined += summary.quarantined.length;
    this.status.lastReceiveAt = new Date().toISOString();
    this.onReceived?.(summary);
    this.writeStatus();
    return summary;
  }

  /** Submits whatever waits in the outbox (one attempt each; the next pass retries). */
  private async flush(): Promise<void> {
    if (this.session.spool.list('outbox').length === 0) return;
    const r = await flushOutbox(this.session, { maxAttempts: 1 });
    for (const a of r.accepted) this.log('accepted', `${a.header.sequence} ${a.header.kinds.join('+')} → ${a.header.receiver.office} ${a.messageId}`);
    for (const f of r.failed) this.log('send-failed', `${f.header.sequence} ${f.reason}`);
    this.status.counts.sent += r.accepted.length;
    if (r.pending.length) this.status.lastError = `${new Date().toISOString()} send: ${r.pending[0]!.lastError ?? ''}`;
  }

  /** Claims complete standard-spec files into processing/ (one rename: picked up exactly once). */
  private async claimSettled(): Promise<void> {
    const present = new Set<string>();
    const ignored: string[] = [];
    for (const e of readdirSync(this.exportDir, { withFileTypes: true })) {
      if (!e.isFile()) continue;
      if (!isSpecName(e.name, this.session)) {
        ignored.push(e.name);
        continue;
      }
      const path = join(this.exportDir, e.name);
      present.add(path);
      if (!this.settler.observe(path)) continue;
      try {
        await moveInto(path, this.processing);
        this.settler.forget(path);
        this.log('claimed', e.name);
      } catch (err) {
        this.log('claim-retry-later', `${e.name}: ${(err as Error).message}`);
      }
    }
    this.settler.keepOnly(present);
    this.status.ignored = ignored.sort();
  }

  private async processUnits(): Promise<void> {
    const groups = new Map<string, string[]>();
    for (const name of readdirSync(this.processing).sort()) {
      const path = join(this.processing, name);
      const meta = parseFileName(name, this.session.catalog).meta;
      if (!meta) continue;
      const key = unitKey(meta);
      groups.set(key, [...(groups.get(key) ?? []), path]);
    }
    const incomplete: AgentStatus['incomplete'] = [];
    const held: AgentStatus['held'] = [];
    for (const key of [...groups.keys()].sort((a, b) => a.split('#')[1]!.localeCompare(b.split('#')[1]!))) {
      const paths = groups.get(key)!;
      const report = await checkPaths(paths, { catalog: this.session.catalog, units: true });
      const unit = report.units[0];
      const filesOk = report.files.every((f) => f.valid);
      const onlyMissing = unit !== undefined && unit.errors.length > 0 && unit.errors.every((e) => e.code === 'E_UNIT_MISSING_FILE' || e.code === 'E_UNIT_REQUIRES');
      if (filesOk && onlyMissing) {
        const since = this.firstIncomplete.get(key) ?? Date.now();
        this.firstIncomplete.set(key, since);
        const due = Date.now() - since >= this.settings.incompleteWaitMs;
        const missing = unit.errors.map((e) => e.message);
        const entry = { unit: key, files: paths.map((p) => basename(p)), missing, since: new Date(since).toISOString(), reported: due };
        incomplete.push(entry);
        if (due && !this.status.incomplete.some((i) => i.unit === key && i.reported)) this.log('incomplete-held', `${key}: ${missing.join(' / ')}`);
        continue;
      }
      this.firstIncomplete.delete(key);
      if (reportHasErrors(report)) {
        await this.reject(paths, report);
        continue;
      }
      const h = this.held.get(key);
      if (h && Date.now() < h.retryAt) {
        held.push({ unit: key, files: paths.map((p) => basename(p)), reason: h.reason, since: new Date(h.since).toISOString() });
        continue;
      }
      try {
        await this.sendUnit(paths);
        this.held.delete(key);
      } catch (e) {
        // A receiver not on the service yet, or no connection to look its certificate up: the unit stays
        // in processing/ and is tried again later; nothing else waits for it.
        const reason = errorText(e);
        const since = h?.since ?? Date.now();
        this.held.set(key, { since, retryAt: Date.now() + Math.min(this.settings.pollMs, 60_000), reason });
        held.push({ unit: key, files: paths.map((p) => basename(p)), reason, since: new Date(since).toISOString() });
        if (!h) this.log('send-held', `${key}: ${reason}`);
        continue;
      }
      await this.flush();
    }
    this.status.incomplete = incomplete;
    this.status.held = held;
  }

  /** Invalid files go to errors/ with a Japanese report beside each: what to fix in the care software. */
  private async reject(paths: string[], report: CheckReport): Promise<void> {
    for (const p of paths) {
      const moved = await moveInto(p, this.errorsDir);
      const name = basename(moved);
      const mine: CheckReport = { ...report, files: report.files.filter((f) => f.name === basename(p)) };
      writeFileSync(join(this.errorsDir, `${name}.errors.txt`), `このファイルは送信していません。介護ソフトで直して、もう一度出力してください。\nThis file was not sent: fix it in the care software and export it again.\n\n${formatText(mine)}`);
      writeFileSync(join(this.errorsDir, `${name}.errors.json`), JSON.stringify(mine, null, 2));
      this.status.counts.errors++;
      this.log('rejected', `${name} → ${this.settings.folders.errors}/`);
    }
  }

  private async sendUnit(paths: string[]): Promise<void> {
    const { units } = await prepareUnits(paths, this.session);
    for (const u of units) {
      const r = await spoolUnit(u, this.session);
      this.log(r.state === 'spooled' ? 'spooled' : r.state, `${u.header.sequence} ${u.header.kinds.join('+')} → ${u.header.receiver.office} ${r.messageId}`);
    }
    // The originals are kept, never deleted: sent/YYYYMM/ (the month they were sent). A journal
    // names the files first, so a crash halfway through the moves cannot leave half a unit behind.
    const month = new Date().toISOString().slice(0, 7).replace('-', '');
    const journal = join(this.processing, `.moving-${Date.now()}-${process.pid}.json`);
    writeFileSync(journal, JSON.stringify({ to: join(this.sentDir, month), files: paths.map((p) => basename(p)) }));
    faultPoint('agent-before-move');
    await this.finishMoves(journal);
  }

  private async finishMoves(journal: string): Promise<void> {
    // A damaged journal fails the pass with a SpoolRecordError naming it, as an unreadable one always did.
    const { to, files } = parseRecord(readFileSync(journal), moveJournalSchema, journal);
    for (const f of files) {
      const p = join(this.processing, f);
      if (existsSync(p)) await moveInto(p, to);
    }
    rmSync(journal, { force: true });
  }

  /** Completes moves a crash interrupted. */
  private async resumeMoves(): Promise<void> {
    for (const n of readdirSync(this.processing)) if (n.startsWith('.moving-') && n.endsWith('.json')) await this.finishMoves(join(this.processing, n));
  }
}
