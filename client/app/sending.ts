// Sending on a person's word: files dropped on the window (staged in the app's folder) or picked from
// the export folder are checked, shown, and — when asked — signed, encrypted, spooled and submitted.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ApiError, type Handlers } from '../../shared/api/methods.js';
import type { SendOutcome } from '../../shared/api/types.js';
import { claimInto, conflictIn } from '../agent/claim.js';
import { refusedReason } from '../agent/filing.js';
import { isSendableName } from '../check/clerkWording.js';
import { checkPaths, listCandidates } from '../check/validation.js';
import { sentOnPaper } from '../paper/index.js';
import { flushOutbox, prepareUnits, spoolUnit, type PreparedUnit } from '../transport/sender.js';
import { writeDurable } from '../transport/spool.js';
import { t, type BackendContext, type Open } from './context.js';
import { toApiError } from './errors.js';
import type { Partners } from './partners.js';
import { alreadySentText, directionBlock, ignoredWhy, sentUnits, withSendChecks } from './sendChecks.js';
import { emptyReport, validationView } from './views.js';

/** A file, not one of the agent's folders (processing, sent, errors) beside the exported files. */
const isFile = (p: string) => statSync(p, { throwIfNoEntry: false })?.isFile() === true;

export class Sending {
  constructor(
    private readonly ctx: BackendContext,
    private readonly partners: Partners,
    /** The background refresh, run after sending so the home screen and history show the outcome. */
    private readonly refresh: () => Promise<void>,
  ) {}

  /**
   * Moves a sealed unit's originals into processing/, where they wait until the relay decides, as the
   * agent's own do; returns their names there. Staged files are the app's copies, perhaps on another
   * volume than the export folder: copied, then removed.
   */
  private async claimOriginals(u: PreparedUnit, processing: string, staged: boolean): Promise<{ names: string[]; left: string[] }> {
    const names: string[] = [];
    const left: string[] = [];
    for (const p of u.paths) {
      if (!existsSync(p)) continue;
      try {
        // A person is waiting for this one unit: a held file is given longer than the agent's rescan gives it.
        const claim = await claimInto(p, processing, { copy: staged, maxWaitMs: 10_000 });
        if (claim.state === 'conflict') left.push(basename(p));
        else names.push(claim.name);
      } catch {
        // Still held: the unit goes out all the same (it is in the spool); this file stays where it was.
        left.push(basename(p));
      }
    }
    return { names, left };
  }

  /** The paper branch of the send step (null: the partner is linked, send by data): the PDF made, the originals filed as sent. */
  /** Each outcome with its partner's name, for the result table (「ひまわり訪問介護ステーション 1310000029」). */
  private named(outcomes: SendOutcome[]): SendOutcome[] {
    return outcomes.map((o) => ({ ...o, partnerName: this.partners.nameOf(o.partner) }));
  }

  private async sendOnPaper(u: PreparedUnit, key: string, processing: string, staged: boolean): Promise<SendOutcome | null> {
    const { s, agent } = this.ctx.need();
    const partner = u.header.receiver.office;
    try {
      const sheet = await sentOnPaper(s, u);
      if (!sheet) return null;
      const { names, left } = await this.claimOriginals(u, processing, staged);
      await agent.filing.sent(names);
      const note = left.length ? t(`（使用中のため移せなかったファイル: ${left.join('、')}）`, ` (files in use stayed where they were: ${left.join(', ')})`) : t('', '');
      return { unit: key, partner, messageId: null, state: 'paper', message: t(`未連携の事業所のため紙で送付します。「印刷・FAX」に PDF を作りました（${sheet.pages} 枚）${note.ja}`, `The partner is not linked: sent on paper. A PDF is in 印刷・FAX (${sheet.pages} pages)${note.en}`) };
    } catch (e) {
      const err = toApiError(e);
      return { unit: key, partner, messageId: null, state: 'failed', message: t(`紙の書類を作れませんでした: ${err.ja}`, `Could not make the paper documents: ${err.en}`) };
    }
  }

  /**
   * Validate → sign → encrypt → spool → submit, between the agent's passes. The originals go to
   * processing/ once the unit is sealed, and are filed by the agent's filing: sent/YYYYMM/ when the relay
   * accepted it (now, or later when the agent's pass submits it again), errors/ with the reason when it
   * refused it for good.
   */
  async sendPaths({ s, agent, records }: Open, paths: string[], staged: boolean) {
    const { ctx } = this;
    const result = await agent.exclusive(async () => {
      ctx.activity = { label: t('ファイルを検査しています', 'Checking the files'), done: 0, total: paths.length };
      try {
        const { report, units } = await prepareUnits(paths, s);
        const sent = sentUnits(records);
        const validation = withSendChecks(validationView(report, null, this.partners.nameOf, s.config.office), s.config.office, sent, s.catalog, this.partners.nameOf);
        if (units.length === 0) {
          const outcomes: SendOutcome[] = validation.units.map((u) => ({ unit: u.key, partner: u.partner.office, messageId: null, state: 'invalid', message: t('エラーがあるため送信しません。介護ソフトで直して出力し直してください', 'Not sent: fix the errors in the care software and export again') }));
          return { outcomes: this.named(outcomes), validation };
        }
        const outcomes: SendOutcome[] = [];
        const { processing } = ctx.folders(s);
        for (const [i, u] of units.entries()) {
          ctx.activity = { label: t('署名・暗号化して送っています', 'Signing, encrypting and sending'), done: i, total: units.length };
          const key = `${u.header.sender.office}#${u.header.receiver.office}#${u.header.sequence}`;
          const partner = u.header.receiver.office;
          // Checked again here, not only on the screen: the wrong direction, or the same files sent before.
          const wrongWay = directionBlock(u.header, s.config.office, this.partners.nameOf);
          if (wrongWay) {
            outcomes.push({ unit: key, partner, messageId: null, state: 'failed', message: wrongWay.message });
            continue;
          }
          const before = sent.get(u.header.messageId);
          if (before) {
            outcomes.push({ unit: key, partner, messageId: u.header.messageId, state: before.queued ? 'queued' : 'duplicate', message: alreadySentText(before) });
            continue;
          }
          // Its originals could not wait in processing/ beside a different file of the same name: not sealed, left where they are.
          const clash = u.paths.map((p) => conflictIn(processing, p)).find((n) => n !== null);
          if (clash) {
            outcomes.push({ unit: key, partner, messageId: null, state: 'failed', message: t(`送れませんでした: 同じ名前で中身の違うファイルが処理中です（${clash}）。そのファイルの送信が終わってから、もう一度送ってください`, `Not sent: a different file with the same name is being processed (${clash}); send again once it has gone out`) });
            continue;
          }
          // A partner not linked gets the unit on paper (its month's PDF in 印刷・FAX): the send does not fail.
          const paper = await this.sendOnPaper(u, key, processing, staged);
          if (paper) {
            outcomes.push(paper);
            continue;
          }
          let r: Awaited<ReturnType<typeof spoolUnit>>;
          try {
            r = await spoolUnit(u, s);
          } catch (e) {
            // This unit could not be sealed (its receiver is not on the service, or offline and unknown);
            // the others go on. Its files stay where they are, to be sent again.
            const err = toApiError(e);
            outcomes.push({ unit: key, partner, messageId: null, state: 'failed', message: t(`送れませんでした: ${err.ja}`, `Not sent: ${err.en}`) });
            continue;
          }
          // The unit is safe in the spool now: its originals wait in processing/ until the relay decides.
          const { names, left } = await this.claimOriginals(u, processing, staged);
          const note = left.length ? t(`（使用中のため移せなかったファイルは元の場所に残っています: ${left.join('、')}）`, ` (files in use stayed where they were: ${left.join(', ')})`) : t('', '');
          // Only this unit, one try: a backlog in the outbox is the agent's to retry, not the person's to wait for.
          const flushed = r.state === 'already-sent' ? null : await flushOutbox(s, { maxAttempts: 1, only: [r.messageId] });
          const accepted = r.state === 'already-sent' || flushed!.accepted.some((a) => a.messageId === r.messageId);
          const failed = flushed?.failed.find((f) => f.messageId === r.messageId);
          if (accepted) {
            await agent.filing.sent(names);
            outcomes.push({ unit: key, partner, messageId: r.messageId, state: 'accepted', message: t(`連携サービスが受け付けました${note.ja}`, `Accepted by the linkage service${note.en}`) });
          } else if (failed) {
            await agent.filing.notSent(names, refusedReason(failed.lastError));
            outcomes.push({ unit: key, partner, messageId: r.messageId, state: 'failed', message: t(`送れませんでした: ${failed.reason}（元のファイルはエラーのフォルダに移しました）${note.ja}`, `Not sent: ${failed.reason} (the files were moved to the errors folder)${note.en}`) });
          } else outcomes.push({ unit: key, partner, messageId: r.messageId, state: 'queued', message: t(`送信待ちに入れました。つながったら自動で送ります${note.ja}`, `Queued: it goes out by itself once connected${note.en}`) });
        }
        return { outcomes: this.named(outcomes), validation };
      } finally {
        ctx.activity = null;
      }
    });
    await this.refresh();
    return result;
  }

  /** Names of the offices in the checked units, learnt before the view is drawn. */
  private async viewOf({ s, records }: Open, report: Awaited<ReturnType<typeof checkPaths>>, batchId: string | null) {
    await this.partners.learnNames(s, report.units.flatMap((u) => [u.sender.office, u.receiver.office]));
    return withSendChecks(validationView(report, batchId, this.partners.nameOf, s.config.office), s.config.office, sentUnits(records), s.catalog, this.partners.nameOf);
  }

  readonly handlers: Pick<Handlers, 'listExportFiles' | 'validateUploads' | 'sendStaged' | 'sendExportFiles'> = {
    listExportFiles: async () => {
      const open = this.ctx.need();
      const { s } = open;
      const { files, ignored } = await listCandidates(s.config.folders.export);
      const spec = files.filter((f) => isSendableName(basename(f), s.catalog));
      // A .csv whose name is not a spec name (lower case, a Windows copy) is not sent either: said why.
      const notSpec = [...ignored.filter(isFile), ...files.filter((f) => !spec.includes(f))].map((i) => basename(i)).sort();
      if (spec.length === 0) return { batchId: null, files: [], units: [], ignored: notSpec, ignoredWhy: ignoredWhy(notSpec, s.catalog), sendable: false, report: emptyReport(s.catalog) };
      const report = await checkPaths(spec, { catalog: s.catalog, units: true });
      const view = await this.viewOf(open, report, null);
      return { ...view, ignored: notSpec, ignoredWhy: ignoredWhy(notSpec, s.catalog) };
    },

    validateUploads: async ({ files }) => {
      const open = this.ctx.need();
      const { s } = open;
      const { profile } = this.ctx;
      const batchId = randomUUID();
      const dir = join(profile.stagingDir, batchId);
      mkdirSync(dir, { recursive: true });
      for (const f of files) {
        const target = join(dir, f.name);
        if (existsSync(target)) throw new ApiError('duplicate_name', `同じ名前のファイルが2つあります: ${f.name}`, `Two files have the same name: ${f.name}`);
        // Written with the spool's durable write: a half file never passes for a whole one.
        writeDurable(target, Buffer.from(f.base64, 'base64'), profile.tmp);
      }
      const report = await checkPaths(files.map((f) => join(dir, f.name)), { catalog: s.catalog, units: true });
      return this.viewOf(open, report, batchId);
    },

    sendStaged: async ({ batchId }) => {
      const open = this.ctx.need();
      const dir = join(this.ctx.profile.stagingDir, batchId);
      if (!existsSync(dir)) throw new ApiError('unknown_batch', 'このファイルはもう送信したか、見つかりません。もう一度選んでください', 'These files were already sent or are gone; choose them again');
      const paths = readdirSync(dir).sort().map((n) => join(dir, n));
      const result = await this.sendPaths(open, paths, true);
      if (readdirSync(dir).length === 0) rmSync(dir, { recursive: true, force: true });
      return result;
    },

    sendExportFiles: async ({ names }) => {
      const open = this.ctx.need();
      const paths = names.map((n) => join(open.s.config.folders.export, n));
      for (const p of paths) if (!existsSync(p)) throw new ApiError('gone', `書き出しフォルダにもうありません（自動送信で送られた可能性があります）: ${basename(p)}`, `No longer in the export folder (perhaps sent automatically): ${basename(p)}`);
      return this.sendPaths(open, paths, false);
    },
  };
}
