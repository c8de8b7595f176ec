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
import { masterRules } from './serviceCodeRules.js';
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

type RecordCheck = (fields: string[], row: number, line: number) => void;
type Rule<K extends FileRule['rule']> = Extract<FileRule, { rule: K }>;

interface Table7User {
  totals: number;
  firstLine: number;
  detailByType: Map<string, number>;
  subtotalTypes: Set<string>;
}

const NO_CHECK: RecordCheck = () => {};

export class RuleChecker {
  private readonly checks: RecordCheck[];
  private readonly finishers: (() => void)[] = [];

  constructor(private readonly ctx: RuleContext) {
    // Filled by push into a list of the general kind (see emptyList in fileValidator.ts): a layout without
    // rules otherwise gave record() a second array shape to deoptimise on.
    const checks: RecordCheck[] = [];
    checks.push(NO_CHECK);
    checks.pop();
    const rules = ctx.layout.rules;
    for (let i = 0; i < rules.length; i++) checks.push(this.compile(rules[i]!));
    this.checks = checks;
    // End before start beyond a midnight crossing (timeOrder.ts): read from the layout's time columns.
    const times = timeOrderCheck(ctx.layout, ctx.sink);
    if (times) this.checks.push(times);
    // The rules that need a service-code master live in serviceCodeRules.ts; without one, none run.
    const master = ctx.serviceCodes ? masterRules({ ...ctx, fileMonth: ctx.meta?.serviceMonth ?? null, master: ctx.serviceCodes }) : null;
    if (master) {
      this.checks.push(master.record);
      this.finishers.push(master.finish);
    }
  }

  record(fields: string[], row: number, line: number): void {
    const checks = this.checks;
    for (let i = 0; i < checks.length; i++) checks[i]!(fields, row, line);
  }

  /** File-level conclusions (第7表 totals), once every record has been read. */
  finish(): void {
    for (const f of this.finishers) f();
  }

  private emitAt(columnNo: number, code: FindingCode, row: number, line: number, params: Params = {}): void {
    const col = this.ctx.layout.columns[columnNo - 1]!;
    this.ctx.sink.emit(code, { row, line, column: col.no, field: col.name }, params);
  }

  private columnName(no: number): string {
    return this.ctx.layout.columns[no - 1]!.name;
  }

  private compile(rule: FileRule): RecordCheck {
    switch (rule.rule) {
      case 'dateInMonth':
        return (fields, row, line) => {
          const date = fields[rule.column - 1]!;
          const month = fields[rule.monthColumn - 1]!;
          if (isValidDate(date) && isValidMonth(month) && !date.startsWith(month)) this.emitAt(rule.column, 'E_FIELD_DATE_OUTSIDE_MONTH', row, line, { value: date, month });
        };
      case 'dayFlagsInMonth':
        return (fields, row, line) => {
          const flags = fields[rule.column - 1]!;
          const month = fields[rule.monthColumn - 1]!;
          if (flags === '' || !isValidMonth(month)) return;
          const late = flags.indexOf('1', daysInValidMonth(month));
          if (late !== -1) this.emitAt(rule.column, 'E_FIELD_DAY_FLAGS_BEYOND_MONTH', row, line, { day: late + 1, month });
        };
      case 'serviceTypeInScope':
        return (fields, row, line) => {
          const code = fields[rule.column - 1]!;
          if (code.length !== 6 || isPseudoCode(code)) return;
          const type = code.slice(0, 2);
          const types = this.ctx.manifest.serviceTypes;
          if (type in types.inScope) return;
          if (type in types.outOfScope) this.emitAt(rule.column, 'E_FIELD_SERVICE_TYPE_OUT_OF_SCOPE', row, line, { value: type, label: types.outOfScope[type]! });
          else this.emitAt(rule.column, 'E_FIELD_SERVICE_TYPE_UNKNOWN', row, line, { value: type });
        };
      case 'welfareEquipmentItem':
        return (fields, row, line) => {
          const code = fields[rule.serviceCodeColumn - 1]!;
          if (!rule.serviceTypes.includes(code.slice(0, 2)) || isPseudoCode(code)) return;
          if (rule.anyOf.every((c) => fields[c - 1] === '')) this.emitAt(rule.anyOf[0]!, 'E_FIELD_WELFARE_ITEM_CODE_MISSING', row, line, { value: code });
        };
      case 'table7Totals':
        return this.table7(rule);
      case 'hosokuLink':
        return this.hosokuLink(rule);
      case 'onlyForServiceTypes':
        return this.onlyForServiceTypes(rule);
      case 'requiredWhen': {
        const when = this.columnName(rule.whenColumn);
        return (fields, row, line) => {
          const v = fields[rule.whenColumn - 1]!;
          if (fields[rule.column - 1] === '' && rule.values.includes(v)) this.emitAt(rule.column, 'E_FIELD_REQUIRED_WHEN', row, line, { value: v, when });
        };
      }
      case 'slotsInOrder':
        return this.slotsInOrder(rule);
      case 'codeInstead':
        return (fields, row, line) => {
          for (const c of rule.columns) {
            const v = fields[c - 1]!;
            const instead = rule.codes[v];
            if (instead !== undefined) this.emitAt(c, 'E_FIELD_CODE_INSTEAD', row, line, { value: v, instead, rule: rule.source });
          }
        };
      case 'companionFileName':
        return this.companionFileName(rule);
      case 'blankOnRepeat':
        return this.blankOnRepeat(rule);
    }
  }

  private hosokuLink(rule: Rule<'hosokuLink'>): RecordCheck {
    const month = this.ctx.meta?.serviceMonth;
    return (fields, row, line) => {
      const planDate = fields[rule.planDateColumn - 1]!;
      if (!month || planDate === '') return;
      if (month === '000000' && planDate === '00000000') {
        this.emitAt(rule.planDateColumn, 'E_FIELD_HOSOKU_PLAN_DATE', row, line, {
          value: planDate,
          detail: '第1〜3表と送る利用者補足情報（年月 000000）なのに居宅サービス計画作成（変更）日が 00000000 です',
          detailEn: 'Plan-linked 利用者補足情報 (month 000000) but No.4 is 00000000',
        });
      } else if (month !== '000000' && planDate !== '00000000') {
        this.emitAt(rule.planDateColumn, 'E_FIELD_HOSOKU_PLAN_DATE', row, line, {
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
    return (fields, row, line) => {
      if (fields[rule.column - 1] === '') return;
      const code = fields[rule.serviceCodeColumn - 1]!;
      if (code.length < 2) return;
      const type = code.slice(0, 2);
      if (rule.serviceTypes.includes(type)) return;
      const why = rule.uncertainTypes?.[type];
      if (why !== undefined) this.emitAt(rule.column, 'W_FIELD_NOT_FOR_SERVICE_TYPE_UNCERTAIN', row, line, { value: type, types, why });
      else this.emitAt(rule.column, 'E_FIELD_NOT_FOR_SERVICE_TYPE', row, line, { value: type, types });
    };
  }

  /** 「１枠から順番に設定する」: the first filled slot after an empty one is reported, once per record. */
  private slotsInOrder(rule: Rule<'slotsInOrder'>): RecordCheck {
    return (fields, row, line) => {
      let firstEmpty = -1;
      for (let i = 0; i < rule.slotColumns.length; i++) {
        const start = rule.slotColumns[i]! - 1;
        let filled = false;
        for (let k = start; k < start + rule.width; k++) if (fields[k] !== '') filled = true;
        if (!filled) {
          if (firstEmpty < 0) firstEmpty = i;
        } else if (firstEmpty >= 0) {
          this.emitAt(rule.slotColumns[i]!, 'E_FIELD_SLOT_GAP', row, line, { slot: i + 1, empty: firstEmpty + 1 });
          return;
        }
      }
    };
  }

  /** UPKIHON No.62: the image name repeats this file's sender, receiver and sequence. */
  private companionFileName(rule: Rule<'companionFileName'>): RecordCheck {
    const meta = this.ctx.meta;
    if (!meta) return () => {};
    const expected = `${meta.sender.office}_${meta.sender.serviceType}_${meta.receiver.office}_${meta.receiver.serviceType}_${meta.sequence}`;
    // Only names of the right shape are compared; a malformed name is the column pattern's finding.
    const shape = new RegExp(`^${rule.prefix}_(\\d{10}_[0-9A-Z]{2}_\\d{10}_[0-9A-Z]{2}_\\d{14})_\\d{4}\\.[^.]+$`);
    return (fields, row, line) => {
      const m = shape.exec(fields[rule.column - 1]!);
      if (m && m[1] !== expected) this.emitAt(rule.column, 'E_FIELD_COMPANION_NAME', row, line, { value: m[0], expected, prefix: rule.prefix });
    };
  }

  /** UPYOBO_SUB: a group's columns are written on its first row only. */
  private blankOnRepeat(rule: Rule<'blankOnRepeat'>): RecordCheck {
    const seen = new Set<string>();
    const keyCols = rule.keyColumns.map((c) => c - 1);
    // Name the group by its NO columns, leaving out the user key the layout already has.
    const key = rule.keyColumns
      .filter((c) => !this.ctx.layout.userKey.includes(c))
      .map((c) => this.columnName(c))
      .join('・');
    return (fields, row, line) => {
      if (keyCols.some((i) => fields[i] === '')) return;
      const k = keyCols.map((i) => fields[i]).join(KEY_SEP);
      if (!seen.has(k)) {
        seen.add(k);
        return;
      }
      for (const c of rule.columns) if (fields[c - 1] !== '') this.emitAt(c, 'W_FIELD_REPEAT_NOT_BLANK', row, line, { key, value: fields[keyCols[keyCols.length - 1]!]! });
    };
  }

  private table7(rule: Rule<'table7Totals'>): RecordCheck {
    const users = new Map<string, Table7User>();
    const inScope = this.ctx.manifest.serviceTypes.inScope;
    this.finishers.push(() => {
      for (const [user, u] of users) {
        const shown = showUserKey(user, this.ctx.redact);
        if (u.totals === 0) this.ctx.sink.emit('E_TABLE7_TOTAL_MISSING', { line: u.firstLine }, { user: shown });
        else if (u.totals > 1) this.ctx.sink.emit('E_TABLE7_TOTAL_DUPLICATE', { line: u.firstLine }, { user: shown, count: u.totals });
        for (const [type, count] of u.detailByType) {
          if (count < 2 || u.subtotalTypes.has(type)) continue;
          const warnWhy = rule.subtotalWarnOnly[type];
          if (warnWhy !== undefined) this.ctx.sink.emit('W_TABLE7_SUBTOTAL_MISSING', { line: u.firstLine }, { user: shown, value: type, count, why: warnWhy });
          else this.ctx.sink.emit('E_TABLE7_SUBTOTAL_MISSING', { line: u.firstLine }, { user: shown, value: type, count, why: rule.subtotalRequiredWhy });
        }
      }
    });
    return (fields, row, line) => {
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
        if (office !== '9999999999') this.emitAt(rule.officeColumn, 'E_TABLE7_TOTAL_OFFICE', row, line, { value: office });
      } else if (pseudo) {
        const type = code.slice(0, 2);
        if (code.endsWith('AAAA')) u.subtotalTypes.add(type);
        if (!(type in inScope)) this.emitAt(rule.serviceCodeColumn, 'E_FIELD_SERVICE_TYPE_UNKNOWN', row, line, { value: type });
      } else if (code.length === 6) {
        const type = code.slice(0, 2);
        u.detailByType.set(type, (u.detailByType.get(type) ?? 0) + 1);
        if (fields[rule.officeColumn - 1] === '9999999999') this.emitAt(rule.officeColumn, 'E_TABLE7_DETAIL_OFFICE', row, line, {});
      }
      if (pseudo) {
        const units = fields[rule.unitsColumn - 1]!;
        if (units !== '' && Number(units) !== 0) this.emitAt(rule.unitsColumn, 'E_TABLE7_PSEUDO_UNITS', row, line, { value: units });
        for (const c of rule.emptyOnTotals) {
          const v = fields[c - 1]!;
          if (v !== '') this.emitAt(c, 'E_TABLE7_PSEUDO_NOT_EMPTY', row, line, { value: v });
        }
      }
    };
  }
}
