// 第1表 居宅サービス計画書(1) as the paper form prints it (老企第29号 標準様式): the 利用者 block, the
// 認定 block, the circled choices (初回・紹介・継続, 認定済・申請中, 要介護１〜５), the three text
// boxes and 生活援助中心型の算定理由. One form per UP1KYO record.
import { type Choice, type CodeText, choicesOf, codeText } from './codes.js';
import { formatDate, formatPeriod } from './format.js';
import { col, type PersonDirectory, type PersonHeader, personOf } from './person.js';

export interface Plan1Form {
  kind: 'plan1';
  person: PersonHeader;
  /** 作成年月日 (No.4). */
  created: string;
  /** 利用者 address from 第1表 itself (No.5-7): 〒168-4596 東京都… */
  address: string;
  /** 居宅サービス計画作成者氏名 (No.8). */
  planner: string;
  /** 居宅介護支援事業者・事業所名及び所在地 (No.9-12). */
  office: { name: string; address: string; code: string };
  /** 居宅サービス計画作成（変更）日 (No.14): the key that ties 第2表/第3表 to this plan. */
  planDate: string;
  planDateRaw: string;
  firstPlanDate: string;
  /** 計画書区分 (No.16): 初回・紹介・継続. */
  planKind: Choice[];
  planKindCode: CodeText;
  /** 認定状況区分 (No.17): 認定済・申請中. */
  certStatus: Choice[];
  certStatusCode: CodeText;
  certDate: string;
  /** 認定の有効期間 (No.19-20). */
  certPeriod: string;
  /** 要介護状態区分 (No.21): 要介護１〜５ circled; the code's name for 要支援/事業対象者. */
  careLevel: Choice[];
  careLevelCode: CodeText;
  /** 利用者及び家族の生活に対する意向を踏まえた課題分析の結果 (No.22). */
  intent: string;
  /** 介護認定審査会の意見及びサービスの種類の指定 (No.23). */
  opinion: string;
  /** 総合的な援助の方針 (No.24). */
  policy: string;
  /** 生活援助中心型の算定理由 (No.25) and その他理由 (No.26). */
  livingSupport: Choice[];
  livingSupportCode: CodeText;
  livingSupportOther: string;
}

/** 〒101-0041 東京都千代田区… from a postal code and two address lines. */
export function joinAddress(postal: string, line1: string, line2: string): string {
  const lines = [line1.trim(), line2.trim()].filter(Boolean).join(' ');
  const p = postal.trim();
  return [p ? `〒${p}` : '', lines].filter(Boolean).join(' ');
}

/** 要介護１〜５: the care levels the 第1表 paper prints as choices (介護予防 has its own forms). */
const CARE_LEVELS_ON_FORM = new Set(['21', '22', '23', '24', '25']);

export function plan1Form(row: readonly string[], people?: PersonDirectory): Plan1Form {
  return {
    kind: 'plan1',
    person: personOf(people, col(row, 2), col(row, 3)),
    created: formatDate(col(row, 4)),
    address: joinAddress(col(row, 5), col(row, 6), col(row, 7)),
    planner: col(row, 8),
    office: { name: col(row, 9), address: joinAddress(col(row, 10), col(row, 11), col(row, 12)), code: col(row, 13) },
    planDate: formatDate(col(row, 14)),
    planDateRaw: col(row, 14),
    firstPlanDate: formatDate(col(row, 15)),
    planKind: choicesOf('UP1KYO', 16, col(row, 16)),
    planKindCode: codeText('UP1KYO', 16, col(row, 16)),
    certStatus: choicesOf('UP1KYO', 17, col(row, 17)).reverse(),
    certStatusCode: codeText('UP1KYO', 17, col(row, 17)),
    certDate: formatDate(col(row, 18)),
    certPeriod: formatPeriod(col(row, 19), col(row, 20)),
    careLevel: choicesOf('UP1KYO', 21, col(row, 21), (code) => CARE_LEVELS_ON_FORM.has(code)),
    careLevelCode: codeText('UP1KYO', 21, col(row, 21)),
    intent: col(row, 22),
    opinion: col(row, 23),
    policy: col(row, 24),
    livingSupport: choicesOf('UP1KYO', 25, col(row, 25)),
    livingSupportCode: codeText('UP1KYO', 25, col(row, 25)),
    livingSupportOther: col(row, 26),
  };
}

/** Every 第1表 of a file, one per record (one per person and plan). */
export function plan1Forms(rows: readonly (readonly string[])[], people?: PersonDirectory): Plan1Form[] {
  return rows.map((r) => plan1Form(r, people));
}
