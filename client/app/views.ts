// Turns what the core keeps (check reports, spool records, CSV bytes) into what the app's screens show.
// Pure functions over plain data, so they are easy to test and the back end stays about I/O.
import type { Arrival, CertificateSummary, CheckedFile, DocumentView, FormRecord, Text, UnitView, ValidationView } from '../../shared/api/types.js';
import type { CheckReport } from '../../shared/report/types.js';
import { newestEdition, type SpecCatalog } from '../../shared/spec/model.js';
import { ticketGrids, ticketLines } from '../../shared/ticket/ticket.js';
import { readRecords } from '../../shared/ticket/records.js';
import { reportHasErrors } from '../../shared/validator/index.js';
import { daysLeft, type CertInfo } from '../../pki/certs.js';
import { IdentityError } from '../../pki/errors.js';
import { checkUsable, EXPIRY_WARNING_DAYS } from '../../pki/pkcs12.js';
import { decodeMs932 } from '../check/ms932.js';
import type { InboxRecord } from '../transport/receiver.js';

export type NameOf = (office: string) => string | null;

export function validationView(report: CheckReport, batchId: string | null, nameOf: NameOf, self: string): ValidationView {
  const files: CheckedFile[] = report.files.map((f) => ({ name: f.name, fileType: f.fileType, valid: f.valid, errors: f.errors, warnings: f.warnings, records: f.stats.records }));
  const units: UnitView[] = report.units.map((u) => {
    const partner = u.sender.office === self ? u.receiver : u.sender;
    return {
      key: u.key,
      partner: { office: partner.office, serviceType: partner.serviceType ?? '', name: nameOf(partner.office) },
      month: u.serviceMonth,
      sequence: u.sequence,
      kinds: [...new Set(u.files.map((n) => report.files.find((f) => f.name === n)?.fileType ?? '?'))],
      files: u.files,
      valid: u.valid,
      errors: u.errors,
      warnings: u.warnings,
    };
  });
  // A file whose name cannot be read belongs to no unit: it can never be sent as it is.
  const sendable = units.length > 0 && !reportHasErrors(report) && files.every((f) => f.fileType !== null);
  return { batchId, files, units, ignored: report.summary.ignored, sendable, report };
}

/** A certificate as the setup and settings screens show it: dates, days left, and what makes it unusable. */
export function summarizeCertificate(cert: CertInfo, officeNumber: string): CertificateSummary {
  let problem: Text | null = null;
  try {
    checkUsable(cert);
  } catch (e) {
    if (!(e instanceof IdentityError)) throw e;
    problem = { ja: e.messageJa, en: e.messageEn };
  }
  const left = daysLeft(cert);
  return {
    officeNumber,
    subject: cert.subjectText,
    issuer: cert.issuerText,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    daysLeft: left,
    expiringSoon: left <= EXPIRY_WARNING_DAYS,
    usable: problem === null,
    problem,
    fingerprint: cert.fingerprint256,
  };
}

export function arrivalOf(r: InboxRecord, nameOf: NameOf): Arrival {
  return {
    messageId: r.messageId,
    sender: { ...r.sender, name: nameOf(r.sender.office) },
    kinds: r.kinds,
    month: r.month,
    sequence: r.sequence,
    files: r.importedFiles.length ? r.importedFiles : r.files,
    state: r.state,
    // Imported means decrypted, signature verified against the trust anchors and the directory, and valid.
    verified: r.state === 'imported',
    signer: r.signer,
    signingTime: r.signingTime,
    reason: r.reason,
    receivedAt: r.downloadedAt,
  };
}

/** A standard-spec file as people read it: 第6表 as the paper grid, everything else as a form. */
export function documentView(file: string, fileType: string, bytes: Uint8Array, catalog: SpecCatalog): DocumentView {
  const layout = newestEdition(catalog).layouts.get(fileType);
  const title = layout?.title ?? fileType;
  const records = readRecords(bytes, decodeMs932);
  if (fileType === 'UPPLAN' || fileType === 'UPJSK') {
    return { kind: 'grid', file, fileType, title, grids: ticketGrids(ticketLines(records)) };
  }
  const columns = layout?.columns ?? [];
  const forms: FormRecord[] = records.map((r, i) => ({
    title: `${i + 1}件目`,
    fields: r.map((value, j) => ({ no: j + 1, name: columns[j]?.name ?? `項目${j + 1}`, value })),
  }));
  return { kind: 'form', file, fileType, title, records: forms };
}

/** The check report of no files at all: what the send screen shows for an export folder with nothing to send. */
export function emptyReport(catalog: SpecCatalog): ValidationView['report'] {
  const m = newestEdition(catalog).manifest;
  return {
    files: [],
    units: [],
    summary: { files: 0, validFiles: 0, invalidFiles: 0, units: 0, validUnits: 0, invalidUnits: 0, errors: 0, warnings: 0, byCode: {}, ignored: [], specEdition: m.specEdition, csvVersion: m.csvVersion, validator: 'careplan-link' },
  };
}
