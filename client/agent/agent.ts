// The hands-free exchange: whatever the care software exports is checked, signed and sent;
// whatever arrives lands in the import folder. The watcher only hints; a periodic rescan is the
// truth. Every step is a rename or a spool record, so a crash or reboot resumes where it was.
import { appendFileSync, existsSync, mkdirSync, readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { cleanTmp, ensurePrivateDir, FolderNames, ensurePrivateFile, ORPHAN_TMP_AGE_MS, PRIVATE_FILE_MODE, renameWithRetrySync, unlinkWithRetrySync, writeDurable } from '../../platform/fs.js';
import { isSendableName } from '../check/clerkWording.js';
import { mapBounded } from '../check/readFiles.js';
import { receiveAll, type ReceiveSummary } from '../transport/receiver.js';
import { announce, type Session } from '../transport/session.js';
import { claimInto, CLAIMS_AT_ONCE } from './claim.js';
import { duplicateReason, Filing } from './filing.js';
import { ExportScan } from './exportScan.js';
import { SettleAlarm, Settler } from './folders.js';
import { Outgoing } from './outgoing.js';
import { agentSettings, type AgentSettings } from './settings.js';
import { errorText } from './troubles.js';
import { settledUnits, UnitKeys } from './unitGroups.js';

export { agentSettings, DEFAULT_AGENT_SETTINGS, type AgentSettings } from './settings.js';

export interface AgentStatus {
  office: string;
  state: 'starting' | 'running' | 'stopped';
  startedAt: string;
  lastScanAt: string | null;
  lastReceiveAt: string | null;
  lastError: string | null;
  counts: { sent: number; received: number; quarantined: number; errors: number; outbox: number };
  incomplete: { unit: string; files: string[]; missing: string[]; since: string; reported: boolean }[];
  /**
   * Units not sent yet, tried again later: the receiver is not on the service, the relay is out of
   * reach (sealed and waiting in the outbox; the originals stay in processing/ until the relay has
   * them), or a file cannot be read (tried a few times, then moved to errors/).
   */
  held: { unit: string; files: string[]; reason: string; since: string }[];
  ignored: string[];
  recent: { at: string; event: string; detail: string }[];
}

/**
 * The status file is rewritten when something in it changed; the times of the last scan and receive
 * change every pass, so on their own they rewrite it at most this often (a reader still sees the
 * agent alive). It used to be written on every pass (issue 16).
 */
const STATUS_EVERY_MS = 60_000;

/**
 * How long the agent's own small files (status, log rotation, the receive-now trigger) wait for a
 * program holding them: briefly, as the thread waits; what fails is done again on a later pass.
 */
const OWN_FILE_WAIT_MS = 500;

function stoppedError(): Error {
  return Object.assign(new Error('the agent has stopped'), { ja: '自動送受信は停止しています。アプリを開き直してください', en: 'The exchange has stopped; reopen the app' });
}

/** A standard-spec file name the agent may take (anything else in the export folder is left alone, a Windows copy too). */
function isSpecName(name: string, s: Session): boolean {
  return isSendableName(name, s.catalog);
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
  private readonly unitKeys: UnitKeys;
  /** Rings at the moment the next file being watched settles ("stable since" + the window), not at the next rescan. */
  private readonly settleAlarm: SettleAlarm;
  private readonly scan: ExportScan;
  /** Files the originals of units out of processing/ (the app files its own sends through it too). */
  readonly filing: Filing;
  private readonly outgoing: Outgoing;
  private watcher: FSWatcher | null = null;
  private timers: NodeJS.Timeout[] = [];
  private running: Promise<void> | null = null;
  /** Every pass and every exclusive job runs one after the other: the spool has one writer at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  private again = false;
  private kickPending = false;
  private receiveWanted = true;
  private lastReceive = 0;
  private stopped = false;
  /** What the status file holds now (without the scan and receive times) and when it was written. */
  private statusWritten: { key: string; at: number } | null = null;
  private statusFailing = false;
  /** The log file's size as this agent wrote it (null: not known, looked up at the next line). */
  private logBytes: number | null = null;
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
    for (const d of [this.exportDir, this.processing, this.sentDir, this.errorsDir, session.config.folders.import]) mkdirSync(d, { recursive: true });
    // What a write killed midway left of our own tmp files (journals in processing/, reports in errors/).
    for (const d of [this.processing, this.errorsDir]) cleanTmp(d, ORPHAN_TMP_AGE_MS);
    this.statusPath = join(session.spool.root, 'agent-status.json');
    // The log names the care records' files and partners: owner-only, like the spool.
    ensurePrivateDir(join(session.spool.root, 'logs'));
    this.logPath = join(session.spool.root, 'logs', 'agent.log');
    try {
      ensurePrivateFile(this.logPath);
    } catch {
      /* logging must never stop the exchange */
    }
    this.settler = new Settler(this.settings.settleMs);
    this.unitKeys = new UnitKeys(session.catalog);
    this.settleAlarm = new SettleAlarm(() => this.kick());
    this.scan = new ExportScan(this.exportDir, (name) => isSpecName(name, session));
    this.filing = new Filing({ processing: this.processing, sent: this.sentDir, errors: this.errorsDir }, (event, detail) => this.log(event, detail));
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
    this.outgoing = new Outgoing({
      session,
      settings: this.settings,
      status: this.status,
      processing: this.processing,
      unitKeys: this.unitKeys,
      filing: this.filing,
      log: (event, detail) => this.log(event, detail),
      fail: (step, e) => this.fail(step, e),
    });
  }

  log(event: string, detail = ''): void {
    const at = new Date().toISOString();
    this.status.recent = [{ at, event, detail }, ...this.status.recent].slice(0, 50);
    const line = `${at} ${event}${detail ? ` ${detail}` : ''}\n`;
    try {
      // The log's size is looked up once and then counted here: a burst writes thousands of lines.
      this.logBytes ??= existsSync(this.logPath) ? statSync(this.logPath).size : 0;
      if (this.logBytes > this.settings.logMaxBytes) {
        this.rotate();
        this.logBytes = 0;
      }
    } catch {
      // Held past the wait: rotated at a later line (the size is looked up again then); this one still goes into the current file.
      this.logBytes = null;
    }
    try {
      appendFileSync(this.logPath, line, { mode: PRIVATE_FILE_MODE });
      if (this.logBytes !== null) this.logBytes += Buffer.byteLength(line);
    } catch {
      /* logging must never stop the exchange */
    }
  }

  private rotate(): void {
    // agent.log.1 … agent.log.5 are kept; the oldest is overwritten. A reader (an editor, antivirus) may hold one.
    const wait = { maxWaitMs: OWN_FILE_WAIT_MS };
    for (let i = 4; i >= 1; i--) {
      const from = `${this.logPath}.${i}`;
      if (existsSync(from)) renameWithRetrySync(from, `${this.logPath}.${i + 1}`, wait);
    }
    renameWithRetrySync(this.logPath, `${this.logPath}.1`, wait);
  }

  private writeStatus(): void {
    try {
      this.status.counts.outbox = this.session.spool.list('outbox').length;
      const { lastScanAt, lastReceiveAt, ignored: _ignored, ...rest } = this.status;
      // The ignored names by their version: thousands of them are not turned into a string every pass.
      const key = JSON.stringify({ ...rest, ignored: this.scan.ignoredVersion, scanned: lastScanAt !== null, received: lastReceiveAt !== null });
      const last = this.statusWritten;
      if (last && last.key === key && Date.now() - last.at < STATUS_EVERY_MS) return;
      // The app may have it open for reading: the layer's rename waits for it (briefly) instead of failing unseen.
      writeDurable(this.statusPath, JSON.stringify(this.status, null, 2), { tmpDir: this.session.spool.tmp, maxWaitMs: OWN_FILE_WAIT_MS });
      this.statusWritten = { key, at: Date.now() };
      this.statusFailing = false;
    } catch (e) {
      // Written again at the next chance; said once while it keeps failing, not every pass.
      this.statusWritten = null;
      if (!this.statusFailing) this.log('status-not-written', errorText(e));
      this.statusFailing = true;
    }
  }

  async start(): Promise<void> {
    this.log('start', `office ${this.session.config.office}, export ${this.exportDir}`);
    await announce(this.session).catch((e: unknown) => this.fail('announce', e));
    // The watcher only hints (the rescan is the truth): the folder itself, not each file in it, so
    // thousands of files cost no watches and no re-listing per event (chokidar lstat-ed every file).
    try {
      this.watcher = watch(this.exportDir, { persistent: true }, (_event, name) => {
        this.scan.hint(name === null ? null : String(name));
        this.settler.changed(name === null ? null : join(this.exportDir, String(name)));
        this.kickSoon();
      });
      this.watcher.on('error', (e) => {
        this.log('watcher-error', String(e));
        this.watcher?.close();
        this.watcher = null;
      });
    } catch (e) {
      // A folder that cannot be watched (some network shares): the rescans alone find what appears.
      this.log('watcher-error', errorText(e));
    }
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

  /**
   * kick() once the events at hand are all in: a burst's watcher events each started a pass of their
   * own (the pass ran ahead of the next event), ~130 passes listing 1,500 names in a 500-unit burst's
   * settle window (issue 16). Now the events of one turn of the event loop ask for one pass.
   */
  private kickSoon(): void {
    if (this.kickPending) return;
    this.kickPending = true;
    setImmediate(() => {
      this.kickPending = false;
      this.kick();
    });
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
    this.settleAlarm.clear();
    this.watcher?.close();
    this.watcher = null;
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
    // lastError says what is wrong now: a pass that reached the relay (a receive) and in which nothing
    // failed clears it (every failure writes a new one with its own time, so an unchanged value means
    // none happened this pass).
    const errorBefore = this.status.lastError;
    // Interrupted moves are completed ahead of the sending half. A journal this version cannot read
    // (or a processing/ folder out of reach) stops the sending half, since where its files belong is
    // not known, but not the receiving: the pass still ends with that error, naming the journal.
    let movesUnfinished: unknown = null;
    try {
      await this.filing.resume();
    } catch (e) {
      movesUnfinished = e;
    }
    // The sending half may fail (offline, a broken file system); receiving must go on regardless.
    try {
      if (movesUnfinished === null && this.settings.autoSend) {
        await this.claimSettled();
        await this.outgoing.processUnits();
      }
      if (movesUnfinished === null) await this.outgoing.flush();
    } catch (e) {
      this.fail('send', e);
    }
    this.unitKeys.sweep();
    const trigger = join(this.session.spool.root, 'receive-now');
    if (existsSync(trigger)) {
      this.receiveWanted = true;
      try {
        unlinkWithRetrySync(trigger, { maxWaitMs: OWN_FILE_WAIT_MS });
      } catch (e) {
        // Held: removed at a later pass (which receives again meanwhile); the receive it asks for goes on.
        this.log('trigger-later', errorText(e));
      }
    }
    let received = false;
    if (this.receiveWanted || Date.now() - this.lastReceive >= this.settings.pollMs) {
      try {
        await this.receive();
        received = true;
      } catch (e) {
        this.fail('receive', e);
      }
    }
    if (received && this.status.lastError === errorBefore && movesUnfinished === null) this.status.lastError = null;
    this.status.lastScanAt = new Date().toISOString();
    this.writeStatus();
    if (movesUnfinished !== null) throw movesUnfinished;
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

  /**
   * Claims complete standard-spec files into processing/ (one rename: picked up exactly once). A file
   * whose name is already there is never claimed beside it under another name (see claim.ts): the same
   * bytes are the same file; other bytes go to errors/ with the reason.
   */
  private async claimSettled(): Promise<void> {
    const present = new Set<string>();
    const names = this.scan.specNames();
    const settled = new Set<string>();
    for (const name of names) {
      const path = join(this.exportDir, name);
      present.add(path);
      if (this.settler.observe(path)) settled.add(name);
    }
    this.settler.looked();
    // A unit's files go together: a settled file waits while another file of its unit is still settling.
    const due = settledUnits(names, (n) => this.unitKeys.of(n), settled).map((name) => ({ name, path: join(this.exportDir, name) }));
    if (due.length > 0) {
      // processing/'s names, listed once for the pass's claims; each claim adds the name it takes
      // before its rename, so a few claims run side by side (a burst's renames one after the other
      // left the loop waiting on the disk; the names in the export folder are distinct, so no two
      // claims want one name). What each came to is logged, and a conflict filed, in name order.
      const inProcessing = new FolderNames(readdirSync(this.processing));
      const claims = await mapBounded(due, CLAIMS_AT_ONCE, ({ path }) =>
        claimInto(path, this.processing, { names: inProcessing }).then(
          (claim) => ({ claim, error: null }),
          (error: unknown) => ({ claim: null, error }),
        ),
      );
      for (const [i, { claim, error }] of claims.entries()) {
        const { name, path } = due[i]!;
        // A held file waited briefly and is tried again at the next rescan; the other files went on.
        if (!claim) {
          this.log('claim-retry-later', `${name}: ${errorText(error)}`);
          continue;
        }
        this.settler.forget(path);
        if (claim.state === 'claimed') this.log('claimed', claim.name);
        else if (claim.state === 'same') this.log('claim-same', `${name}: ${claim.name}`);
        else {
          try {
            await this.filing.setAside(path, duplicateReason(claim.name));
            this.status.counts.errors += 1;
          } catch (err) {
            this.log('claim-retry-later', `${name}: ${errorText(err)}`);
          }
        }
      }
    }
    this.settler.keepOnly(present);
    this.settleAlarm.set(this.settler.nextDue());
    this.status.ignored = this.scan.ignoredNames();
  }
}
