// 利用者補足情報 (UPHOSOKU) as a card: who the person is, their certification and the 区分支給限度 figures
// the care manager computed (per service type and in total). One card per record; a unit carries it
// with the plan (対象年月 000000) or with 第6表/第7表 (the service month).
import { serviceTypeName } from '../spec/labels.js';
import { codeText } from './codes.js';
import { ageOn, formatDate, formatMonth, formatNumber, formatPeriod } from './format.js';
import { joinAddress } from './plan1.js';
import { col, type PersonHeader, personDirectory } from './person.js';

export interface LimitSlot {
  /** 11 訪問介護 (the code and its name from specs/labels.json). */
  serviceType: string;
  limit: string;
  total: string;
  over: string;
}

export interface HosokuCard {
  kind: 'hosoku';
  person: PersonHeader;
  /** Age on the plan date, or on the first of the service month; null when unknown. */
  age: number | null;
  address: string;
  phone: string;
  /** 居宅サービス計画作成（変更）日, '' beside 第6表/第7表 (00000000). */
  planDate: string;
  /** 2025年4月 beside 第6表/第7表; '' beside the plan (000000). */
  month: string;
  certStatus: string;
  certDate: string;
  /** 限度額適用期間 (No.14-15). */
  limitPeriod: string;
  careLevel: string;
  careLevelChanged: string;
  previousCareLevel: string;
  /** 区分支給限度基準額 in units: 16,765. */
  limit: string;
  slots: LimitSlot[];
  totalOver: string;
  shortStayDaysBefore: string;
  shortStayDaysTotal: string;
  consentOffice: string;
}

/** The nine 種類別限度額 slots (No.20-55, four columns each), the filled ones only. */
function slotsOf(r: readonly string[]): LimitSlot[] {
  const out: LimitSlot[] = [];
  for (let i = 0; i < 9; i++) {
    const base = 20 + i * 4;
    const type = col(r, base).trim();
    const values = [col(r, base + 1), col(r, base + 2), col(r, base + 3)];
    if (!type && values.every((v) => !v.trim())) continue;
    out.push({ serviceType: type ? serviceTypeName(type, 'ja') : '', limit: formatNumber(values[0]!), total: formatNumber(values[1]!), over: formatNumber(values[2]!) });
  }
  return out;
}

export function hosokuCard(r: readonly string[]): HosokuCard {
  const [person] = personDirectory([r]).values();
  const month = col(r, 63);
  const planDate = col(r, 4);
  const ageDay = /^0*$/.test(planDate.trim()) ? `${month}01` : planDate;
  return {
    kind: 'hosoku',
    person: person!,
    age: ageOn(col(r, 8), ageDay),
    address: joinAddress(col(r, 9), col(r, 10), col(r, 11)),
    phone: col(r, 12),
    planDate: formatDate(planDate),
    month: formatMonth(month),
    certStatus: codeText('UPHOSOKU', 16, col(r, 16)).label,
    certDate: formatDate(col(r, 13)),
    limitPeriod: formatPeriod(col(r, 14), col(r, 15)),
    careLevel: codeText('UPHOSOKU', 18, col(r, 18)).label,
    careLevelChanged: formatDate(col(r, 17)),
    previousCareLevel: codeText('UPHOSOKU', 59, col(r, 59)).label,
    limit: formatNumber(col(r, 19)),
    slots: slotsOf(r),
    totalOver: formatNumber(col(r, 56)),
    shortStayDaysBefore: formatNumber(col(r, 57)),
    shortStayDaysTotal: formatNumber(col(r, 58)),
    consentOffice: col(r, 60),
  };
}

export function hosokuCards(rows: readonly (readonly string[])[]): HosokuCard[] {
  return rows.map(hosokuCard);
}
