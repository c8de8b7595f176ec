// Paper 実績 back in: a provider not yet linked returns its 実績 on paper. The clerk picks the 予定
// the office sent to that provider (第6表, UPPLAN), gets the provider's rows of it as a grid for one
// user, changes what differs, and the app writes the standard 実績 file (UPJSK, MS932, CRLF, the spec's
// file name) into the office's import folder, where the care software imports it like one that came
// by data. The file is checked by the project's validator before and after it is written, and an
// existing file is never replaced: a name taken by another file gets the next second's sequence.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renameWithRetrySync, writeDurable } from '../../platform/fs.js';
import { ApiError, type Handlers } from '../../shared/api/methods.js';
import type { PaperActualExport, PaperActualSource } from '../../shared/api/types.js';
import { toCsv } from '../../shared/fixtures/generate.js';
import { newestEdition, type SpecCatalog } from '../../shared/spec/model.js';
import { actualFileName, actualRecords, PaperActualsError, plannedGrid, type ActualRow, type PaperActualTarget } from '../../shared/ticket/paperActuals.js';
import { readRecords } from '../../shared/ticket/records.js';
import { localDate, localStamp } from '../../shared/time.js';
import { parseFileName } from '../../shared/validator/fileName.js';
import { validateBytes } from '../../shared/validator/index.js';
import { decodeMs932, encodeMs932 } from '../check/ms932.js';
import { checkPaths } from '../check/validation.js';
import type { BackendContext } from './context.js';
import type { Partners } from './partners.js';
import type { Receiving } from './receiving.js';

/** A planned ticket the office sent (by data or on paper): its name and where it is kept. */
export interface PlanFile {
  name: string;
  path: string;
}

/** How many later seconds are tried when the sequence's name is taken in the import folder. */
const NAME_TRIES = 120;

const planRecords = (p: PlanFile): string[][] => readRecords(readFileSync(p.path), decodeMs932);

/** The sources the screen offers: each sent UPPLAN with the users it plans for its receiver, newest first. */
export function planSources(plans: PlanFile[], catalog: SpecCatalog, nameOf: (office: string) => string | null): PaperActualSource[] {
  const out: PaperActualSource[] = [];
  for (const p of plans) {
    const meta = parseFileName(p.name, catalog).meta;
    // A 3.2-style name carries no service types: the 実績 file's name could not be made from it.
    if (!meta || meta.kind !== 'UPPLAN' || !meta.serviceMonth || !meta.receiver.serviceType) continue;
    let records: string[][];
    try {
      records = planRecords(p);
    } catch {
      continue;
    }
    const provider = meta.receiver.office;
    const users = new Map<string, { insurer: string; insured: string }>();
    for (const r of records) if (r.length === 25 && r[19] === provider && r[4] === meta.serviceMonth) users.set(`${r[1]}|${r[2]}`, { insurer: r[1]!, insured: r[2]! });
    if (users.size === 0) continue;
    out.push({ planFile: p.name, month: meta.serviceMonth, sequence: meta.sequence, provider: { office: provider, serviceType: meta.receiver.serviceType, name: nameOf(provider) }, users: [...users.values()] });
  }
  return out.sort((a, b) => b.sequence.localeCompare(a.sequence));
}

export interface ExportRequest {
  planFile: string;
  insurer: string;
  insured: string;
  rows: ActualRow[];
}

/** Writes bytes under a free spec name in the import folder: staged beside it, then one rename onto a name no file has. */
function fileInto(importDir: string, bytes: Buffer, nameAt: (sequence: string) => string, now: Date): string {
  for (let i = 0; i < NAME_TRIES; i++) {
    const name = nameAt(localStamp(new Date(now.getTime() + i * 1000)));
    const target = join(importDir, name);
    if (existsSync(target)) continue;
    // Not ending in .CSV: care software that picks up *.CSV must not take the half-written copy.
    const staged = join(importDir, `.cpl-staged-paper-${name}.part`);
    // The import folder hands files to the care software, maybe under another account: the mode any program gives (0666 less umask).
    writeDurable(staged, bytes, { mode: 0o666 });
    if (existsSync(target)) continue;
    renameWithRetrySync(staged, target);
    return name;
  }
  throw new ApiError('import_name_taken', '取込フォルダに同じ名前のファイルが多すぎます。取り込み済みのファイルを片付けてから、もう一度書き出してください', 'Too many files with this name in the import folder: clear what was imported, then export again');
}

/**
 * The 実績 file for one user: records from the grid, encoded as the spec says, checked in memory
 * (nothing is written when the validator finds an error), filed, then checked again on disk.
 */
export async function exportPaperActuals(plans: PlanFile[], req: ExportRequest, office: { office: string; serviceType: string; importDir: string }, catalog: SpecCatalog, now = new Date()): Promise<PaperActualExport> {
  const plan = plans.find((p) => p.name === req.planFile);
  const meta = plan ? parseFileName(plan.name, catalog).meta : null;
  if (!plan || !meta || meta.kind !== 'UPPLAN' || !meta.serviceMonth || !meta.receiver.serviceType) throw new ApiError('no_plan', `送った予定が見つかりません: ${req.planFile}`, `The plan that was sent is not found: ${req.planFile}`);
  const target: PaperActualTarget = { insurer: req.insurer, insured: req.insured, month: meta.serviceMonth, provider: meta.receiver.office };
  const records = planRecords(plan);
  const grid = plannedGrid(records, target);
  if (!grid) throw new ApiError('no_plan_rows', 'この予定には、この利用者のこの事業所の行がありません', 'The plan has no rows of this provider for this user');
  let rows: string[][];
  try {
    rows = actualRecords(records, target, req.rows, localDate(now), grid.daysInMonth);
  } catch (e) {
    if (e instanceof PaperActualsError) throw new ApiError('paper_actuals', e.ja, e.en);
    throw e;
  }
  const bytes = encodeMs932(toCsv(newestEdition(catalog).layouts.get('UPJSK')!, rows));
  const nameAt = (seq: string) => actualFileName(meta.serviceMonth!, { office: meta.receiver.office, serviceType: meta.receiver.serviceType! }, { office: office.office, serviceType: office.serviceType }, seq);
  const before = validateBytes(nameAt(localStamp(now)), bytes, { catalog, decoder: decodeMs932 });
  const errors = before.report.errors;
  if (errors.length > 0) throw new ApiError('paper_actuals_invalid', `標準仕様に合わないため書き出しません: ${errors.map((f) => f.message).join(' / ')}`, `Not written: it does not meet the standard spec: ${errors.map((f) => f.messageEn).join(' / ')}`);
  const file = fileInto(office.importDir, bytes, nameAt, now);
  const report = await checkPaths([join(office.importDir, file)], { catalog, units: true });
  return { file, path: join(office.importDir, file), records: rows.length, errors: report.summary.errors, warnings: report.summary.warnings };
}

export class PaperActuals {
  constructor(
    private readonly ctx: BackendContext,
    private readonly partners: Partners,
    private readonly receiving: Receiving,
    /** 予定 that went on paper (the paper path's own record of what it printed). */
    private readonly paperPlans: () => PlanFile[],
    /** A partner's name from the paper record, for a partner not in the directory (未連携). */
    private readonly paperName: (office: string) => string | null = () => null,
  ) {}

  private plans(): PlanFile[] {
    const open = this.ctx.need();
    const sent = this.receiving
      .documents(open)
      .filter((d) => d.ref.source === 'sent')
      .map((d) => ({ name: d.ref.file, path: d.path }));
    // The same file kept in two places (sent/ and the paper record) is one plan.
    const seen = new Set(sent.map((p) => p.name));
    return [...sent, ...this.paperPlans().filter((p) => !seen.has(p.name) && seen.add(p.name))];
  }

  readonly handlers: Pick<Handlers, 'paperActualSources' | 'paperActualGrid' | 'exportPaperActuals'> = {
    paperActualSources: async () => planSources(this.plans(), this.ctx.need().s.catalog, (o) => this.partners.nameOf(o) ?? this.paperName(o)),

    paperActualGrid: async ({ planFile, insurer, insured }) => {
      const { s } = this.ctx.need();
      const plan = this.plans().find((p) => p.name === planFile);
      const meta = plan ? parseFileName(plan.name, s.catalog).meta : null;
      if (!plan || !meta?.serviceMonth) throw new ApiError('no_plan', `送った予定が見つかりません: ${planFile}`, `The plan that was sent is not found: ${planFile}`);
      const grid = plannedGrid(planRecords(plan), { insurer, insured, month: meta.serviceMonth, provider: meta.receiver.office });
      if (!grid) throw new ApiError('no_plan_rows', 'この予定には、この利用者のこの事業所の行がありません', 'The plan has no rows of this provider for this user');
      return grid;
    },

    exportPaperActuals: async (req) => {
      const { s } = this.ctx.need();
      return exportPaperActuals(this.plans(), req, { office: s.config.office, serviceType: s.config.serviceType, importDir: s.config.folders.import }, s.catalog);
    },
  };
}
