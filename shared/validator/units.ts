// Send-unit checks: files that share sender, receiver and the 14-digit sequence travel together
// (spec 4.1 S2 §2.4/§3.4). A unit must be one of the defined kinds, complete, one month, and its
// files must describe the same users.
import type { Finding, FileMeta, UnitReport } from '../report/types.js';
import { newestEdition, type Edition, type EditionManifest, type SendUnitSpec, type SpecCatalog, type UnitMember } from '../spec/model.js';
import { makeFinding, sortFindings } from './findings.js';
import type { FileResult } from './fileValidator.js';
import { showUserKey } from './keys.js';

export function unitKey(meta: FileMeta): string {
  return `${meta.sender.office}_${meta.sender.serviceType}>${meta.receiver.office}_${meta.receiver.serviceType}#${meta.sequence}`;
}

/**
 * A unit member as the checks read it: every member has every property, in one order. The spec data's
 * members differ in which optional properties they carry, so reading them straight made every look-up
 * here polymorphic, and the unit checks run for every unit of a folder, thousands of them.
 */
interface Member {
  prefix: string;
  /** 'zero', 'service' or '' (any month). */
  month: string;
  need: UnitMember['need'];
  many: boolean;
  requires: string;
  note: string;
  /** The named-by column of UPKIHON No.62, with the column's name; null for the rest. */
  namedBy: { prefix: string; column: number; field: string } | null;
  /** How findings name the member: PREFIX, PREFIX(000000) or PREFIX(対象年月). */
  label: string;
}

interface Link {
  from: string;
  to: string;
  /** The key ids (key columns joined by '|') the files' facts are kept under. */
  fromKey: string;
  toKey: string;
}

/** A send-unit kind as the checks read it (see Member). */
interface UnitPlan {
  id: string;
  title: string;
  sameMonth: boolean;
  members: Member[];
  anchors: Member[];
  links: Link[];
}

/** Per manifest: its unit kinds as plans, worked out once. */
const unitPlans = new WeakMap<EditionManifest, UnitPlan[]>();

function unitPlansOf(edition: Edition): UnitPlan[] {
  const manifest = edition.manifest;
  const known = unitPlans.get(manifest);
  if (known) return known;
  const columnName = (prefix: string, no: number) => edition.layouts.get(prefix)?.columns[no - 1]?.name ?? `No.${no}`;
  const plans = manifest.sendUnits.map((spec: SendUnitSpec): UnitPlan => {
    const members = spec.members.map(
      (m): Member => ({
        prefix: m.prefix,
        month: m.month ?? '',
        need: m.need,
        many: m.many === true,
        requires: m.requires ?? '',
        note: m.note ?? '',
        namedBy: m.namedBy ? { prefix: m.namedBy.prefix, column: m.namedBy.column, field: columnName(m.namedBy.prefix, m.namedBy.column) } : null,
        label: m.month === 'zero' ? `${m.prefix}(000000)` : m.month === 'service' ? `${m.prefix}(対象年月)` : m.prefix,
      }),
    );
    return {
      id: spec.id,
      title: spec.title,
      sameMonth: spec.sameMonth === true,
      members,
      anchors: members.filter((m) => m.need === 'anchor'),
      links: (spec.links ?? []).map((l) => ({ from: l.from, to: l.to, fromKey: l.fromKey.join('|'), toKey: l.toKey.join('|') })),
    };
  });
  unitPlans.set(manifest, plans);
  return plans;
}

/** What the unit checks read of a file, taken once from its report. */
interface UnitFile {
  result: FileResult;
  kind: string;
  month: string | null;
}

function memberMatches(member: Member, file: UnitFile): boolean {
  if (member.prefix !== file.kind) return false;
  if (member.month === 'zero') return file.month === '000000';
  if (member.month === 'service') return file.month !== '000000';
  return true;
}

/** Whether some member of the unit kind takes the file. */
function covers(plan: UnitPlan, file: UnitFile): boolean {
  const members = plan.members;
  for (let i = 0; i < members.length; i++) if (memberMatches(members[i]!, file)) return true;
  return false;
}

/** The first file of `kind`, or null. */
function fileOfKind(files: UnitFile[], kind: string): UnitFile | null {
  for (let i = 0; i < files.length; i++) if (files[i]!.kind === kind) return files[i]!;
  return null;
}

/**
 * The unit kind that leaves the fewest files uncovered, then misses the fewest required files; the
 * first such kind in the manifest's order. Only counted per kind (no arrays): this runs for every
 * unit of a folder, thousands of them.
 */
function bestFit(plans: UnitPlan[], files: UnitFile[]): UnitPlan {
  let best = 0;
  let bestUncovered = Infinity;
  let bestMissing = Infinity;
  for (let s = 0; s < plans.length; s++) {
    const plan = plans[s]!;
    let uncovered = 0;
    for (let f = 0; f < files.length; f++) if (!covers(plan, files[f]!)) uncovered++;
    let missing = 0;
    const members = plan.members;
    for (let k = 0; k < members.length; k++) {
      const m = members[k]!;
      if (m.need !== 'required') continue;
      let found = false;
      // A file a member takes is covered, so this is the original count over the covered files.
      for (let f = 0; f < files.length; f++) {
        if (memberMatches(m, files[f]!)) {
          found = true;
          break;
        }
      }
      if (!found) missing++;
    }
    if (uncovered < bestUncovered || (uncovered === bestUncovered && missing < bestMissing)) {
      best = s;
      bestUncovered = uncovered;
      bestMissing = missing;
    }
  }
  return plans[best]!;
}

const MAX_USER_FINDINGS_PER_LINK = 50;

/**
 * Files that another file of the unit names in a column (UPKIHON No.62 → UPKIHON_IMAGE): a named
 * file must be there; a file nobody names is only a warning (audit F23).
 */
function checkNamedFiles(member: Member, covered: UnitFile[], add: (f: Finding) => void): void {
  const by = member.namedBy!;
  const namer = fileOfKind(covered, by.prefix);
  const names = namer?.result.facts.namedFiles.get(by.column);
  if (!namer || !names || namer.result.report.stats.csvVersion === null) return;
  const field = by.field;
  const present = new Set(covered.filter((f) => memberMatches(member, f)).map((f) => f.result.report.name));
  let listed = 0;
  for (const name of names) {
    if (listed >= MAX_USER_FINDINGS_PER_LINK) break;
    if (!present.has(name)) {
      add(makeFinding('E_UNIT_NAMED_FILE_MISSING', {}, { from: by.prefix, field, value: name }));
      listed++;
    }
  }
  let unnamed = 0;
  for (const name of [...present].sort()) {
    if (names.has(name) || unnamed++ >= MAX_USER_FINDINGS_PER_LINK) continue;
    add(makeFinding('W_UNIT_FILE_NOT_NAMED', {}, { from: by.prefix, field, value: name }));
  }
}

export function checkUnits(results: FileResult[], catalog: SpecCatalog, redact = false): UnitReport[] {
  const plans = unitPlansOf(newestEdition(catalog));
  const groups = new Map<string, UnitFile[]>();
  for (const r of results) {
    const meta = r.report.meta;
    if (!meta) continue;
    const key = unitKey(meta);
    const file: UnitFile = { result: r, kind: meta.kind, month: meta.serviceMonth };
    const list = groups.get(key);
    if (list) list.push(file);
    else groups.set(key, [file]);
  }
  const units: UnitReport[] = [];
  for (const key of [...groups.keys()].sort((a, b) => a.localeCompare(b))) units.push(checkUnit(key, groups.get(key)!, plans, redact));
  return units;
}

/** One unit's checks: its kind, its members, their users and service lines. */
function checkUnit(key: string, files: UnitFile[], plans: UnitPlan[], redact: boolean): UnitReport {
  const first = files[0]!.result.report.meta!;
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const add = (f: Finding) => (f.severity === 'error' ? errors : warnings).push(f);
  const spec = bestFit(plans, files);
  const covered: UnitFile[] = [];
  const uncovered: UnitFile[] = [];
  for (const f of files) (covers(spec, f) ? covered : uncovered).push(f);

  if (uncovered.length > 0) {
    const others = covered.map((f) => f.kind).join('・') || '-';
    for (const f of uncovered) add(makeFinding('E_UNIT_UNEXPECTED_FILE', {}, { value: f.result.report.name, others }));
  }
  for (const member of spec.members) {
    let present = 0;
    for (const f of covered) if (memberMatches(member, f)) present++;
    if (present > 1 && !member.many) add(makeFinding('E_UNIT_DUPLICATE_FILE', {}, { value: member.prefix, count: present }));
    const parentPresent = member.requires === '' || fileOfKind(covered, member.requires) !== null;
    if (present === 0) {
      if (member.need === 'required') add(makeFinding('E_UNIT_MISSING_FILE', {}, { unit: spec.title, value: member.label }));
      // An expected annex (別表) is only missed where its main file is sent (audit F24/F25).
      if (member.need === 'expected' && parentPresent) add(makeFinding('W_UNIT_MISSING_EXPECTED_FILE', {}, { unit: spec.title, value: member.label, note: member.note }));
    } else if (!parentPresent) {
      add(makeFinding('E_UNIT_REQUIRES', {}, { value: member.prefix, required: member.requires }));
    }
  }
  const anchors = spec.anchors;
  if (anchors.length > 0 && !covered.some((f) => anchors.some((a) => memberMatches(a, f)))) {
    add(makeFinding('E_UNIT_MISSING_FILE', {}, { unit: spec.title, value: anchors.map((a) => a.prefix).join(' か ') }));
  }

  if (spec.sameMonth) {
    const months: string[] = [];
    for (const f of covered) if (f.month !== null && !months.includes(f.month)) months.push(f.month);
    if (months.length > 1) add(makeFinding('E_UNIT_MONTH_MISMATCH', {}, { value: months.join('・') }));
  }

  for (const member of spec.members) if (member.namedBy) checkNamedFiles(member, covered, add);

  for (const link of spec.links) {
    const from = fileOfKind(covered, link.from)?.result;
    const to = fileOfKind(covered, link.to)?.result;
    if (!from || !to || from.report.stats.csvVersion !== to.report.stats.csvVersion) continue;
    const fromKeys = from.facts.keys.get(link.fromKey);
    const toKeys = to.facts.keys.get(link.toKey);
    if (!fromKeys || !toKeys) continue;
    let reported = 0;
    for (const k of fromKeys) {
      if (toKeys.has(k)) continue;
      if (reported++ >= MAX_USER_FINDINGS_PER_LINK) break;
      add(makeFinding('E_UNIT_USER_MISSING', {}, { from: link.from, to: link.to, user: showUserKey(k, redact) }));
    }
  }

  const plan = fileOfKind(covered, 'UPPLAN')?.result.facts.serviceLines;
  const table7 = fileOfKind(covered, 'UPSIKYU')?.result.facts.serviceLines;
  if (plan && table7 && table7.size > 0) {
    let reported = 0;
    for (const line of plan) {
      if (table7.has(line)) continue;
      if (reported++ >= MAX_USER_FINDINGS_PER_LINK) break;
      const [user, office, code] = line.split('|') as [string, string, string];
      add(makeFinding('W_UNIT_PLAN_CODE_NOT_IN_TABLE7', {}, { user: showUserKey(user, redact), office, value: code }));
    }
  }

  for (const f of files) if (!f.result.report.valid) add(makeFinding('E_UNIT_INVALID_MEMBER', {}, { value: f.result.report.name }));

  const names: string[] = [];
  for (const f of files) names.push(f.result.report.name);
  let serviceMonth: string | null = null;
  for (const f of files) {
    if (f.month !== null && f.month !== '000000') {
      serviceMonth = f.month;
      break;
    }
  }
  return {
    key,
    kind: spec.id,
    title: spec.title,
    sender: first.sender,
    receiver: first.receiver,
    sequence: first.sequence,
    serviceMonth,
    files: names.sort(),
    valid: errors.length === 0,
    errors: sortFindings(errors),
    warnings: sortFindings(warnings),
  };
}
