// Send-unit checks: files that share sender, receiver and the 14-digit sequence travel together
// (spec 4.1 S2 §2.4/§3.4). A unit must be one of the defined kinds, complete, one month, and its
// files must describe the same users.
import type { Finding, FileMeta, UnitReport } from '../report/types.js';
import { newestEdition, type SendUnitSpec, type SpecCatalog, type UnitMember } from '../spec/model.js';
import { makeFinding, sortFindings } from './findings.js';
import type { FileResult } from './fileValidator.js';
import { showUserKey } from './keys.js';

export function unitKey(meta: FileMeta): string {
  return `${meta.sender.office}_${meta.sender.serviceType}>${meta.receiver.office}_${meta.receiver.serviceType}#${meta.sequence}`;
}

function memberMatches(member: UnitMember, meta: FileMeta): boolean {
  if (member.prefix !== meta.kind) return false;
  if (member.month === 'zero') return meta.serviceMonth === '000000';
  if (member.month === 'service') return meta.serviceMonth !== '000000';
  return true;
}

interface Fit {
  spec: SendUnitSpec;
  covered: FileResult[];
  uncovered: FileResult[];
  missingRequired: number;
}

function fit(spec: SendUnitSpec, files: FileResult[]): Fit {
  const covered: FileResult[] = [];
  const uncovered: FileResult[] = [];
  for (const f of files) (spec.members.some((m) => memberMatches(m, f.report.meta!)) ? covered : uncovered).push(f);
  const missingRequired = spec.members.filter((m) => m.need === 'required' && !covered.some((f) => memberMatches(m, f.report.meta!))).length;
  return { spec, covered, uncovered, missingRequired };
}

/** Whether some member of the unit kind takes the file. */
function covers(spec: SendUnitSpec, meta: FileMeta): boolean {
  for (const m of spec.members) if (memberMatches(m, meta)) return true;
  return false;
}

/**
 * The unit kind that leaves the fewest files uncovered, then misses the fewest required files; the
 * first such kind in the manifest's order. Only counted per kind (no arrays): this runs for every
 * unit of a folder, thousands of them.
 */
function bestFit(specs: SendUnitSpec[], files: FileResult[]): Fit {
  let best = 0;
  let bestUncovered = Infinity;
  let bestMissing = Infinity;
  for (let s = 0; s < specs.length; s++) {
    const spec = specs[s]!;
    let uncovered = 0;
    for (const f of files) if (!covers(spec, f.report.meta!)) uncovered++;
    let missing = 0;
    for (const m of spec.members) {
      if (m.need !== 'required') continue;
      let found = false;
      // A file a member takes is covered, so this is the original count over the covered files.
      for (const f of files) {
        if (memberMatches(m, f.report.meta!)) {
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
  return fit(specs[best]!, files);
}

const MAX_USER_FINDINGS_PER_LINK = 50;

/**
 * Files that another file of the unit names in a column (UPKIHON No.62 → UPKIHON_IMAGE): a named
 * file must be there; a file nobody names is only a warning (audit F23).
 */
function checkNamedFiles(member: UnitMember, covered: FileResult[], field: string): Finding[] {
  const by = member.namedBy!;
  const namer = covered.find((f) => f.report.meta!.kind === by.prefix);
  const names = namer?.facts.namedFiles.get(by.column);
  if (!namer || !names || namer.report.stats.csvVersion === null) return [];
  const present = new Set(covered.filter((f) => memberMatches(member, f.report.meta!)).map((f) => f.report.name));
  const out: Finding[] = [];
  for (const name of names) {
    if (out.length >= MAX_USER_FINDINGS_PER_LINK) break;
    if (!present.has(name)) out.push(makeFinding('E_UNIT_NAMED_FILE_MISSING', {}, { from: by.prefix, field, value: name }));
  }
  let unnamed = 0;
  for (const name of [...present].sort()) {
    if (names.has(name) || unnamed++ >= MAX_USER_FINDINGS_PER_LINK) continue;
    out.push(makeFinding('W_UNIT_FILE_NOT_NAMED', {}, { from: by.prefix, field, value: name }));
  }
  return out;
}

export function checkUnits(results: FileResult[], catalog: SpecCatalog, redact = false): UnitReport[] {
  const edition = newestEdition(catalog);
  const manifest = edition.manifest;
  const columnName = (prefix: string, no: number) => edition.layouts.get(prefix)?.columns[no - 1]?.name ?? `No.${no}`;
  const groups = new Map<string, FileResult[]>();
  for (const r of results) {
    const meta = r.report.meta;
    if (!meta) continue;
    const key = unitKey(meta);
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }

  const units: UnitReport[] = [];
  for (const [key, files] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const first = files[0]!.report.meta!;
    const errors: Finding[] = [];
    const warnings: Finding[] = [];
    const add = (f: Finding) => (f.severity === 'error' ? errors : warnings).push(f);
    const { spec, covered, uncovered } = bestFit(manifest.sendUnits, files);

    if (uncovered.length > 0) {
      const others = covered.map((f) => f.report.meta!.kind).join('・') || '-';
      for (const f of uncovered) add(makeFinding('E_UNIT_UNEXPECTED_FILE', {}, { value: f.report.name, others }));
    }
    for (const member of spec.members) {
      const present = covered.filter((f) => memberMatches(member, f.report.meta!));
      const label = member.month === 'zero' ? `${member.prefix}(000000)` : member.month === 'service' ? `${member.prefix}(対象年月)` : member.prefix;
      if (present.length > 1 && !member.many) add(makeFinding('E_UNIT_DUPLICATE_FILE', {}, { value: member.prefix, count: present.length }));
      const parentPresent = !member.requires || covered.some((f) => f.report.meta!.kind === member.requires);
      if (present.length === 0) {
        if (member.need === 'required') add(makeFinding('E_UNIT_MISSING_FILE', {}, { unit: spec.title, value: label }));
        // An expected annex (別表) is only missed where its main file is sent (audit F24/F25).
        if (member.need === 'expected' && parentPresent) add(makeFinding('W_UNIT_MISSING_EXPECTED_FILE', {}, { unit: spec.title, value: label, note: member.note ?? '' }));
      } else if (member.requires && !covered.some((f) => f.report.meta!.kind === member.requires)) {
        add(makeFinding('E_UNIT_REQUIRES', {}, { value: member.prefix, required: member.requires }));
      }
    }
    const anchors = spec.members.filter((m) => m.need === 'anchor');
    if (anchors.length > 0 && !covered.some((f) => anchors.some((a) => memberMatches(a, f.report.meta!)))) {
      add(makeFinding('E_UNIT_MISSING_FILE', {}, { unit: spec.title, value: anchors.map((a) => a.prefix).join(' か ') }));
    }

    if (spec.sameMonth) {
      const months = [...new Set(covered.map((f) => f.report.meta!.serviceMonth).filter((m): m is string => m !== null))];
      if (months.length > 1) add(makeFinding('E_UNIT_MONTH_MISMATCH', {}, { value: months.join('・') }));
    }

    for (const member of spec.members) if (member.namedBy) for (const f of checkNamedFiles(member, covered, columnName(member.namedBy.prefix, member.namedBy.column))) add(f);

    for (const link of spec.links ?? []) {
      const from = covered.find((f) => f.report.meta!.kind === link.from);
      const to = covered.find((f) => f.report.meta!.kind === link.to);
      if (!from || !to || from.report.stats.csvVersion !== to.report.stats.csvVersion) continue;
      const fromKeys = from.facts.keys.get(link.fromKey.join('|'));
      const toKeys = to.facts.keys.get(link.toKey.join('|'));
      if (!fromKeys || !toKeys) continue;
      let reported = 0;
      for (const k of fromKeys) {
        if (toKeys.has(k)) continue;
        if (reported++ >= MAX_USER_FINDINGS_PER_LINK) break;
        add(makeFinding('E_UNIT_USER_MISSING', {}, { from: link.from, to: link.to, user: showUserKey(k, redact) }));
      }
    }

    const plan = covered.find((f) => f.report.meta!.kind === 'UPPLAN');
    const table7 = covered.find((f) => f.report.meta!.kind === 'UPSIKYU');
    if (plan?.facts.serviceLines && table7?.facts.serviceLines && table7.facts.serviceLines.size > 0) {
      let reported = 0;
      for (const line of plan.facts.serviceLines) {
        if (table7.facts.serviceLines.has(line)) continue;
        if (reported++ >= MAX_USER_FINDINGS_PER_LINK) break;
        const [user, office, code] = line.split('|') as [string, string, string];
        add(makeFinding('W_UNIT_PLAN_CODE_NOT_IN_TABLE7', {}, { user: showUserKey(user, redact), office, value: code }));
      }
    }

    for (const f of files) if (!f.report.valid) add(makeFinding('E_UNIT_INVALID_MEMBER', {}, { value: f.report.name }));

    const months = files.map((f) => f.report.meta!.serviceMonth).filter((m): m is string => m !== null && m !== '000000');
    units.push({
      key,
      kind: spec.id,
      title: spec.title,
      sender: first.sender,
      receiver: first.receiver,
      sequence: first.sequence,
      serviceMonth: months[0] ?? null,
      files: files.map((f) => f.report.name).sort(),
      valid: errors.length === 0,
      errors: sortFindings(errors),
      warnings: sortFindings(warnings),
    });
  }
  return units;
}
