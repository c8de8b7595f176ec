// The file rules of a layout (`rules` in specs/<csvVersion>/<PREFIX>.json): checks that relate
// columns of one record, records of one file, or a record and the file's own name. Each rule is
// compiled once per layout into a closure, so the per-record loop only calls what the layout has.
import type { FileMeta } from '../report/types.js';
import type { EditionManifest, FileRule, LayoutSpec } from '../spec/model.js';
import type { ServiceCodeMaster } from '../spec/serviceCodes.js';
import { daysInValidMonth, isValidDate, isValidMonth } from './calendar.js';
import type { FindingCode } from './codes.js';
import type { FindingSink, Params } from './findings.js';
import { isPseudoCode, KEY_SEP, showUserKey } from './keys.js';
import { emptyList } from './lists.js';
import { masterRules, type MasterRules } from './serviceCodeRules.js';
import { timeOrderCheck } from './timeOrder.js';

export interface RuleContext {
  sink: FindingSink;
  manifest: EditionManifest;
  layout: LayoutSpec;
  /** The file's parsed name (null when the name is broken). */
  meta: FileMeta | null;
  redact: boolean;
  /** The service-code master given with check --service-codes, if any. */
  serviceCodes?: ServiceCodeMaster | undefined;
}

/**
 * A rule's per-record check, compiled once per layout (and manifest) and shared by every file of the
 * layout: what belongs to one file (its sink, its name's month, a rule's running state) comes in `file`.
 * Compiling the rules per file cost closures for every file, and the compiling code met a new rule kind
 * or column shape with each new layout, deoptimising the per-file code around it.
 */
type RecordCheck = (file: RuleFile, fields: string[], row: number, line: number) => void;
type Rule<K extends FileRule['rule']> = Extract<FileRule, { rule: K }>;

/** One file's side of the rules. */
interface RuleFile {
  sink: FindingSink;
  meta: FileMeta | null;
  /** The month of the file's name (undefined/null: none). */
  month: string | null | undefined;
  redact: boolean;
  /** Each stateful rule's state for this file, at the rule's slot (see Stateful). */
  state: unknown[];
}

/** A rule whose checks keep something per file (seen keys, 第7表 users), made when the file starts. */
interface Stateful {
  start: (file: RuleFile) => unknown;
}

interface Table7User {
  totals: number;
  firstLine: number;
  detailByType: Map<string, number>;
  subtotalTypes: Set<string>;
}

/** A layout's rules, compiled. */
interface RulePlan {
  checks: RecordCheck[];
  /** File-level conclusions, in rule order. */
  finishers: ((file: RuleFile) => void)[];
  stateful: Stateful[];
}

const plans = new WeakMap<EditionManifest, WeakMap<LayoutSpec, RulePlan>>();

function planOf(manifest: EditionManifest, layout: LayoutSpec): RulePlan {
  let byLayout = plans.get(manifest);
  if (!byLayout) plans.set(manifest, (byLayout = new WeakMap()));
  let plan = byLayout.get(layout);
  if (!plan) {
    plan = new RuleCompiler(manifest, layout).plan;
    byLayout.set(layout, plan);
  }
  return plan;
}

const NO_STATE = emptyList<unknown>();

/** Compiles a layout's rules ahead of its first file (see prepareCatalog in fileValidator.ts). */
export function prepareRules(manifest: EditionManifest, layout: LayoutSpec): void {
  planOf(manifest, layout);
}

export class RuleChecker {
  private readonly plan: RulePlan;
  private readonly file: RuleFile;
  private readonly master: MasterRules | null;

  constructor(ctx: RuleContext) {
    this.plan = planOf(ctx.manifest, ctx.layout);
    const stateful = this.plan.stateful;
    // Most layouts keep nothing per file: they share one empty state, never written into.
    const file: RuleFile = { sink: ctx.sink, meta: ctx.meta, month: ctx.meta?.serviceMonth, redact: ctx.redact, state: stateful.length === 0 ? NO_STATE : [] };
    for (let i = 0; i < stateful.length; i++) file.state.push(stateful[i]!.start(file));
    this.file = file;
    // The rules that need a service-code master live in serviceCodeRules.ts; without one, none run.
    this.master = ctx.serviceCodes ? masterRules({ ...ctx, fileMonth: ctx.meta?.serviceMonth ?? null, master: ctx.serviceCodes }) : null;
  }

  record(fields: string[], row: number, line: number): void {
    const checks = this.plan.checks;
    const file = this.file;
    for (let i = 0; i < checks.length; i++) checks[i]!(file, fields, row, line);
    if (this.master) this.master.record(fields, row, line);
  }

  /** File-level conclusions (第7表 totals), once every record has been read. */
  finish(): void {
    const finishers = this.plan.finishers;
    for (let i = 0; i < finishers.length; i++) finishers[i]!(this.file);
    if (this.master) this.master.finish();
  }
}

/** Compiles a layout's rules (once per layout and manifest, see planOf). */
class RuleCompiler {
  readonly plan: RulePlan;

  constructor(
    private readonly manifest: EditionManifest,
    private readonly layout: LayoutSpec,
  ) {
    // Filled by push into a list of the general kind: a layout without rules otherwise gave record()
    // a second array shape to deoptimise on.
    const checks = emptyList<RecordCheck>();
    this.plan = { checks, finishers: emptyList(), stateful: emptyList() };
    for (const r of layout.rules) checks.push(this.compile(r));
    // End before start beyond a midnight crossing (timeOrder.ts): read from the layout's time columns.
    const times = timeOrderCheck(layout);
    if (times) checks.push((file, fields, row, line) => times(file.sink, fields, row, line));
  }

  /** A slot in each file's state, filled by `start` when the file starts. */
  private slot(start: (file: RuleFile) => unknown): number {
    this.plan.stateful.push({ start });
    return this.plan.stateful.length - 1;
  }

  private emitAt(sink: FindingSink, columnNo: number, code: FindingCode, row: number, line: number, params: Params = {}): void {
    const col = this.layout.columns[columnNo - 1]!;
    sink.emit(code, { row, line, column: col.no, field: col.name }, params);
  }

  private columnName(no: number): string {
    return this.layout.columns[no - 1]!.name;
  }

  private compile(rule: FileRule): RecordCheck {
    switch (rule.rule) {
      case 'dateInMonth':
        return (file, fields, row, line) => {
          const date = fields[rule.column - 1]!;
          const month = fields[rule.monthColumn - 1]!;
          if (isValidDate(date) && isValidMonth(month) && !date.startsWith(month)) this.emitAt(file.sink, rule.column, 'E_FIELD_DATE_OUTSIDE_MONTH', row, line, { value: date, month });
        };
      case 'dayFlagsInMonth':
        return (file, fields, row, line) => {
          const flags = fields[rule.column - 1]!;
          const month = fields[rule.monthColumn - 1]!;
          if (flags === '' || !isValidMonth(month)) return;
          const late = flags.indexOf('1', daysInValidMonth(month));
          if (late !== -1) this.emitAt(file.sink, rule.column, 'E_FIELD_DAY_FLAGS_BEYOND_MONTH', row, line, { day: late + 1, month });
        };
      case 'serviceTypeInScope': {
        const types = this.manifest.serviceTypes;
        // The last type found in scope: a file's records mostly repeat it, and matching it with startsWith
        // spares slicing a 2-character string per record (312k of them in a 50 MB 第6表). Only memoises `in`;
        // it starts longer than any code it is matched against (6 characters), so it matches nothing until set.
        let lastInScope = '(none yet)';
        return (file, fields, row, line) => {
          const code = fields[rule.column - 1]!;
          if (code.length !== 6 || code.startsWith(lastInScope) || isPseudoCode(code)) return;
          const type = code.slice(0, 2);
          if (type in types.inScope) {
            lastInScope = type;
            return;
          }
          if (type in types.outOfScope) this.emitAt(file.sink, rule.column, 'E_FIELD_SERVICE_TYPE_OUT_OF_SCOPE', row, line, { value: type, label: types.outOfScope[type]! });
          else this.emitAt(file.sink, rule.column, 'E_FIELD_SERVICE_TYPE_UNKNOWN', row, line, { value: type });
        };
      }
      case 'welfareEquipmentItem':
        return (file, fields, row, line) => {
          const code = fields[rule.serviceCodeColumn - 1]!;
          if (!hasType(code, rule.serviceTypes) || isPseudoCode(code)) return;
          if (rule.anyOf.every((c) => fields[c - 1] === '')) this.emitAt(file.sink, rule.anyOf[0]!, 'E_FIELD_WELFARE_ITEM_CODE_MISSING', row, line, { value: code });
        };
      case 'table7Totals':
        return this.table7(rule);
      case 'hosokuLink':
        return this.hosokuLink(rule);
      case 'onlyForServiceTypes':
        return this.onlyForServiceTypes(rule);
      case 'requiredWhen': {
        const when = this.columnName(rule.whenColumn);
        return (file, fields, row, line) => {
          const v = fields[rule.whenColumn - 1]!;
          if (fields[rule.column - 1] === '' && rule.values.includes(v)) this.emitAt(file.sink, rule.column, 'E_FIELD_REQUIRED_WHEN', row, line, { value: v, when });
        };
      }
      case 'slotsInOrder':
        return this.slotsInOrder(rule);
      case 'codeInstead':
        return (file, fields, row, line) => {
          for (const c of rule.columns) {
            const v = fields[c - 1]!;
            const instead = rule.codes[v];
            if (instead !== undefined) this.emitAt(file.sink, c, 'E_FIELD_CODE_INSTEAD', row, line, { value: v, instead, rule: rule.source });
          }
        };
      case 'companionFileName':
        return this.companionFileName(rule);
      case 'blankOnRepeat':
        return this.blankOnRepeat(rule);
    }
  }

  private hosokuLink(rule: Rule<'hosokuLink'>): RecordCheck {
    return (file, fields, row, line) => {
      const month = file.month;
      const planDate = fields[rule.planDateColumn - 1]!;
      if (!month || planDate === '') return;
      if (month === '000000' && planDate === '00000000') {
        this.emitAt(file.sink, rule.planDateColumn, 'E_FIELD_HOSOKU_PLAN_DATE', row, line, {
          value: planDate,
          detail: '第1〜3表と送る利用者補足情報（年月 000000）なのに居宅サービス計画作成（変更）日が 00000000 です',
          detailEn: 'Plan-linked 利用者補足情報 (month 000000) but No.4 is 00000000',
        });
      } else if (month !== '000000' && planDate !== '00000000') {
        this.emitAt(file.sink, rule.planDateColumn, 'E_FIELD_HOSOKU_PLAN_DATE', row, line, {
          value: planDate,
          detail: '第6・7表と送る利用者補足情報（年月あり）では居宅サービス計画作成（変更）日を 00000000 にします',
          detailEn: 'Ticket-linked 利用者補足情報 (with a month) must have No.4 = 00000000',
        });
      }
    };
  }

  /** 第6表 No.19: filled only for 17; 67 is not named by the sentence, so there it is a warning. */
  private onlyForServiceTypes(rule: Rule<'onlyForServiceTypes'>): RecordCheck {
    const types = rule.serviceTypes.join('・');
    return (file, fields, row, line) => {
      if (fields[rule.column - 1] === '') return;
      const code = fields[rule.serviceCodeColumn - 1]!;
      if (code.length < 2) return;
      const type = code.slice(0, 2);
      if (rule.serviceTypes.includes(type)) return;
      const why = rule.uncertainTypes?.[type];
      if (why !== undefined) this.emitAt(file.sink, rule.column, 'W_FIELD_NOT_FOR_SERVICE_TYPE_UNCERTAIN', row, line, { value: type, types, why });
      else this.emitAt(file.sink, rule.column, 'E_FIELD_NOT_FOR_SERVICE_TYPE', row, line, { value: type, types });
    };
  }

  /** 「１枠から順番に設定する」: the first filled slot after an empty one is reported, once per record. */
  private slotsInOrder(rule: Rule<'slotsInOrder'>): RecordCheck {
    return (file, fields, row, line) => {
      let firstEmpty = -1;
      for (let i = 0; i < rule.slotColumns.length; i++) {
        const start = rule.slotColumns[i]! - 1;
        let filled = false;
        for (let k = start; k < start + rule.width; k++) if (fields[k] !== '') filled = true;
        if (!filled) {
          if (firstEmpty < 0) firstEmpty = i;
        } else if (firstEmpty >= 0) {
          this.emitAt(file.sink, rule.slotColumns[i]!, 'E_FIELD_SLOT_GAP', row, line, { slot: i + 1, empty: firstEmpty + 1 });
          return;
        }
      }
    };
  }

  /** UPKIHON No.62: the image name repeats this file's sender, receiver and sequence. */
  private companionFileName(rule: Rule<'companionFileName'>): RecordCheck {
    // The expected part of the name is the file's own: null when its name is broken (nothing to compare).
    const at = this.slot((file) => {
      const meta = file.meta;
      return meta ? `${meta.sender.office}_${meta.sender.serviceType}_${meta.receiver.office}_${meta.receiver.serviceType}_${meta.sequence}` : null;
    });
    // Only names of the right shape are compared; a malformed name is the column pattern's finding.
    const shape = new RegExp(`^${rule.prefix}_(\\d{10}_[0-9A-Z]{2}_\\d{10}_[0-9A-Z]{2}_\\d{14})_\\d{4}\\.[^.]+$`);
    return (file, fields, row, line) => {
      const expected = file.state[at] as string | null;
      if (expected === null) return;
      const m = shape.exec(fields[rule.column - 1]!);
      if (m && m[1] !== expected) this.emitAt(file.sink, rule.column, 'E_FIELD_COMPANION_NAME', row, line, { value: m[0], expected, prefix: rule.prefix });
    };
  }

  /** UPYOBO_SUB: a group's columns are written on its first row only. */
  private blankOnRepeat(rule: Rule<'blankOnRepeat'>): RecordCheck {
    const at = this.slot(() => new Set<string>());
    const keyCols = rule.keyColumns.map((c) => c - 1);
    // Name the group by its NO columns, leaving out the user key the layout already has.
    const key = rule.keyColumns
      .filter((c) => !this.layout.userKey.includes(c))
      .map((c) => this.columnName(c))
      .join('・');
    return (file, fields, row, line) => {
      if (keyCols.some((i) => fields[i] === '')) return;
      const seen = file.state[at] as Set<string>;
      const k = keyCols.map((i) => fields[i]).join(KEY_SEP);
      if (!seen.has(k)) {
        seen.add(k);
        return;
      }
      for (const c of rule.columns) if (fields[c - 1] !== '') this.emitAt(file.sink, c, 'W_FIELD_REPEAT_NOT_BLANK', row, line, { key, value: fields[keyCols[keyCols.length - 1]!]! });
    };
  }

  private table7(rule: Rule<'table7Totals'>): RecordCheck {
    const at = this.slot(() => new Map<string, Table7User>());
    const inScope = this.manifest.serviceTypes.inScope;
    this.plan.finishers.push((file) => {
      const users = file.state[at] as Map<string, Table7User>;
      const sink = file.sink;
      for (const [user, u] of users) {
        const shown = showUserKey(user, file.redact);
        if (u.totals === 0) sink.emit('E_TABLE7_TOTAL_MISSING', { line: u.firstLine }, { user: shown });
        else if (u.totals > 1) sink.emit('E_TABLE7_TOTAL_DUPLICATE', { line: u.firstLine }, { user: shown, count: u.totals });
        for (const [type, count] of u.detailByType) {
          if (count < 2 || u.subtotalTypes.has(type)) continue;
          const warnWhy = rule.subtotalWarnOnly[type];
          if (warnWhy !== undefined) sink.emit('W_TABLE7_SUBTOTAL_MISSING', { line: u.firstLine }, { user: shown, value: type, count, why: warnWhy });
          else sink.emit('E_TABLE7_SUBTOTAL_MISSING', { line: u.firstLine }, { user: shown, value: type, count, why: rule.subtotalRequiredWhy });
        }
      }
    });
    return (file, fields, row, line) => {
      const users = file.state[at] as Map<string, Table7User>;
      const sink = file.sink;
      const code = fields[rule.serviceCodeColumn - 1]!;
      const user = fields[1] + KEY_SEP + fields[2];
      let u = users.get(user);
      if (!u) {
        u = { totals: 0, firstLine: line, detailByType: new Map(), subtotalTypes: new Set() };
        users.set(user, u);
      }
      const pseudo = isPseudoCode(code);
      if (code === '999999') {
        u.totals++;
        const office = fields[rule.officeColumn - 1]!;
        if (office !== '9999999999') this.emitAt(sink, rule.officeColumn, 'E_TABLE7_TOTAL_OFFICE', row, line, { value: office });
      } else if (pseudo) {
        const type = code.slice(0, 2);
        if (code.endsWith('AAAA')) u.subtotalTypes.add(type);
        if (!(type in inScope)) this.emitAt(sink, rule.serviceCodeColumn, 'E_FIELD_SERVICE_TYPE_UNKNOWN', row, line, { value: type });
      } else if (code.length === 6) {
        const type = code.slice(0, 2);
        u.detailByType.set(type, (u.detailByType.get(type) ?? 0) + 1);
        if (fields[rule.officeColumn - 1] === '9999999999') this.emitAt(sink, rule.officeColumn, 'E_TABLE7_DETAIL_OFFICE', row, line, {});
      }
      if (pseudo) {
        const units = fields[rule.unitsColumn - 1]!;
        if (units !== '' && Number(units) !== 0) this.emitAt(sink, rule.unitsColumn, 'E_TABLE7_PSEUDO_UNITS', row, line, { value: units });
        for (const c of rule.emptyOnTotals) {
          const v = fields[c - 1]!;
          if (v !== '') this.emitAt(sink, c, 'E_TABLE7_PSEUDO_NOT_EMPTY', row, line, { value: v });
        }
      }
    };
  }
}

/** `types.includes(code.slice(0, 2))` without slicing a string per record. */
export function hasType(code: string, types: readonly string[]): boolean {
  const n = code.length < 2 ? code.length : 2;
  for (let i = 0; i < types.length; i++) {
    const t = types[i]!;
    if (t.length === n && code.startsWith(t)) return true;
  }
  return false;
}
