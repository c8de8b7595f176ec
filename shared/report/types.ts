import type { FindingCode, Severity } from '../validator/codes.js';

export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** 1-based record number; null for findings about the file or unit as a whole. */
  row: number | null;
  /** 1-based physical line where the record (or the problem) starts; null when not tied to a line. */
  line: number | null;
  /** 1-based column No. of the layout; null when not tied to one. */
  column: number | null;
  /** Japanese item name of the column, when there is one. */
  field: string | null;
  message: string;
  messageEn: string;
  hint: string;
  hintEn: string;
  /** The offending value, shortened; masked for personal columns under --redact. */
  value?: string;
  /** With a service-code master (check --service-codes): the record's service code and its name there, e.g. "111111 身体介護１". */
  service?: string;
}

export interface OfficeRef {
  office: string;
  serviceType: string | null;
}

export interface FileMeta {
  kind: string;
  title: string;
  /** YYYYMM, '000000' for plan-linked 利用者補足情報, null when the name has no month. */
  serviceMonth: string | null;
  sender: OfficeRef;
  receiver: OfficeRef;
  sequence: string;
  extension: string;
  imageBranch?: string;
}

export interface FileStats {
  bytes: number;
  records: number;
  lines: number;
  users: number;
  csvVersion: string | null;
}

export interface FileReport {
  path: string;
  name: string;
  /** The prefix (e.g. UPPLAN), or null when the name is not a standard-spec name. */
  fileType: string | null;
  meta: FileMeta | null;
  valid: boolean;
  errors: Finding[];
  warnings: Finding[];
  stats: FileStats;
  /** Findings counted but not listed (a file wrong everywhere would otherwise produce a huge report). */
  omitted: number;
  /** All findings, listed or not. */
  counts: { errors: number; warnings: number; byCode: Record<string, number> };
  sha256?: string;
}

export interface UnitReport {
  /** sender office_type → receiver office_type #sequence */
  key: string;
  kind: string | null;
  title: string | null;
  sender: OfficeRef;
  receiver: OfficeRef;
  sequence: string;
  serviceMonth: string | null;
  files: string[];
  valid: boolean;
  errors: Finding[];
  warnings: Finding[];
}

export interface ReportSummary {
  files: number;
  validFiles: number;
  invalidFiles: number;
  units: number;
  validUnits: number;
  invalidUnits: number;
  errors: number;
  warnings: number;
  byCode: Record<string, number>;
  ignored: string[];
  specEdition: string;
  csvVersion: string;
  validator: string;
}

export interface CheckReport {
  files: FileReport[];
  units: UnitReport[];
  summary: ReportSummary;
}
