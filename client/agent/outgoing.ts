// The sending half of the agent's pass: the units waiting in processing/ are checked once, oldest
// sequence first, then sealed, spooled and submitted in batches (batches.ts): one group commit per
// batch, a few submits in flight, each receiver looked up once per pass. One unit's failure is that
// unit's: it is reported (status, log) and skipped, and the units after it go on. Its originals stay
// in processing/ until the relay decides, then go to sent/YYYYMM/ or, refused for good, to errors/.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { reportHasErrors } from '../../shared/validator/index.js';
import { directionBlock } from '../check/direction.js';
import { reportProblems } from '../check/problems.js';
import { checkPaths } from '../check/validation.js';
import { sendOnPaper } from '../paper/index.js';
import { unitMessageId } from '../transport/bundle.js';
import { flushOutbox, outboxFiles, outboxRecordSchema, sealUnit, SendError, unitsFromReport, type OutboxRecord, type RecipientLookup, type SealedUnit } from '../transport/sender.js';
import { faultPoint } from '../transport/spool.js';
import { mapBounded } from '../check/readFiles.js';
import { Batches, BATCH_UNITS, IN_FLIGHT, passLookup, type ReadyUnit } from './batches.js';
import type { Session } from '../transport/session.js';
import { checkUnitFileSizes } from '../transport/unitSize.js';
import type { AgentStatus } from './agent.js';
import { japanesePart } from './errorsText.js';
import { refusedReason, type Filing } from './filing.js';
import type { AgentSettings } from './settings.js';
import type { UnitKeys } from './unitGroups.js';
import { errorText, isFileTrouble, notSentReason, READ_TRIES, Troubles } from './troubles.js';

/** What the sending half shares with the agent: its session, folders, status and log. */
export interface OutgoingContext {
  session: Session;
  settings: AgentSettings;
  status: AgentStatus;
  processing: string;
  /** The agent's unit keys of file names (shared with its claims: a name is parsed once). */
  unitKeys: UnitKeys;
  filing: Filing;
  log(event: string, detail?: string): void;
  fail(step: string, e: unknown): void;
}

export class Outgoing {
  private readonly firstIncomplete = new Map<string, number>();
  /** Held units: when they were first held, and not to be tried again before `retryAt`. */
  private readonly held = new Map<string, { since: number; retryAt: number; reason: string }>();
  /** Units whose files could not be read: tried READ_TRIES times, then moved to errors/. */
  private readonly troubles = new Troubles();

  constructor(private readonly ctx: OutgoingContext) {}

  /**
   * Submits whatever waits in the outbox (one attempt each; the next pass retries), then files the
   * originals still in processing/ of what the relay decided on: sent/YYYYMM/ when it accepted,
   * errors/ with its reason when it refused for good (the record is in the spool's failed/).
   */
  async flush(): Promise<void> {
    if (this.ctx.session.spool.list('outbox').length === 0) return;
    await this.flushIds();
  }

  /**
   * flush() of these units only (all of the outbox without `only`), IN_FLIGHT submits at a time; the
   * envelopes just sealed go from memory. Resolves with the ids still waiting in the outbox.
   */
  private async flushIds(only?: string[], envelopes?: ReadonlyMap<string, Buffer>): Promise<Set<string>> {
    if (only?.length === 0) return new Set();
    const r = await flushOutbox(this.ctx.session, { maxAttempts: 1, inFlight: IN_FLIGHT, ...(only ? { only } : {}), ...(envelopes ? { envelopes } : {}) });
    for (const a of r.accepted) this.ctx.log('accepted', `${a.header.sequence} ${a.header.kinds.join('+')} → ${a.header.receiver.office} ${a.messageId}`);
    for (const f of r.failed) this.ctx.log('send-failed', `${f.header.sequence} ${f.reason}`);
    this.ctx.status.counts.sent += r.accepted.length;
    if (r.pending.length) this.ctx.status.lastError = `${new Date().toISOString()} send: ${r.pending[0]!.lastError ?? ''}`;
    // One move journal for everything the relay accepted in this flush.
    await this.ctx.filing.sent(r.accepted.flatMap((a) => this.originals(a)));
    for (const f of r.failed) await this.refused(f);
    return new Set(r.pending.map((p) => p.messageId));
  }

  /** The relay refused a unit for good: never shown as sent. Its originals go to errors/ with the reason. */
  private async refused(record: OutboxRecord): Promise<void> {
    const names = this.originals(record);
    this.ctx.status.lastError = `${new Date().toISOString()} send: ${record.header.sequence}: ${record.lastError ?? ''}`;
    this.ctx.status.counts.errors += names.length;
    if (names.length === 0) return;
    await this.ctx.filing.notSent(names, refusedReason(record.lastError));
  }

  /**
   * The names in processing/ of a record's originals: the agent's own units wait there until the relay
   * decides. Only when they are the very files sealed (same message id): files exported again under
   * the same names are another unit, checked and sent on their own.
   */
  private originals(record: OutboxRecord): string[] {
    const names = record.files.filter((n) => existsSync(join(this.ctx.processing, n)));
    if (names.length < record.files.length) return names;
    const { sender, receiver, sequence } = record.header;
    try {
      const files = names.map((name) => ({ name, data: readFileSync(join(this.ctx.processing, name)) }));
      return unitMessageId({ sender, receiver, sequence }, files) === record.messageId ? names : [];
    } catch (e) {
      // Unreadable now: left in processing/; the next pass checks them again and files them then.
      this.ctx.log('file-later', `${record.header.sequence}: ${errorText(e)}`);
      return [];
    }
  }

  /** A file in processing/ (to name the people of a rejected unit); null when it cannot be read now. */
  private readOrNull(name: string): Buffer | null {
    try {
      return readFileSync(join(this.ctx.processing, name));
    } catch {
      return null;
    }
  }

  /** The outbox's records by unit: a unit waiting there is not checked or sealed again. */
  private queuedUnits(): Map<string, OutboxRecord> {
    const queued = new Map<string, OutboxRecord>();
    for (const id of this.ctx.session.spool.list('outbox')) {
      const r = this.ctx.session.spool.readRecord('outbox', `${id}.json`, outboxRecordSchema);
      const { sender, receiver, sequence } = r.header;
      queued.set(`${sender.office}_${sender.serviceType}>${receiver.office}_${receiver.serviceType}#${sequence}`, r);
    }
    return queued;
  }

  async processUnits(): Promise<void> {
    const groups = new Map<string, string[]>();
    // Files a held move has not finished filing are that move's: not checked or sent again meanwhile.
    const moving = this.ctx.filing.pendingNames();
    for (const name of readdirSync(this.ctx.processing).sort()) {
      if (moving.has(name)) continue;
      const key = this.ctx.unitKeys.unitOf(name);
      if (key === null) continue;
      const group = groups.get(key);
      if (group) group.push(join(this.ctx.processing, name));
      else groups.set(key, [join(this.ctx.processing, name)]);
    }
    this.troubles.keepOnly(new Set(groups.keys()));
    const queued = this.queuedUnits();
    const incomplete: AgentStatus['incomplete'] = [];
    const held: AgentStatus['held'] = [];
    // Units that passed their checks go out in batches: sealed while the batch before is submitted.
    const lookup = passLookup(this.ctx.session);
    const batches = new Batches((batch) => this.sendBatch(batch, lookup, held));
    // Checked a few units at a time (their reads overlap), a batch's worth ahead: the next slice is
    // checked while the one before is sealed and spooled (its reads wait on the disk while the seals
    // use the CPU), and that one's submits are under way meanwhile. Sent in the order of their sequence.
    const keys = [...groups.keys()].sort((a, b) => a.split('#')[1]!.localeCompare(b.split('#')[1]!));
    const checkSlice = (i: number) => mapBounded(keys.slice(i, i + BATCH_UNITS), IN_FLIGHT, (key) => this.check(key, groups.get(key)!, queued.get(key), incomplete, held));
    let next = keys.length > 0 ? checkSlice(0) : null;
    for (let i = 0; next; i += BATCH_UNITS) {
      const checked = await next;
      next = i + BATCH_UNITS < keys.length ? checkSlice(i + BATCH_UNITS) : null;
      // Awaited at the next turn; a failure must not count as unhandled while this slice is added.
      next?.catch(() => undefined);
      for (const ready of checked) if (ready) await batches.add(ready);
    }
    await batches.end();
    this.ctx.status.incomplete = incomplete;
    this.ctx.status.held = held;
  }

  /**
   * One unit's checks (too large, incomplete, invalid, held): the unit ready to send, or null when it
   * is not to be sent now (what became of it is in `incomplete`, `held`, the log, or errors/).
   */
  private async check(key: string, paths: string[], waiting: OutboxRecord | undefined, incomplete: AgentStatus['incomplete'], held: AgentStatus['held']): Promise<ReadyUnit | null> {
    const files = paths.map((p) => basename(p));
    if (waiting && waiting.files.every((f) => files.includes(f))) {
      // Sealed and in the outbox; the flush tries it again and files the originals once the relay decides.
      held.push({ unit: key, files, reason: waiting.lastError ?? '送信待ちです / waiting to be sent', since: waiting.createdAt });
      return null;
    }
    const trouble = this.troubles.get(key);
    if (trouble && Date.now() < trouble.retryAt) {
      held.push({ unit: key, files, reason: trouble.reason, since: new Date(trouble.since).toISOString() });
      return null;
    }
    // One unit's failure is that unit's: it is reported and skipped, and the units after it go on.
    try {
      // Before a byte is read: a unit too large to send is refused by its files' sizes.
      checkUnitFileSizes(paths);
      // The bytes checked are the bytes sealed: kept from the check's reads, not read again.
      const bytes = new Map<string, Buffer>();
      const report = await checkPaths(paths, { catalog: this.ctx.session.catalog, units: true, onBytes: (p, data) => bytes.set(p, data) });
      const unit = report.units[0];
      const filesOk = report.files.every((f) => f.valid);
      const onlyMissing = unit !== undefined && unit.errors.length > 0 && unit.errors.every((e) => e.code === 'E_UNIT_MISSING_FILE' || e.code === 'E_UNIT_REQUIRES');
      if (filesOk && onlyMissing) {
        const since = this.firstIncomplete.get(key) ?? Date.now();
        this.firstIncomplete.set(key, since);
        const due = Date.now() - since >= this.ctx.settings.incompleteWaitMs;
        const missing = unit.errors.map((e) => e.message);
        const entry = { unit: key, files, missing, since: new Date(since).toISOString(), reported: due };
        incomplete.push(entry);
        if (due && !this.ctx.status.incomplete.some((i) => i.unit === key && i.reported)) this.ctx.log('incomplete-held', `${key}: ${missing.join(' / ')}`);
        return null;
      }
      this.firstIncomplete.delete(key);
      if (reportHasErrors(report)) {
        const { problems } = reportProblems(report, (n) => this.readOrNull(n), this.ctx.session.catalog);
        await this.ctx.filing.reject(paths, report, problems);
        this.ctx.status.counts.errors += paths.length;
        return null;
      }
      // The direction, before the relay is asked anything: this office sends, another receives. A unit
      // that came here (or names another sender) will never be accepted, so it is not held and retried.
      const wrongWay = unit ? directionBlock(unit, this.ctx.session.config.office) : null;
      if (wrongWay) {
        this.ctx.log('wrong-direction', `${key}: ${wrongWay.message.en}`);
        this.ctx.status.counts.errors += paths.length;
        await this.ctx.filing.notSent(files, {
          code: 'WRONG_DIRECTION',
          ...wrongWay.message,
          hint: { ja: '届いたファイルは取り込みフォルダのものです。書き出しフォルダには、この事業所から送るファイルだけを置いてください', en: 'Files that arrived belong in the import folder; put only files this office sends into the export folder' },
        });
        return null;
      }
      const h = this.held.get(key);
      if (h && Date.now() < h.retryAt) {
        held.push({ unit: key, files, reason: h.reason, since: new Date(h.since).toISOString() });
        return null;
      }
      // The report just made is the one check: the bytes it read are the bytes sealed.
      const units = await unitsFromReport(report, this.ctx.session, bytes);
      this.troubles.clear(key);
      return { key, paths, units };
    } catch (e) {
      const entry = await this.unitFailed(key, paths, 'read', e);
      if (entry) held.push(entry);
      return null;
    }
  }

  /**
   * One unit failed; the pass goes on. Too large: errors/ at once (it will not shrink). Its files
   * unreadable: tried again later, READ_TRIES times, then errors/. Anything else (a receiver not on
   * the service yet, no connection to look its certificate up): held in processing/, tried again later.
   */
  private async unitFailed(key: string, paths: string[], stage: 'read' | 'send', e: unknown): Promise<AgentStatus['held'][number] | null> {
    const files = paths.map((p) => basename(p));
    const code = (e as { code?: unknown }).code;
    const retryMs = Math.min(this.ctx.settings.pollMs, 60_000);
    try {
      if (code === 'UNIT_TOO_LARGE') {
        this.ctx.log('too-large', `${key}: ${errorText(e)}`);
        this.ctx.status.counts.errors += files.length;
        await this.ctx.filing.notSent(files, notSentReason(e, { code: 'UNIT_TOO_LARGE', ja: errorText(e), en: errorText(e) }));
        return null;
      }
      if (stage === 'read' && isFileTrouble(e)) {
        const t = this.troubles.fail(key, '', retryMs);
        t.reason = `ファイルを読めません（${t.tries}/${READ_TRIES} 回目、あとで自動でやり直します） / cannot read the unit's files (try ${t.tries} of ${READ_TRIES}; retried automatically): ${errorText(e)}`;
        this.ctx.log('read-failed', `${key} (${t.tries}/${READ_TRIES}): ${errorText(e)}`);
        if (t.tries < READ_TRIES) return { unit: key, files, reason: t.reason, since: new Date(t.since).toISOString() };
        this.troubles.clear(key);
        this.ctx.status.counts.errors += files.length;
        const why = errorText(e);
        await this.ctx.filing.notSent(files, {
          code: 'UNREADABLE',
          ja: `ファイルを ${READ_TRIES} 回読もうとしましたが読めませんでした（${systemWords(e)}）`,
          en: `the files could not be read in ${READ_TRIES} tries: ${why}`,
          hint: { ja: 'ファイルを開いているプログラムを閉じ、読み取りの権限を確かめてから、介護ソフトからもう一度書き出してください', en: 'Close any program that has the file open and check that it may be read, then export it again from the care software' },
        });
        return null;
      }
    } catch (moveError) {
      // Even the move to errors/ failed (the file is held): reported, and tried again next pass.
      this.ctx.fail('send', moveError);
      return { unit: key, files, reason: errorText(moveError), since: new Date().toISOString() };
    }
    const reason = errorText(e);
    const h = this.held.get(key);
    const since = h?.since ?? Date.now();
    this.held.set(key, { since, retryAt: Date.now() + retryMs, reason });
    if (!h) this.ctx.log('send-held', `${key}: ${reason}`);
    return { unit: key, files, reason, since: new Date(since).toISOString() };
  }

  /**
   * Seals and spools a batch of checked units (one group commit), then submits them with a few in
   * flight. The originals stay in processing/ until the relay decides (flushIds files them); a unit
   * still waiting in the outbox is shown as held. Returns once the batch's submits are under way: the
   * returned promise is the rest (Batches waits for it before the next batch's submits).
   */
  private async sendBatch(batch: ReadyUnit[], lookup: RecipientLookup, held: AgentStatus['held']): Promise<() => Promise<void>> {
    const s = this.ctx.session;
    const ids = new Map<ReadyUnit, string[]>();
    const sealed: SealedUnit[] = [];
    for (const r of batch) {
      try {
        const mine: string[] = [];
        for (const u of r.units) {
          const id = u.header.messageId;
          const what = `${u.header.sequence} ${u.header.kinds.join('+')} → ${u.header.receiver.office}`;
          // Accepted before (a crash came between the relay's answer and the moves): only the filing is left.
          if (s.spool.exists('sent', `${id}.json`)) {
            this.ctx.log('already-sent', `${what} ${id}`);
            await this.ctx.filing.sent(this.originals(s.spool.readRecord('sent', `${id}.json`, outboxRecordSchema)));
            continue;
          }
          mine.push(id);
          if (s.spool.exists('outbox', `${id}.json`)) {
            this.ctx.log('already-spooled', `${what} ${id}`);
            continue;
          }
          let unit: SealedUnit;
          try {
            unit = await sealUnit(u, s, lookup);
          } catch (e) {
            // A partner not linked (not listed, no valid or trusted certificate) gets the unit on paper
            // (印刷・FAX), as in the app's send step.
            if (!(e instanceof SendError)) throw e;
            mine.pop();
            await sendOnPaper(s, u);
            this.ctx.log('paper', what);
            await this.ctx.filing.sent(u.paths.map((p) => basename(p)));
            continue;
          }
          sealed.push(unit);
          this.ctx.log('spooled', `${what} ${id}`);
        }
        ids.set(r, mine);
      } catch (e) {
        const entry = await this.unitFailed(r.key, r.paths, 'send', e);
        if (entry) held.push(entry);
      }
    }
    const failAll = async (e: unknown) => {
      for (const r of ids.keys()) {
        const entry = await this.unitFailed(r.key, r.paths, 'send', e);
        if (entry) held.push(entry);
      }
    };
    try {
      // Envelopes first, then the records that commit them: one wait for the disk for the batch.
      await s.spool.writeBatch([sealed.map((u) => outboxFiles(u)[0]), sealed.map((u) => outboxFiles(u)[1])]);
      faultPoint('after-spool');
    } catch (e) {
      await failAll(e);
      return async () => {};
    }
    // Caught at once (handled when the caller waits for the rest), so a failure is never unhandled meanwhile.
    const envelopes = new Map(sealed.map((u) => [u.record.messageId, u.envelope]));
    const submitting = this.flushIds([...ids.values()].flat(), envelopes).then(
      (pending) => ({ pending, e: null }),
      (e: unknown) => ({ pending: null, e }),
    );
    return async () => {
      const { pending, e } = await submitting;
      if (!pending) {
        await failAll(e);
        return;
      }
      for (const [r, mine] of ids) {
        this.held.delete(r.key);
        // Still in the outbox: the flush did not get the relay's decision (accepted went to sent/, refused to failed/).
        const waiting = mine.find((id) => pending.has(id));
        if (!waiting) continue;
        const record = s.spool.readRecord('outbox', `${waiting}.json`, outboxRecordSchema);
        held.push({ unit: r.key, files: r.paths.map((p) => basename(p)), reason: record.lastError ?? '送信待ちです / waiting to be sent', since: record.createdAt });
      }
    };
  }
}

/** A system error in a clerk's report: its code (EACCES, EBUSY …) for the support desk, never its path. */
function systemWords(e: unknown): string {
  const x = e as { code?: unknown; syscall?: unknown; ja?: string };
  if (typeof x.syscall === 'string' && typeof x.code === 'string') return `システムの応答: ${x.code}`;
  return x.ja ?? japanesePart(errorText(e));
}
