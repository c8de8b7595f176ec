// What the receiver checks about an arrived unit once its signature holds: the signature says which
// office sent the envelope, but the files inside speak for themselves — their names and some of their
// columns name a sender and a receiver too. A legitimate office C must not be able to deliver files
// that say they come from office A, nor files meant for another office. And a file name is about to
// become a path on this machine, so only standard-spec file names are let through.
import { certInfo } from '../../pki/certs.js';
import { isRevoked, type Crl } from '../../pki/crl.js';
import type { DirectoryEntry } from '../../shared/protocol/index.js';
import { newestEdition, type SpecCatalog } from '../../shared/spec/model.js';
import { CsvReader } from '../../shared/validator/csv.js';
import { parseFileName } from '../../shared/validator/index.js';
import { decodeMs932 } from '../check/ms932.js';
import type { BundleFile } from './bundle.js';

/** A reason to quarantine a unit, in Japanese and English, with the files worth keeping beside it. */
export class Quarantine extends Error {
  constructor(
    readonly ja: string,
    readonly en: string,
    readonly files: BundleFile[] = [],
    readonly report: string | null = null,
  ) {
    super(`${ja} / ${en}`);
  }
}

/**
 * 名簿が送信元の証明書として認めるもの（relay/API.md「Receiver's rule」）: `certificates` のうち今有効で、
 * その事業所の番号を持ち、手元の失効リストにないもの。issue 11 より前の連携サービスは `certificate` だけ。
 * The SHA-256 fingerprints of the certificates the directory vouches for as the office's: every
 * entry of `certificates` valid now that names the office and is on none of our CRLs — during a
 * renewal overlap the older certificate too, since a unit signed just before the sender renewed is
 * still the sender's. A relay before issue 11 sends no list: then `certificate`, as before. The
 * fingerprints are computed from the PEM here, not taken from the relay's `fingerprint` field, and
 * an entry that cannot be read vouches for nothing. An empty set: no certificate is valid now.
 */
export function directorySigners(entry: DirectoryEntry, now: Date, crls: readonly Crl[]): Set<string> {
  const read = (pem: string) => {
    try {
      return certInfo(pem);
    } catch {
      return null;
    }
  };
  if (!entry.certificates) {
    const cert = entry.certificate ? read(entry.certificate) : null;
    return new Set(cert ? [cert.fingerprint256] : []);
  }
  const vouched = new Set<string>();
  for (const listed of entry.certificates) {
    const cert = read(listed.pem);
    if (!cert || cert.subject.CN !== entry.office || now < cert.notBefore || now > cert.notAfter || isRevoked(cert, crls)) continue;
    vouched.add(cert.fingerprint256);
  }
  return vouched;
}

/**
 * A name this client may create on disk: one the spec's file-name rules accept without an error.
 * Such a name is only [A-Z0-9_], a dot and CSV/jpg — no path separator, no `.` or `..`, nothing
 * Windows reads as a device (CON, NUL) or trims (a trailing dot or space).
 */
export function isSpecFileName(name: string, catalog: SpecCatalog): boolean {
  const parsed = parseFileName(name, catalog);
  return parsed.meta !== null && !parsed.findings.some((f) => f.severity === 'error');
}

/** Shows a name the sender chose inside a reason without letting it shape the text. */
function shown(name: string): string {
  return JSON.stringify(name.length > 120 ? `${name.slice(0, 120)}…` : name);
}

/** Every file of the unit has a spec file name, and no two names collide (Windows ignores case). */
export function checkFileNames(files: BundleFile[], catalog: SpecCatalog): void {
  const bad = files.filter((f) => !isSpecFileName(f.name, catalog)).map((f) => shown(f.name));
  const keep = files.filter((f) => isSpecFileName(f.name, catalog));
  if (bad.length > 0) {
    throw new Quarantine(
      `標準仕様のファイル名ではないファイルが含まれています（保存しません）: ${bad.slice(0, 5).join(', ')}`,
      `The unit holds files whose names are not standard-spec file names (not saved): ${bad.slice(0, 5).join(', ')}`,
      keep,
    );
  }
  const seen = new Set<string>();
  for (const f of files) {
    const key = f.name.toUpperCase();
    if (seen.has(key)) {
      throw new Quarantine(`同じ名前のファイルが2つ含まれています: ${f.name}`, `The unit holds two files of the same name: ${f.name}`, []);
    }
    seen.add(key);
  }
}

export interface Parties {
  /** The office that signed the envelope; the receiver has already checked it is the relay's `from`. */
  signer: string;
  /** This office: every file must be addressed to it. */
  me: string;
}

/** Each file name's sender is the signing office and its receiver is this office. */
export function checkNameOffices(files: BundleFile[], catalog: SpecCatalog, p: Parties): void {
  for (const f of files) {
    const meta = parseFileName(f.name, catalog).meta;
    if (!meta) continue; // checkFileNames has refused such a unit already
    if (meta.sender.office !== p.signer) {
      throw new Quarantine(
        `ファイル ${f.name} は名前で事業所 ${meta.sender.office} からのものとしていますが、署名した事業所は ${p.signer} です（ほかの事業所になりすましたファイルは取り込みません）`,
        `File ${f.name} claims in its name to come from office ${meta.sender.office}, but office ${p.signer} signed it (files posing as another office are not imported)`,
        files,
      );
    }
    if (meta.receiver.office !== p.me) {
      throw new Quarantine(
        `ファイル ${f.name} の送信先は事業所 ${meta.receiver.office} で、この事業所（${p.me}）あてではありません`,
        `File ${f.name} is addressed to office ${meta.receiver.office}, not to this office (${p.me})`,
        files,
      );
    }
  }
}

/**
 * The columns whose value is the office that sends the file, by file kind (specs/202407, S1 item
 * notes). The layouts do not mark them, so they are listed here; each must be an officeNo column of
 * the layout (arrivalChecks.test.ts keeps this list honest against the spec data). Columns that name
 * the other side (UPPLAN No.20, the planned provider; UPJSK No.6, the care manager) are not here.
 *  UPPLAN   No.6 プラン担当業者コード (居宅介護支援事業者番号), No.24 更新業者コード
 *  UPSIKYU  No.36 更新業者コード (居宅介護支援事業者番号); No.7 is the provider's, No.34/35 are fixed or unclear
 *  UPJSK    No.20 サービス事業者コード (the provider reporting its actuals), No.24 更新業者コード
 *  DLTJSK   No.5 サービス事業者コード (the provider whose actuals are deleted)
 *  UP1KYO   No.13 介護支援事業者コード, No.27 更新業者コード
 *  UP2KYO   No.21 更新業者コード; No.17 is the provider's
 *  UPHOSOKU No.60 同意書受付業者, No.61 更新業者コード (both 居宅支援事業者番号)
 * An empty value claims nothing and is let through (most of these columns are optional), and so is
 * ALL9 (9999999999), the spec's placeholder on total rows: it names no office that could be posed as.
 */
export const SENDER_COLUMNS: Readonly<Record<string, readonly number[]>> = {
  UPPLAN: [6, 24],
  UPSIKYU: [36],
  UPJSK: [20, 24],
  DLTJSK: [5],
  UP1KYO: [13, 27],
  UP2KYO: [21],
  UPHOSOKU: [60, 61],
};

/** The spec's "all offices" placeholder (第7表 totals, UPSIKYU No.7/No.34). */
const ALL9 = '9999999999';

interface Claim {
  row: number;
  column: number;
  field: string;
  office: string;
}

/** The first record value in a sender column that is not the signer (null: none). */
function foreignClaim(f: BundleFile, kind: string, catalog: SpecCatalog, signer: string): Claim | null {
  const layout = newestEdition(catalog).layouts.get(kind);
  const columns = (SENDER_COLUMNS[kind] ?? []).filter((no) => layout?.columns[no - 1]?.type === 'officeNo');
  if (!layout || columns.length === 0) return null;
  let found: Claim | null = null;
  const reader = new CsvReader(
    (r) => {
      if (found) return;
      for (const no of columns) {
        const value = r.fields[no - 1] ?? '';
        if (value !== '' && value !== ALL9 && value !== signer) {
          found = { row: r.row, column: no, field: layout.columns[no - 1]!.name, office: value };
          return;
        }
      }
    },
    () => {},
  );
  const decoder = decodeMs932();
  reader.push(decoder.write(f.data));
  reader.push(decoder.end());
  reader.end();
  return found;
}

/** Each record's sender columns name the signing office (run on files the validator accepted). */
export function checkContentOffices(files: BundleFile[], catalog: SpecCatalog, p: Parties): void {
  for (const f of files) {
    const parsed = parseFileName(f.name, catalog);
    if (!parsed.meta || parsed.isImage) continue;
    const claim = foreignClaim(f, parsed.meta.kind, catalog, p.signer);
    if (claim) {
      throw new Quarantine(
        `ファイル ${f.name} の ${claim.row} 行目の「${claim.field}」（項目 ${claim.column}）は事業所 ${claim.office} ですが、署名した事業所は ${p.signer} です（ほかの事業所になりすましたファイルは取り込みません）`,
        `File ${f.name}, record ${claim.row}, "${claim.field}" (item ${claim.column}) names office ${claim.office}, but office ${p.signer} signed it (files posing as another office are not imported)`,
        files,
      );
    }
  }
}
