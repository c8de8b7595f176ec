// The errors folder as a clerk works through it: one entry per unit (not per file), what is wrong, for
// which 利用者, what to do in the care software; a unit's files checked again where they are and sent
// when they pass; and 確認済み, which the home screen's count of today's errors respects (persisted).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { ApiError, type Handlers } from '../../shared/api/methods.js';
import type { ErrorProblem, ErrorsView, ErrorUnit, SendResult } from '../../shared/api/types.js';
import type { CheckReport } from '../../shared/report/types.js';
import { kindName } from '../../shared/spec/labels.js';
import { parseFileName } from '../../shared/validator/fileName.js';
import { unitKey } from '../../shared/validator/units.js';
import { unlinkWithRetry } from '../../platform/fs.js';
import { rejectedText } from '../agent/errorsText.js';
import { notSentReasonSchema, writeReports } from '../agent/filing.js';
import { FIX_IN_SOFTWARE, reportProblems } from '../check/problems.js';
import type { Session } from '../transport/session.js';
import { writeDurable } from '../transport/spool.js';
import type { BackendContext, Open } from './context.js';
import type { Partners } from './partners.js';

const REPORT = '.errors.json';
const ackSchema = z.object({ acknowledgedAt: z.string().nullable() });

/** One file's report in errors/: the check's findings, or why it was not sent. */
type FileEntry = { name: string; at: string; key: string } & ({ report: CheckReport } | { notSent: z.infer<typeof notSentReasonSchema> });

function readEntry(dir: string, name: string, catalog: Session['catalog']): FileEntry | null {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(join(dir, `${name}${REPORT}`), 'utf8'));
  } catch {
    return null;
  }
  const at = statSync(join(dir, `${name}${REPORT}`)).mtime.toISOString();
  const meta = parseFileName(name, catalog).meta;
  const notSent = notSentReasonSchema.safeParse((json as { notSent?: unknown }).notSent);
  if (notSent.success) return { name, at, key: meta ? unitKey(meta) : name, notSent: notSent.data };
  const report = json as CheckReport;
  if (!Array.isArray(report.files)) return null;
  const own = report.files[0]?.meta ?? meta;
  return { name, at, key: own ? unitKey(own) : name, report };
}

export class ErrorUnits {
  constructor(
    private readonly ctx: BackendContext,
    private readonly partners: Partners,
    /** Checks and sends files where they are (the send screen's path: claims them into processing/). */
    private readonly sendPaths: (open: Open, paths: string[]) => Promise<SendResult>,
  ) {}

  private get ackPath(): string {
    return join(this.ctx.profile.root, 'errors-acknowledged.json');
  }

  /** Everything in errors/ up to this moment was marked 確認済み. */
  acknowledgedAt(): string | null {
    try {
      return ackSchema.parse(JSON.parse(readFileSync(this.ackPath, 'utf8'))).acknowledgedAt;
    } catch {
      return null;
    }
  }

  /** The units in errors/, newest first. */
  units(s: Session): ErrorUnit[] {
    const dir = this.ctx.folders(s).errors;
    if (!existsSync(dir)) return [];
    const names = new Set(readdirSync(dir));
    const groups = new Map<string, FileEntry[]>();
    for (const n of names) {
      if (!n.endsWith(REPORT)) continue;
      const name = n.slice(0, -REPORT.length);
      // A report whose file was taken away (by a person, or sent again) is about nothing any more.
      if (!names.has(name)) continue;
      const e = readEntry(dir, name, s.catalog);
      if (e) groups.set(e.key, [...(groups.get(e.key) ?? []), e]);
    }
    const ack = this.acknowledgedAt();
    return [...groups.entries()].map(([key, entries]) => this.unitOf(s, dir, key, entries, ack)).sort((a, b) => b.at.localeCompare(a.at));
  }

  private unitOf(s: Session, dir: string, key: string, entries: FileEntry[], ack: string | null): ErrorUnit {
    const files = entries.map((e) => e.name).sort();
    const at = entries.map((e) => e.at).sort().at(-1)!;
    const checked = entries.flatMap((e) => ('report' in e ? [e] : []));
    let problems: ErrorProblem[] = [];
    let people: string[] = [];
    if (checked.length > 0) {
      // The reports name the files as they were checked; in errors/ they may carry another name.
      const nameIn = new Map(checked.flatMap((e) => e.report.files.map((f) => [f.name, e.name] as const)));
      const report: CheckReport = { ...checked[0]!.report, files: checked.flatMap((e) => e.report.files) };
      const bytesOf = (n: string) => {
        try {
          return readFileSync(join(dir, nameIn.get(n) ?? n));
        } catch {
          return null;
        }
      };
      ({ problems, people } = reportProblems(report, bytesOf, s.catalog));
    }
    const seen = new Set<string>();
    for (const e of entries) {
      if (!('notSent' in e) || seen.has(e.notSent.ja)) continue;
      seen.add(e.notSent.ja);
      problems.push({ file: null, kind: null, row: null, field: null, person: null, what: { ja: e.notSent.ja, en: e.notSent.en }, fix: e.notSent.hint ?? FIX_IN_SOFTWARE });
    }
    const meta = parseFileName(files[0]!, s.catalog).meta ?? checked[0]?.report.files[0]?.meta ?? null;
    const other = meta ? (meta.sender.office === s.config.office ? meta.receiver.office : meta.sender.office) : null;
    const kinds = [...new Set(files.map((f) => parseFileName(f, s.catalog).meta?.kind).filter((k): k is string => !!k))].sort((a, b) => paperOrder(a) - paperOrder(b));
    return {
      key,
      files,
      partner: other ? { office: other, name: this.partners.nameOf(other) } : null,
      sequence: meta?.sequence ?? null,
      kinds,
      people,
      problems,
      at,
      acknowledged: ack !== null && at <= ack,
    };
  }

  view(s: Session): ErrorsView {
    return { folder: this.ctx.folders(s).errors, units: this.units(s), acknowledgedAt: this.acknowledgedAt() };
  }

  /**
   * Checks the unit's files again where they are (a clerk may have fixed them there). Passing, they are
   * sent exactly as from the send screen and leave errors/; their reports (ours) go with them. Failing,
   * they stay, and their reports say what is still wrong.
   */
  private async resend(open: Open, key: string): Promise<SendResult> {
    const { s } = open;
    const dir = this.ctx.folders(s).errors;
    const unit = this.units(s).find((u) => u.key === key);
    if (!unit) throw new ApiError('gone', 'この送信単位はエラーのフォルダにもうありません', 'This unit is no longer in the errors folder');
    const paths = unit.files.map((f) => join(dir, f));
    const result = await this.sendPaths(open, paths);
    const report = result.validation.report;
    const { problems } = reportProblems(report, (n) => (existsSync(join(dir, n)) ? readFileSync(join(dir, n)) : null), s.catalog);
    for (const p of paths) {
      const name = basename(p);
      if (existsSync(p)) {
        // Still here: not sent (still invalid, or refused); what the check found now replaces the old report.
        if (result.outcomes.some((o) => o.state === 'invalid')) writeReports(dir, name, rejectedText(name, unit.files, problems), { ...report, files: report.files.filter((f) => f.name === name) });
        continue;
      }
      for (const r of [`${name}.errors.txt`, `${name}${REPORT}`]) await unlinkWithRetry(join(dir, r)).catch(() => undefined);
    }
    return result;
  }

  readonly handlers: Pick<Handlers, 'listErrors' | 'resendErrors' | 'acknowledgeErrors'> = {
    listErrors: async () => this.view(this.ctx.need().s),
    resendErrors: async ({ key }) => this.resend(this.ctx.need(), key),
    acknowledgeErrors: async () => {
      const { s } = this.ctx.need();
      writeDurable(this.ackPath, JSON.stringify({ acknowledgedAt: new Date().toISOString() }), this.ctx.profile.tmp);
      return this.view(s);
    },
  };
}

/** The order the forms are filed on paper: 第1表 → 第3表, 第6表 → 第7表, then the rest. */
const PAPER = ['UP1KYO', 'UP2KYO', 'UP3KYO', 'UPPLAN', 'UPSIKYU', 'UPHOSOKU', 'UPJSK', 'UPKIHON', 'UPYOBO'];
const paperOrder = (kind: string) => {
  const i = PAPER.findIndex((p) => kind.startsWith(p));
  return i < 0 ? PAPER.length : i;
};

/** The kinds of a unit as a clerk names them (第6表・第7表・利用者補足情報). */
export function kindsText(kinds: string[]): { ja: string; en: string } {
  return { ja: kinds.map((k) => kindName(k, 'ja')).join('・'), en: kinds.map((k) => kindName(k, 'en')).join(', ') };
}
