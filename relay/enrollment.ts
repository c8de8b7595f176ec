// Operator enrollment (issue 15): the operator registers an office's certificate before the office
// ever connects, so that a regional group can exchange from the first day, and can withdraw one.
// With the policy 'operator' only enrolled certificates may connect (relay/offices.ts); 'open'
// registers an office on first contact, as the embedded demo needs.
//
// Several certificates of one office may be valid at once (a renewal overlap). The directory lists
// all of them and marks the newest valid one `current`; senders encrypt to `current` only
// (client/transport/sender.ts, relay/API.md “Sender's rule”): the office holds both keys during the
// overlap, and a unit is never sealed to the older key.
import { certInfo, EKU_CLIENT_AUTH, type CertInfo } from '../pki/certs.js';
import { LocalizedError } from '../shared/errors.js';
import { OFFICE_PATTERN, sanitizeDisplayName, SERVICE_TYPE_PATTERN } from '../shared/protocol/index.js';
import { CsvReader } from '../shared/validator/csv.js';
import type { OfficeRecord, RelayStore } from './store.js';

/** Who may connect: anyone the CA vouches for (registered on first contact), or the enrolled only. */
export type EnrollmentPolicy = 'open' | 'operator';
export const ENROLLMENT_POLICIES: readonly EnrollmentPolicy[] = ['open', 'operator'];

export class EnrollmentError extends LocalizedError {
  override name = 'EnrollmentError';
  constructor(ja: string, en: string) {
    super('enrollment', { ja, en });
  }
}

/** An office certificate as the relay accepts it at connection: an end entity for client authentication, named by its office number. */
export function officeCertificate(pem: string): CertInfo {
  let cert: CertInfo;
  try {
    cert = certInfo(pem);
  } catch {
    throw new EnrollmentError('証明書（PEM）を読めません', 'Not a readable certificate (PEM)');
  }
  const office = cert.subject.CN ?? '';
  if (!OFFICE_PATTERN.test(office)) throw new EnrollmentError(`証明書の CN が事業所番号（10桁）ではありません: ${office}`, `The certificate's CN is not an office number (10 digits): ${office}`);
  if (cert.isCA) throw new EnrollmentError('CA の証明書は事業所の証明書として登録できません', 'A CA certificate cannot be enrolled as an office certificate');
  if (!cert.extendedKeyUsage?.includes(EKU_CLIENT_AUTH)) {
    throw new EnrollmentError('クライアント認証用の証明書ではありません（拡張キー使用法 clientAuth がありません）', 'Not a client-authentication certificate (no clientAuth extended key usage)');
  }
  return cert;
}

export interface EnrollResult {
  office: string;
  name: string;
  fingerprint: string;
  notBefore: string;
  notAfter: string;
  /** added: new; present: enrolled already (nothing changed but name and types); restored: was withdrawn, active again. */
  result: 'added' | 'present' | 'restored';
}

/** Checks service type codes (two characters, e.g. 43, 11, A2). */
export function serviceTypes(list: string | undefined): string[] {
  const types = (list ?? '')
    .split(/[,\s]+/)
    .map((t) => t.trim())
    .filter(Boolean);
  const bad = types.find((t) => !SERVICE_TYPE_PATTERN.test(t));
  if (bad) throw new EnrollmentError(`サービス種類コードが正しくありません: ${bad}`, `Not a service type code: ${bad}`);
  return types;
}

/** Enrolls one certificate (and its office, if new). The name and types given replace or add to the directory's. */
export async function enroll(store: RelayStore, pem: string, opts: { name?: string; serviceTypes?: string[] }, now: Date): Promise<EnrollResult> {
  const cert = officeCertificate(pem);
  const office = cert.subject.CN!;
  const given = opts.name === undefined ? undefined : sanitizeDisplayName(opts.name);
  if (opts.name !== undefined && given === undefined) throw new EnrollmentError('事業所名が空か、使えない文字だけです', 'The office name is empty or holds only characters that cannot be shown');
  const before = await store.certificateState(office, cert.fingerprint256);
  const existing = await store.getOffice(office);
  const name = given ?? existing?.name ?? sanitizeDisplayName(cert.subject.O ?? '') ?? office;
  await store.registerCertificate(office, name, { fingerprint: cert.fingerprint256, pem: cert.pem, notBefore: cert.notBefore, notAfter: cert.notAfter }, now);
  if (given !== undefined || opts.serviceTypes?.length) await store.upsertOffice({ office, name, serviceTypes: opts.serviceTypes ?? [], lastSeen: now.toISOString() });
  if (before === 'withdrawn') await store.setCertificateState(office, cert.fingerprint256, 'active');
  const result = before === undefined ? 'added' : before === 'withdrawn' ? 'restored' : 'present';
  await store.audit({ office, action: `certificate-enrolled`, messageId: null, detail: `${result} ${cert.fingerprint256} ${cert.notBefore.toISOString()}..${cert.notAfter.toISOString()} serial ${cert.serialNumber}` });
  return { office, name, fingerprint: cert.fingerprint256, notBefore: cert.notBefore.toISOString(), notAfter: cert.notAfter.toISOString(), result };
}

/** Withdraws one certificate of the office (by its PEM) or all of them; returns how many. */
export async function withdraw(store: RelayStore, office: string, pem?: string): Promise<number> {
  if (!OFFICE_PATTERN.test(office)) throw new EnrollmentError(`事業所番号（10桁）ではありません: ${office}`, `Not an office number (10 digits): ${office}`);
  let fingerprint: string | undefined;
  if (pem !== undefined) {
    const cert = officeCertificate(pem);
    if (cert.subject.CN !== office) throw new EnrollmentError(`証明書は別の事業所（${cert.subject.CN}）のものです`, `The certificate belongs to another office (${cert.subject.CN})`);
    fingerprint = cert.fingerprint256;
  }
  const n = await store.setCertificateState(office, fingerprint, 'withdrawn');
  if (n === 0) throw new EnrollmentError(`事業所 ${office} にその証明書は登録されていません`, `Office ${office} has no such certificate enrolled`);
  await store.audit({ office, action: 'certificate-withdrawn', messageId: null, detail: fingerprint ?? 'all certificates' });
  return n;
}

/** Every office with its certificates (for `relay offices`), in office-number order. */
export function allOffices(store: RelayStore): Promise<OfficeRecord[]> {
  return store.findOffices({ limit: 1_000_000 });
}

export interface CsvOffice {
  /** 1-based record number in the file (for messages). */
  row: number;
  certificate: string;
  name?: string;
  serviceTypes: string[];
}

const HEADER_WORDS = new Set(['certificate', 'cert', '証明書', '証明書ファイル']);

/**
 * Decodes an office list: UTF-8 (with or without a BOM, as Excel's “CSV UTF-8” writes it) or MS932
 * (Excel's plain “CSV”, Shift_JIS with Microsoft's extensions). Bytes that are valid UTF-8 are read as
 * UTF-8; anything else as MS932.
 */
export function decodeOfficeList(bytes: Buffer): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('shift_jis').decode(bytes);
  }
}

/**
 * Reads `certificate path, name, service types` records (name and types optional; types separated
 * by spaces or commas inside quotes). A first row whose first cell is a header word is skipped.
 */
export function readOfficeList(bytes: Buffer): CsvOffice[] {
  const out: CsvOffice[] = [];
  const problems: string[] = [];
  const reader = new CsvReader(
    (r) => {
      const [certificate = '', name = '', types = ''] = r.fields.map((f) => f.trim());
      if (r.row === 1 && HEADER_WORDS.has(certificate.toLowerCase())) return;
      if (!certificate) return problems.push(`${r.row}`);
      out.push({ row: r.row, certificate, ...(name ? { name } : {}), serviceTypes: serviceTypes(types) });
    },
    (issue) => {
      if (issue.kind !== 'blankLine') problems.push(`${issue.row ?? '?'}`);
    },
  );
  reader.push(decodeOfficeList(bytes));
  reader.end();
  if (problems.length) throw new EnrollmentError(`CSV の ${problems.join('、')} 行目を読めません（証明書ファイル,事業所名,サービス種類）`, `cannot read CSV record(s) ${problems.join(', ')} (certificate file,name,service types)`);
  return out;
}
