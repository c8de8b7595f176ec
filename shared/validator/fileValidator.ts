// Validates one file as a stream of byte chunks: name → encoding → CSV framing → fields → file rules.
// Memory stays flat in the file size; only per-user facts for the send-unit checks are kept.
import type { Finding, FileReport, FileStats } from '../report/types.js';
import { editionFor, newestEdition, type Edition, type LayoutSpec, type SpecCatalog } from '../spec/model.js';
import type { ServiceCodeMaster } from '../spec/serviceCodes.js';
import { isValidMonth } from './calendar.js';
import { CsvReader, MAX_FIELD_CHARS, type CsvIssue, type CsvRecord } from './csv.js';
import { compileColumns, displayValue, type ColumnCheck } from './fields.js';
import { FindingSink, makeFinding, sortFindings } from './findings.js';
import { parseFileName, type ParsedName } from './fileName.js';
import { isPseudoCode, KEY_SEP } from './keys.js';
import { emptyList } from './lists.js';
import { factPlan, prepareCatalog, readsOf } from './layoutPlans.js';
import { RuleChecker } from './rules.js';
import { Utf8Sniffer } from './utf8.js';

export { isPseudoCode, KEY_SEP, showUserKey } from './keys.js';

/** Turns MS932 bytes into text, chunk by chunk; injected so shared/ stays free of Node. */
export interface StreamDecoder {
  write(bytes: Uint8Array): string;
  end(): string;
}
export type DecoderFactory = () => StreamDecoder;

export interface ValidateOptions {
  catalog: SpecCatalog;
  decoder: DecoderFactory;
  redact?: boolean;
  /** A service-code master (check --service-codes): turns on the rules of serviceCodeRules.ts. */
  serviceCodes?: ServiceCodeMaster;
}

/** What the send-unit checks need to know about a file, beyond its report. */
export interface FileFacts {
  /** Key columns joined by '|' (e.g. "2|3|5") → user keys seen, joined by '-'. */
  keys: Map<string, Set<string>>;
  /** UPPLAN: user|office|serviceCode; UPSIKYU: user|office|serviceCode of detail rows. */
  serviceLines: Set<string> | null;
  /** Column number → the file names written in it, for unit members that are named by this file (UPKIHON No.62). */
  namedFiles: Map<number, Set<string>>;
}

export interface FileResult {
  report: FileReport;
  facts: FileFacts;
}

// eslint-disable-next-line no-control-regex -- detecting control characters is the point
const SUSPICIOUS = /[\uFFFD\uE000-\uF8FF\x00-\x08\x0B\x0C\x0E-\x1F\x7F\x80]/;

/**
 * Shared empty starting values, so a file allocates only what its layout uses: each is replaced before
 * anything is written into it (serviceParts and namedSlots when the layout has service lines or named
 * columns, firstBytes for an image), and checks/serviceAt are only read. The lists are of the general
 * array kind (lists.ts), as the filled ones are.
 */
const NO_CHECKS = emptyList<ColumnCheck>();
const NO_PARTS = emptyList<string | null>();
const NO_COLUMNS: number[] = [];
const NO_NAMED_SLOTS = emptyList<{ at: number; names: Set<string> }>();
const NO_BYTES: number[] = [];
/**
 * The named-files map of every file whose layout names no files (all but UPKIHON): a file's facts live
 * until the unit checks at the end of a folder, so an empty Map each was thousands of retained maps.
 * Shared: only read (units.ts get()s from it), never written into.
 */
const NO_NAMED_FILES = new Map<number, Set<string>>();

/** The held head before any write (shared: it is only read, never written into). */
const NOTHING_YET = new Uint8Array(0);

export class FileValidator {
  private readonly sink = new FindingSink();
  private readonly parsed: ParsedName;
  private readonly edition: Edition;
  private layout: LayoutSpec | null;
  private checks: ColumnCheck[] = NO_CHECKS;
  private rules: RuleChecker | null = null;
  private readonly reader: CsvReader | null;
  private readonly decoder: ReturnType<DecoderFactory> | null;
  private readonly sniffer = new Utf8Sniffer();
  private readonly facts: FileFacts = { keys: new Map(), serviceLines: null, namedFiles: NO_NAMED_FILES };
  /** Key columns (field indexes) with their set, the last key and the fields it was made of. */
  private readonly keySlots: { at: number[]; set: Set<string>; last: string; parts: (string | null)[] }[] = [];
  private lastServiceLine = '';
  /** Fields of the last service line: user (2), office, code. */
  private serviceParts: (string | null)[] = NO_PARTS;
  private serviceAt: number[] = NO_COLUMNS;
  /** The layout's column count, and the field index of its month column when the file's name has a month (else -1): read per record, kept here so the per-record code reads no layout object (layouts differ in shape). */
  private columnCount = 0;
  private monthAt = -1;
  /** Columns naming other files of the unit (field index) with the names seen. */
  private namedSlots: { at: number; names: Set<string> }[] = NO_NAMED_SLOTS;
  private bytes = 0;
  private head: Uint8Array | null = NOTHING_YET;
  private firstBytes: number[] = NO_BYTES;
  private csvVersion: string | null = null;
  private versionKnown = true;
  /** Serial of the last decoded chunk holding a suspicious character (0: none yet). */
  private lastSuspiciousChunk = 0;
  private readonly redact: boolean;
  /** The layout the facts were planned for, and its user key's id (from the plan, not joined per file). */
  private planned: LayoutSpec | null = null;
  private userKeyId = '';

  constructor(
    private readonly path: string,
    private readonly name: string,
    private readonly options: ValidateOptions,
  ) {
    this.redact = options.redact === true;
    prepareCatalog(options.catalog, this.redact);
    this.edition = newestEdition(options.catalog);
    this.parsed = parseFileName(name, options.catalog);
    const nameFindings = this.parsed.findings;
    for (let i = 0; i < nameFindings.length; i++) this.sink.add(nameFindings[i]!);
    const prefix = this.parsed.prefix;
    this.layout = prefix && !this.parsed.isImage ? (this.edition.layouts.get(prefix) ?? null) : null;
    if (this.layout) {
      this.compile(this.layout);
      this.reader = new CsvReader(
        (r) => this.onRecord(r),
        (i) => this.onIssue(i),
      );
      this.decoder = options.decoder();
      const plan = factPlan(this.layout, this.edition.manifest);
      this.planned = this.layout;
      this.userKeyId = plan.userKeyId;
      for (const k of plan.keySets) {
        const set = new Set<string>();
        this.facts.keys.set(k.id, set);
        // `at` is the plan's, shared by every file (only read); `parts` is this file's.
        this.keySlots.push({ at: k.at, set, last: '', parts: nulls(k.at.length) });
      }
      if (plan.serviceLines) {
        this.facts.serviceLines = new Set();
        this.serviceParts = [null, null, null, null];
      }
      if (plan.namedColumns.length > 0) {
        this.namedSlots = [];
        this.facts.namedFiles = new Map();
      }
      for (const column of plan.namedColumns) {
        const names = new Set<string>();
        this.facts.namedFiles.set(column, names);
        this.namedSlots.push({ at: column - 1, names });
      }
    } else {
      this.reader = null;
      this.decoder = null;
    }
  }

  private compile(layout: LayoutSpec): void {
    const manifest = this.edition.manifest;
    const reads = readsOf(layout);
    this.serviceAt = reads.serviceAt;
    this.columnCount = reads.columnCount;
    this.monthAt = this.parsed.meta?.serviceMonth ? reads.monthIndex : -1;
    this.checks = compileColumns(layout, { manifest, redact: this.redact });
    // Spelled out, not spread from the line above: V8's object spread cost about 3 µs a file here.
    this.rules = new RuleChecker({ manifest, redact: this.redact, sink: this.sink, layout, meta: this.parsed.meta, serviceCodes: this.options.serviceCodes });
  }

  write(chunk: Uint8Array): void {
    let bytes = chunk;
    if (this.head !== null) {
      // Until three bytes have come, hold them: a BOM may arrive split across writes.
      const held = this.head;
      // Nothing held (a whole small file in one write): the chunk itself, not a copy of it.
      const joined = held.length === 0 ? chunk : new Uint8Array(held.length + chunk.length);
      if (joined !== chunk) {
        joined.set(held);
        joined.set(chunk, held.length);
      }
      if (joined.length < 3) {
        this.head = joined === chunk ? new Uint8Array(chunk) : joined; // a copy: the caller may reuse its buffer
        return;
      }
      this.head = null;
      bytes = joined;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
        this.sink.emit('E_ENCODING_UTF8_BOM', { line: 1 });
        bytes = bytes.subarray(3);
        this.bytes += 3;
      }
    }
    // Only an image's first bytes are looked at (JPEG's FF D8 FF).
    if (this.parsed.isImage && this.firstBytes.length < 3) {
      if (this.firstBytes === NO_BYTES) this.firstBytes = [];
      for (let i = 0; i < bytes.length && this.firstBytes.length < 3; i++) this.firstBytes.push(bytes[i]!);
    }
    this.bytes += bytes.length;
    this.sniffer.push(bytes);
    if (!this.reader || !this.decoder) return;
    this.pushText(this.decoder.write(bytes));
  }

  private pushText(text: string): void {
    if (text === '') return;
    if (SUSPICIOUS.test(text)) this.lastSuspiciousChunk = this.reader!.chunks + 1;
    this.reader!.push(text);
  }

  end(): FileResult {
    if (this.head !== null && this.head.length > 0) {
      const rest = this.head;
      this.head = null;
      this.write(rest);
    }
    this.head = null;
    if (this.reader && this.decoder) {
      this.pushText(this.decoder.end());
      this.reader.end();
      this.finishContent();
    } else if (this.parsed.isImage) {
      const [a, b, c] = this.firstBytes;
      if (!(a === 0xff && b === 0xd8 && c === 0xff)) this.sink.emit('E_IMAGE_NOT_JPEG', {});
    }
    if (this.sink.omitted > 0) this.sink.warnings.push(this.omittedFinding());
    const stats: FileStats = {
      bytes: this.bytes,
      records: this.reader?.recordsRead ?? 0,
      lines: this.reader?.physicalLines ?? 0,
      users: this.layout ? (this.facts.keys.get(this.layout === this.planned ? this.userKeyId : this.layout.userKey.join('|'))?.size ?? 0) : 0,
      csvVersion: this.csvVersion,
    };
    const report: FileReport = {
      path: this.path,
      name: this.name,
      fileType: this.parsed.prefix,
      meta: this.parsed.meta,
      valid: this.sink.errorCount === 0,
      errors: sortFindings(this.sink.errors),
      warnings: sortFindings(this.sink.warnings),
      stats,
      omitted: this.sink.omitted,
      counts: { errors: this.sink.errorCount, warnings: this.sink.warningCount, byCode: this.sink.byCode.size === 0 ? {} : Object.fromEntries(this.sink.byCode) },
    };
    return { report, facts: this.facts };
  }

  private omittedFinding(): Finding {
    const shown = this.sink.errors.length + this.sink.warnings.length;
    return makeFinding('W_FILE_TOO_MANY_FINDINGS', {}, { shown, value: this.sink.omitted });
  }

  private finishContent(): void {
    const reader = this.reader!;
    if (this.sniffer.looksLikeUtf8()) this.sink.emit('E_ENCODING_LOOKS_UTF8', {});
    if (reader.recordsRead === 0 && !reader.unterminated) this.sink.emit('E_FILE_EMPTY', {});
    const e = reader.endings;
    if (e.lf + e.cr > 0) {
      const kinds = [e.lf ? `LF ${e.lf}` : '', e.cr ? `CR ${e.cr}` : ''].filter(Boolean).join('・');
      this.sink.emit('W_CSV_LINE_ENDING', { line: e.firstOddLine }, { value: kinds, count: e.lf + e.cr });
    }
    this.rules!.finish();
  }

  private onIssue(issue: CsvIssue): void {
    const place = { row: issue.row, line: issue.line, column: issue.column, field: this.columnName(issue.column) };
    switch (issue.kind) {
      case 'unterminatedQuote':
        this.sink.emit('E_CSV_UNTERMINATED_QUOTE', place, { line: issue.line });
        break;
      case 'strayQuote':
        this.sink.emit('E_CSV_STRAY_QUOTE', place);
        break;
      case 'textAfterQuote':
        this.sink.emit('E_CSV_TEXT_AFTER_QUOTE', place);
        break;
      case 'blankLine':
        // The spec says nothing about blank lines (audit F28, G-7): a warning, not an error.
        this.sink.emit('W_CSV_BLANK_LINE', place);
        break;
      case 'fieldTooLarge':
        this.sink.emit('E_CSV_FIELD_TOO_LARGE', place, { value: MAX_FIELD_CHARS });
        break;
    }
  }

  private columnName(no: number | null): string | null {
    if (no === null || !this.layout) return null;
    return this.layout.columns[no - 1]?.name ?? null;
  }

  private onRecord(record: CsvRecord): void {
    const { fields, quoted, row, line } = record;
    // Only records that touch a chunk with a suspicious character are scanned character by character.
    if (this.lastSuspiciousChunk >= this.reader!.recordStartedInChunk) this.scanCharacters(record);
    if (row === 1) this.chooseEdition(fields[0] ?? '', line);
    if (fields.length !== this.columnCount) {
      const layout = this.layout!;
      this.sink.emit('E_CSV_FIELD_COUNT', { row, line }, { actual: fields.length, expected: layout.columnCount, kind: layout.title });
      return;
    }
    const version = fields[0]!;
    if (row > 1 && version !== this.csvVersion) {
      this.sink.emit('E_FILE_MIXED_CSV_VERSION', { row, line, column: 1, field: this.layout!.columns[0]!.name }, { value: version, first: this.csvVersion ?? '' });
    }
    const checks = this.checks;
    const sink = this.sink;
    for (let i = 0; i < checks.length; i++) checks[i]!(sink, fields[i]!, quoted[i]!, row, line);
    if (this.monthAt >= 0) this.checkMonth(fields, row, line);
    this.rules!.record(fields, row, line);
    this.collectFacts(fields);
  }

  private scanCharacters(record: CsvRecord): void {
    record.fields.forEach((value, i) => {
      if (!SUSPICIOUS.test(value)) return;
      const place = { row: record.row, line: record.line, column: i + 1, field: this.columnName(i + 1) };
      for (const ch of value) {
        const cp = ch.codePointAt(0)!;
        if (cp === 0xfffd || cp === 0x80) {
          this.sink.emit('E_ENCODING_INVALID_BYTES', place);
          return;
        }
        if (cp >= 0xe000 && cp <= 0xf8ff) {
          this.sink.emit('E_ENCODING_GAIJI', place, { value: `U+${cp.toString(16).toUpperCase()}` });
          return;
        }
        if (cp < 0x20 || cp === 0x7f) {
          if (cp === 0x0d || cp === 0x0a || cp === 0x09) continue;
          this.sink.emit('E_FIELD_CONTROL_CHARACTER', place, { value: `0x${cp.toString(16).padStart(2, '0').toUpperCase()}` });
          return;
        }
      }
    });
  }

  private chooseEdition(version: string, line: number): void {
    this.csvVersion = version;
    const reads = readsOf(this.layout!);
    const place = { row: 1, line, column: 1, field: reads.firstColumnName };
    const edition = editionFor(this.options.catalog, version);
    if (edition) {
      const layout = edition.layouts.get(reads.prefix);
      if (layout && layout !== this.layout) {
        this.layout = layout;
        this.compile(layout);
      }
      const month = this.parsed.meta?.serviceMonth;
      if (month && isValidMonth(month) && month < edition.manifest.appliesFromServiceMonth) {
        this.sink.emit('W_FILE_VERSION_BEFORE_APPLICATION', place, { value: version, from: edition.manifest.appliesFromServiceMonth, month });
      }
      return;
    }
    this.versionKnown = false;
    const manifest = this.edition.manifest;
    const historic = manifest.csvVersionHistory.find((h) => h.value === version);
    if (historic) {
      this.sink.emit('E_FILE_CSV_VERSION_UNSUPPORTED', place, {
        value: version,
        edition: historic.edition,
        from: manifest.appliesFromServiceMonth,
        current: manifest.csvVersion,
      });
    } else {
      this.sink.emit('E_FILE_CSV_VERSION_UNKNOWN', place, { value: displayValue(this.layout!.columns[0]!, version, false), current: manifest.csvVersion });
    }
  }

  /** The month column against the name's month (monthAt >= 0: the layout has one and so has the name). */
  private checkMonth(fields: string[], row: number, line: number): void {
    const month = this.parsed.meta!.serviceMonth!;
    const value = fields[this.monthAt]!;
    if (value !== '' && value !== month) {
      const col = this.layout!.columns[this.monthAt]!;
      this.sink.emit('E_FILE_MONTH_MISMATCH', { row, line, column: col.no, field: col.name }, { value, month });
    }
  }

  private collectFacts(fields: string[]): void {
    if (!this.versionKnown) return;
    // A key is joined only when its fields differ from the last record's (one user's records follow
    // each other): equal fields make the equal key, which the last record already handled.
    const slots = this.keySlots;
    for (let s = 0; s < slots.length; s++) {
      const slot = slots[s]!;
      const at = slot.at;
      if (!partsChanged(fields, at, slot.parts)) continue;
      let key = fields[at[0]!]!;
      for (let i = 1; i < at.length; i++) key += KEY_SEP + fields[at[i]!]!;
      if (key !== slot.last) {
        slot.set.add(key);
        slot.last = key;
      }
    }
    const at = this.serviceAt;
    if (this.facts.serviceLines && at.length > 0) {
      if (partsChanged(fields, at, this.serviceParts)) {
        const code = fields[at[3]!]!;
        const line = fields[1] + KEY_SEP + fields[2] + '|' + fields[at[2]!]! + '|' + code;
        if (line !== this.lastServiceLine && !isPseudoCode(code)) this.facts.serviceLines.add(line);
        this.lastServiceLine = line;
      }
    }
    const named = this.namedSlots;
    for (let k = 0; k < named.length; k++) {
      const name = fields[named[k]!.at]!;
      if (name !== '') named[k]!.names.add(name);
    }
  }
}

/** n nulls in a packed array (new Array(n).fill would make a holey one, a second kind of array for partsChanged). */
function nulls(n: number): (string | null)[] {
  const a: (string | null)[] = [];
  for (let i = 0; i < n; i++) a.push(null);
  return a;
}

/** Whether fields[at[i]] differ from `parts` (the last record's values); `parts` takes the new ones. */
function partsChanged(fields: string[], at: number[], parts: (string | null)[]): boolean {
  let changed = false;
  for (let i = 0; i < at.length; i++) {
    const v = fields[at[i]!]!;
    if (v !== parts[i]) {
      parts[i] = v;
      changed = true;
    }
  }
  return changed;
}
