// サービスコード表（--service-codes）があるときだけ働く規則。
// Rules that need the service-code master (docs/spec-audit.md §5, docs/service-codes.md). They run only
// when the person gives a master; without one RuleChecker never builds them and nothing changes. Kept
// apart from rules.ts (the layout's own, data-driven rules) and called from one place, its constructor.
//   - a well-formed service code the master does not list, of a type it does list: W_FIELD_SERVICE_CODE_UNKNOWN
//   - 第7表 No.18 給付管理単位数 filled for a code outside the 区分支給限度: E_TABLE7_LIMIT_UNITS_NOT_EMPTY
//   - 第7表: 2+ detail rows of a type within the limit and no xxAAAA, where rules.ts only warns: E_TABLE7_LIMIT_SUBTOTAL_MISSING
//   - every finding on a record with a known code carries that code and its name (Finding.service)
import type { Finding, UnitReport } from '../report/types.js';
import type { FileRule, LayoutSpec } from '../spec/model.js';
import type { ServiceCodeMaster } from '../spec/serviceCodes.js';
import { serviceTypeLabel } from '../spec/serviceTypes.js';
import type { FindingSink } from './findings.js';
import { isPseudoCode, KEY_SEP, showUserKey } from './keys.js';

export interface MasterRuleContext {
  sink: FindingSink;
  layout: LayoutSpec;
  /** The service month from the file name, when the records do not carry one. */
  fileMonth: string | null;
  redact: boolean;
  master: ServiceCodeMaster;
}

export interface MasterRules {
  record: (fields: string[], row: number, line: number) => void;
  finish: () => void;
}

/** 第7表 No.18 in the spec's words; found by name so a renumbered edition still finds it. */
const LIMIT_UNITS_COLUMN = '給付管理単位数';
const CODE_SHAPE = /^[0-9A-Z]{6}$/;

interface Table7Facts {
  firstLine: number;
  /** Detail rows whose code the master puts within the 区分支給限度, by service type. */
  withinLimit: Map<string, number>;
  subtotals: Set<string>;
}

/** The rules for one layout, or null when the layout has no service-code column. */
export function masterRules(ctx: MasterRuleContext): MasterRules | null {
  const { layout, master, sink } = ctx;
  const codeColumns = layout.columns.filter((c) => c.type === 'serviceCode').map((c) => c.no);
  if (codeColumns.length === 0) return null;
  const table7 = layout.rules.find((r): r is Extract<FileRule, { rule: 'table7Totals' }> => r.rule === 'table7Totals') ?? null;
  const limitUnits = table7 ? layout.columns.find((c) => c.name === LIMIT_UNITS_COLUMN) : undefined;
  // The user key starts with 保険者番号: the insurer whose own codes (総合事業) apply.
  const insurerColumn = layout.userKey[0];
  const users = new Map<string, Table7Facts>();
  const common = { master: master.name };

  const emit = (column: number, code: Parameters<FindingSink['emit']>[0], row: number, line: number, params: Record<string, string | number>) => {
    const col = layout.columns[column - 1]!;
    sink.emit(code, { row, line, column: col.no, field: col.name }, { ...common, ...params });
  };

  return {
    record(fields, row, line) {
      const month = layout.monthColumn ? fields[layout.monthColumn - 1] || ctx.fileMonth : ctx.fileMonth;
      const at = { month, insurer: insurerColumn ? fields[insurerColumn - 1] : null };
      let service: string | undefined;
      // Findings about a user point at the user's first record, as rules.ts's 第7表 findings do.
      const facts = table7 ? userFacts(fields, line) : null;
      for (const column of codeColumns) {
        const code = fields[column - 1]!;
        // Malformed codes are the column check's finding; subtotal and total rows are no services.
        if (!CODE_SHAPE.test(code)) continue;
        const type = code.slice(0, 2);
        if (isPseudoCode(code)) {
          if (facts && column === table7!.serviceCodeColumn && code.endsWith('AAAA')) facts.subtotals.add(type);
          continue;
        }
        const entry = master.find(code, at);
        if (!entry) {
          // A master that lists no code of this type does not speak for it (a partial or local master).
          if (master.coversType(type)) emit(column, 'W_FIELD_SERVICE_CODE_UNKNOWN', row, line, { value: code, label: serviceTypeLabel(type, 'ja'), labelEn: serviceTypeLabel(type, 'en') });
          continue;
        }
        service ??= `${code} ${entry.name}`;
        if (!facts || column !== table7!.serviceCodeColumn) continue;
        if (entry.limit === true) facts.withinLimit.set(type, (facts.withinLimit.get(type) ?? 0) + 1);
        const units = limitUnits ? fields[limitUnits.no - 1]! : '';
        if (entry.limit === false && units !== '') emit(limitUnits!.no, 'E_TABLE7_LIMIT_UNITS_NOT_EMPTY', row, line, { value: code, name: entry.name, units });
      }
      if (service) nameService(sink, row, service);
    },
    finish() {
      if (!table7) return;
      for (const [user, facts] of users) {
        for (const [type, count] of facts.withinLimit) {
          // rules.ts already calls a missing subtotal an error for every type but those it only warns
          // about (31/34, whose exemption is not confirmed): the master settles those.
          if (count < 2 || facts.subtotals.has(type) || !(type in table7.subtotalWarnOnly)) continue;
          sink.emit('E_TABLE7_LIMIT_SUBTOTAL_MISSING', { line: facts.firstLine }, { ...common, user: showUserKey(user, ctx.redact), value: type, count });
        }
      }
    },
  };

  function userFacts(fields: string[], line: number): Table7Facts {
    // The same user key as rules.ts's 第7表 totals: 保険者番号 + 被保険者番号.
    const key = fields[1] + KEY_SEP + fields[2];
    let facts = users.get(key);
    if (!facts) {
      facts = { firstLine: line, withinLimit: new Map(), subtotals: new Set() };
      users.set(key, facts);
    }
    return facts;
  }
}

/** Findings of this record (the newest ones listed) get the record's service code and name. */
function nameService(sink: FindingSink, row: number, service: string): void {
  for (const list of [sink.errors, sink.warnings]) {
    for (let i = list.length - 1; i >= 0; i--) {
      const f: Finding = list[i]!;
      if (f.row !== row) break;
      f.service ??= service;
    }
  }
}

/**
 * Unit findings that name a service code as their value (W_UNIT_PLAN_CODE_NOT_IN_TABLE7) get its name
 * too. Called after the unit checks, by whoever gave the master (client/check/validation.ts).
 */
export function nameUnitServices(units: UnitReport[], master: ServiceCodeMaster): void {
  for (const u of units) {
    for (const f of [...u.errors, ...u.warnings]) {
      if (f.service !== undefined || f.value === undefined || !CODE_SHAPE.test(f.value)) continue;
      const label = master.label(f.value, { month: u.serviceMonth });
      if (label) f.service = label;
    }
  }
}
