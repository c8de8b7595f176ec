// A streaming CSV reader for the standard spec's framing: comma delimiter, "…" with "" escapes,
// line breaks kept inside quoted text. It works on decoded text in chunks of any size and keeps
// exact positions: the record number (row) and the physical line each record starts on, which
// general-purpose parsers blur once quoted fields span lines.
// MS932 never uses the bytes of , " CR LF inside a double-byte character, so framing on the
// decoded text is the same as framing on the bytes.

export interface CsvRecord {
  /** 1-based record number; blank lines are not records. */
  row: number;
  /** 1-based physical line where the record starts. */
  line: number;
  fields: string[];
  quoted: boolean[];
}

export type CsvIssueKind = 'unterminatedQuote' | 'strayQuote' | 'textAfterQuote' | 'blankLine' | 'fieldTooLarge';

export interface CsvIssue {
  kind: CsvIssueKind;
  row: number | null;
  line: number;
  /** 1-based field position in the record. */
  column: number | null;
}

export interface LineEndingStats {
  crlf: number;
  lf: number;
  cr: number;
  firstOddLine: number | null;
}

const COMMA = 44;
const QUOTE = 34;
const CR = 13;
const LF = 10;

const enum Mode {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteSeen,
  CrSeen,
}

/** What plainRecord searches for, by index. */
const FIND_CHARS = ['"', '\r', '\n'] as const;
const AT_QUOTE = 0;
const AT_CR = 1;
const AT_LF = 2;

/** Line breaks in chunk[from, to) of quoted text that ends before the chunk does: CRLF, a lone CR and a lone LF count one each, as the state machine counts them. */
function quotedBreaks(chunk: string, from: number, to: number): number {
  let breaks = 0;
  for (let p = from; p < to; p++) {
    const c = chunk.charCodeAt(p);
    if (c === LF || (c === CR && chunk.charCodeAt(p + 1) !== LF)) breaks++;
  }
  return breaks;
}

/** Content beyond this size in one field is not kept (only a broken quote produces such fields). */
export const MAX_FIELD_CHARS = 1_000_000;

export class CsvReader {
  private mode: Mode = Mode.FieldStart;
  private field = '';
  private fields: string[] = [];
  private quoted: boolean[] = [];
  private fieldQuoted = false;
  private fieldTooLarge = false;
  private strayReported = false;
  private line = 1;
  private recordLine = 1;
  private row = 0;
  private quoteLine = 1;
  /** A CR inside quoted text ended the last chunk; the next chunk decides whether it was CRLF. */
  private pendingQuotedCr = false;
  private finished = false;
  private chunkSerial = 0;
  private sawText = false;
  private endsWithBreak = false;
  private recordStartChunk = 1;
  /** The next of each FIND_CHARS at or after the last search in the current chunk (-1: not searched yet; the chunk's length: none). */
  private readonly nextAt = [-1, -1, -1];
  /** The same for the comma, which pushRun keeps on its own. */
  private nextComma = -1;
  readonly endings: LineEndingStats = { crlf: 0, lf: 0, cr: 0, firstOddLine: null };
  /** Set when the reader hit an unclosed quote; nothing after it is a record. */
  unterminated = false;

  /**
   * @param fastRecords Read plain records (one line, in one chunk, quotes only around whole fields
   *   without "" or line breaks) by indexOf and slice instead of the state machine; off only in the test
   *   that holds the two to the same output.
   */
  constructor(
    private readonly onRecord: (record: CsvRecord) => void,
    private readonly onIssue: (issue: CsvIssue) => void,
    private readonly fastRecords = true,
  ) {}

  get recordsRead(): number {
    return this.row;
  }

  /** The current line number (one past the last line once a final line break has been read). */
  get linesRead(): number {
    return this.line;
  }

  /** How many physical lines the text had, counting a last line without a final line break. */
  get physicalLines(): number {
    if (!this.sawText) return 0;
    return this.endsWithBreak ? this.line - 1 : this.line;
  }

  /** How many chunks have been pushed so far. */
  get chunks(): number {
    return this.chunkSerial;
  }

  /** During onRecord: serial of the chunk the record started in (it ends in the current one). */
  get recordStartedInChunk(): number {
    return this.recordStartChunk;
  }

  push(chunk: string): void {
    this.chunkSerial++;
    const n = chunk.length;
    if (n > 0) {
      this.sawText = true;
      const last = chunk.charCodeAt(n - 1);
      this.endsWithBreak = last === CR || last === LF;
    }
    let i = 0;
    if (this.pendingQuotedCr && n > 0) {
      this.pendingQuotedCr = false;
      if (chunk.charCodeAt(0) !== LF) this.line++;
    }
    this.nextAt.fill(-1);
    this.nextComma = -1;
    while (i < n) {
      if (this.mode === Mode.FieldStart && this.fields.length === 0 && this.fastRecords) {
        const next = this.plainRecord(chunk, i);
        if (next !== -1) {
          i = next;
          continue;
        }
      }
      switch (this.mode) {
        case Mode.FieldStart: {
          const ch = chunk.charCodeAt(i);
          if (ch === QUOTE) {
            this.mode = Mode.Quoted;
            this.fieldQuoted = true;
            this.quoteLine = this.line;
            i++;
          } else if (ch === COMMA) {
            this.pushField();
            i++;
          } else if (ch === CR || ch === LF) {
            if (this.fields.length === 0) {
              this.onIssue({ kind: 'blankLine', row: null, line: this.line, column: null });
            } else {
              this.pushField();
              this.emitRecord();
            }
            i = this.consumeTerminator(chunk, i);
          } else {
            this.mode = Mode.Unquoted;
          }
          break;
        }
        case Mode.Unquoted: {
          let j = i;
          let ch = 0;
          for (; j < n; j++) {
            ch = chunk.charCodeAt(j);
            if (ch === COMMA || ch === CR || ch === LF || ch === QUOTE) break;
          }
          this.append(chunk, i, j);
          if (j === n) {
            i = n;
            break;
          }
          if (ch === QUOTE) {
            if (!this.strayReported) {
              this.strayReported = true;
              this.onIssue({ kind: 'strayQuote', row: this.row + 1, line: this.line, column: this.fields.length + 1 });
            }
            this.field += '"';
            i = j + 1;
          } else if (ch === COMMA) {
            this.pushField();
            this.mode = Mode.FieldStart;
            i = j + 1;
          } else {
            this.pushField();
            this.emitRecord();
            i = this.consumeTerminator(chunk, j);
          }
          break;
        }
        case Mode.Quoted: {
          // The quoted text up to its closing quote, "" pairs included, is taken as one slice and
          // its pairs halved once: a field of a million pairs is one string, not a million joined
          // one character at a time (whose garbage made 4 MB cost 17× 1 MB, not 4×).
          let q = chunk.indexOf('"', i);
          let pairs = 0;
          while (q !== -1 && q + 1 < n && chunk.charCodeAt(q + 1) === QUOTE) {
            pairs++;
            q = chunk.indexOf('"', q + 2);
          }
          const end = q === -1 ? n : q;
          this.countQuotedBreaks(chunk, i, end);
          this.append(chunk, i, end, pairs);
          if (q === -1) {
            i = n;
          } else {
            this.mode = Mode.QuoteSeen;
            i = q + 1;
          }
          break;
        }
        case Mode.QuoteSeen: {
          const ch = chunk.charCodeAt(i);
          if (ch === QUOTE) {
            this.field += '"';
            this.mode = Mode.Quoted;
            i++;
          } else if (ch === COMMA) {
            this.pushField();
            this.mode = Mode.FieldStart;
            i++;
          } else if (ch === CR || ch === LF) {
            this.pushField();
            this.emitRecord();
            i = this.consumeTerminator(chunk, i);
          } else {
            this.onIssue({ kind: 'textAfterQuote', row: this.row + 1, line: this.line, column: this.fields.length + 1 });
            this.mode = Mode.Unquoted;
            this.strayReported = true;
          }
          break;
        }
        case Mode.CrSeen: {
          if (chunk.charCodeAt(i) === LF) {
            this.endings.crlf++;
            i++;
          } else {
            this.oddEnding('cr');
          }
          this.newLine();
          break;
        }
      }
    }
  }

  end(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.pendingQuotedCr) {
      this.pendingQuotedCr = false;
      this.line++;
    }
    switch (this.mode) {
      case Mode.Quoted:
        this.unterminated = true;
        this.onIssue({ kind: 'unterminatedQuote', row: this.row + 1, line: this.quoteLine, column: this.fields.length + 1 });
        return;
      case Mode.QuoteSeen:
      case Mode.Unquoted:
        this.pushField();
        this.emitRecord();
        return;
      case Mode.FieldStart:
        if (this.fields.length > 0) {
          this.pushField();
          this.emitRecord();
        }
        return;
      case Mode.CrSeen:
        this.oddEnding('cr');
        this.newLine();
        return;
    }
  }

  /**
   * Reads the record starting at `start` (the state machine is at a record's start) if it is plain:
   * every field is unquoted without a quote, or wholly "quoted" without a "" pair (commas and line
   * breaks inside are text), no run of unquoted fields is larger than MAX_FIELD_CHARS, and the record
   * and the character after its last field lie in this chunk. Such a record is cut without looking at
   * each character: its line break and quotes are searched for once (indexOf), each run of unquoted
   * fields between quoted ones (all of them, in a record without a quote) is cut at its commas
   * (pushRun), and each quoted field is one slice. That gives what the state machine would (same
   * fields, flags, line and ending counts, no issue); four searches per field, as this was before,
   * cost a fifth more of the reader's time. Returns the index after the record's line break, or -1,
   * having changed nothing, for the state machine to read the record.
   */
  private plainRecord(chunk: string, start: number): number {
    const n = chunk.length;
    // The record's line break, unless a quoted field holds this one (then it moves on, below).
    let cr = this.find(chunk, AT_CR, start);
    let lf = this.find(chunk, AT_LF, start);
    let eol = cr < lf ? cr : lf;
    // No line break in this chunk (the record goes on in the next), or a blank line.
    if (eol === n || eol === start) return -1;
    let q = this.find(chunk, AT_QUOTE, start);
    if (q > eol) {
      // The usual record, with no quote at all: one run. A line longer than a field may be is left
      // to the state machine, which knows which field is too large.
      if (eol - start > MAX_FIELD_CHARS) return -1;
      const fields: string[] = [];
      const quoted: boolean[] = [];
      this.pushRun(chunk, start, eol, fields, quoted);
      return this.takePlain(chunk, fields, quoted, eol, 0);
    }
    const fields: string[] = [];
    const quoted: boolean[] = [];
    /** Line breaks inside quoted fields: added to the line count only once the record is taken. */
    let breaks = 0;
    let pos = start;
    for (;;) {
      if (q === pos) {
        const close = this.find(chunk, AT_QUOTE, pos + 1);
        const to = close + 1;
        // No closing quote in this chunk, or what follows it is in the next one (a "" pair ends below).
        if (to >= n || close - pos - 1 > MAX_FIELD_CHARS) return -1;
        if (eol < close) {
          // Line breaks inside the quotes are text: the record's own break comes after them.
          breaks += quotedBreaks(chunk, pos + 1, close);
          cr = this.find(chunk, AT_CR, to);
          lf = this.find(chunk, AT_LF, to);
          eol = cr < lf ? cr : lf;
        }
        fields.push(chunk.slice(pos + 1, close));
        quoted.push(true);
        if (to === eol) return this.takePlain(chunk, fields, quoted, eol, breaks);
        // Anything but a comma here is a "" pair or text after a closing quote.
        if (chunk.charCodeAt(to) !== COMMA) return -1;
        pos = to + 1;
        q = this.find(chunk, AT_QUOTE, pos);
        continue;
      }
      // A run of unquoted fields up to the next quoted field or the line's end.
      const runEnd = q < eol ? q - 1 : eol;
      // The record goes on in the next chunk, a stray quote (one that does not open a field), or a run too large.
      if (runEnd === n || (q < eol && chunk.charCodeAt(runEnd) !== COMMA) || runEnd - pos > MAX_FIELD_CHARS) return -1;
      this.pushRun(chunk, pos, runEnd, fields, quoted);
      if (runEnd === eol) return this.takePlain(chunk, fields, quoted, eol, breaks);
      pos = q;
    }
  }

  /**
   * Pushes the unquoted fields of chunk[from, to), a run without quotes or line breaks, cut at its
   * commas. The next comma is kept across runs and records like find's positions: a search from the
   * last field of a run goes past the run's end, and done anew for every record, it would go over the
   * rest of the chunk each time in a file with few commas (quadratic).
   */
  private pushRun(chunk: string, from: number, to: number, fields: string[], quoted: boolean[]): void {
    let comma = this.nextComma;
    for (;;) {
      if (comma < from) {
        comma = chunk.indexOf(',', from);
        if (comma === -1) comma = chunk.length;
      }
      const end = comma < to ? comma : to;
      fields.push(chunk.slice(from, end));
      quoted.push(false);
      if (end === to) break;
      from = end + 1;
    }
    this.nextComma = comma;
  }

  /** Emits the record plainRecord read, counts the line breaks inside its quotes, and consumes its line break at `eol`. */
  private takePlain(chunk: string, fields: string[], quoted: boolean[], eol: number, breaks: number): number {
    this.line += breaks;
    this.row++;
    this.onRecord({ row: this.row, line: this.recordLine, fields, quoted });
    return this.consumeTerminator(chunk, eol);
  }

  /**
   * The first of FIND_CHARS[k] at or after `from` in the chunk (its length if none). Kept per
   * character: the positions asked for only grow within a chunk (a record given up on is read by the
   * state machine to at least every position the attempt asked from), so each is searched once.
   */
  private find(chunk: string, k: number, from: number): number {
    let at = this.nextAt[k]!;
    if (at < from) {
      at = chunk.indexOf(FIND_CHARS[k]!, from);
      this.nextAt[k] = at = at === -1 ? chunk.length : at;
    }
    return at;
  }

  /** Appends chunk[from, to) to the field; quoted text holds `pairs` "" pairs, each standing for one quote. */
  private append(chunk: string, from: number, to: number, pairs = 0): void {
    if (to <= from || this.fieldTooLarge) return;
    // Measured before anything is copied: a field too large is dropped, not built.
    if (this.field.length + (to - from - pairs) > MAX_FIELD_CHARS) {
      this.fieldTooLarge = true;
      this.onIssue({ kind: 'fieldTooLarge', row: this.row + 1, line: this.recordLine, column: this.fields.length + 1 });
      return;
    }
    const text = pairs > 0 ? chunk.slice(from, to).replaceAll('""', '"') : chunk.slice(from, to);
    this.field = this.field === '' ? text : this.field + text;
  }

  /**
   * Counts the line breaks inside one quoted segment [from, to) of the chunk: a loop over the
   * segment's own characters, so the work is the text's length however many "" pairs split it.
   * (Searching from each segment to the end of the chunk was quadratic: a 2 MB field of "" pairs
   * stalled receive for minutes. A per-chunk cache of the next break positions fixed the count, but
   * once V8 had optimised it on other input, each of a million tiny segments of a 1 MB chunk cost
   * about 25 µs; the parse stage of the bench, bench/parse.ts, found it.)
   */
  private countQuotedBreaks(chunk: string, from: number, to: number): void {
    for (let p = from; p < to; p++) {
      const c = chunk.charCodeAt(p);
      if (c === LF) {
        this.line++;
      } else if (c === CR) {
        // CRLF is one line break, counted at its LF; a CR that ends the chunk waits for the next one.
        if (p + 1 < chunk.length) {
          if (chunk.charCodeAt(p + 1) !== LF) this.line++;
        } else {
          this.pendingQuotedCr = true;
        }
      }
    }
  }

  private pushField(): void {
    this.fields.push(this.field);
    this.quoted.push(this.fieldQuoted);
    this.field = '';
    this.fieldQuoted = false;
    this.fieldTooLarge = false;
    this.strayReported = false;
    this.mode = Mode.FieldStart;
  }

  private emitRecord(): void {
    this.row++;
    const record: CsvRecord = { row: this.row, line: this.recordLine, fields: this.fields, quoted: this.quoted };
    this.fields = [];
    this.quoted = [];
    this.onRecord(record);
  }

  /** Consumes the line break at i (CRLF, LF or CR) and returns the next index. */
  private consumeTerminator(chunk: string, i: number): number {
    const ch = chunk.charCodeAt(i);
    if (ch === LF) {
      this.oddEnding('lf');
      this.newLine();
      return i + 1;
    }
    if (i + 1 >= chunk.length) {
      this.mode = Mode.CrSeen;
      return i + 1;
    }
    if (chunk.charCodeAt(i + 1) === LF) {
      this.endings.crlf++;
      this.newLine();
      return i + 2;
    }
    this.oddEnding('cr');
    this.newLine();
    return i + 1;
  }

  private oddEnding(kind: 'lf' | 'cr'): void {
    this.endings[kind]++;
    if (this.endings.firstOddLine === null) this.endings.firstOddLine = this.line;
  }

  private newLine(): void {
    this.line++;
    this.recordLine = this.line;
    this.recordStartChunk = Math.max(1, this.chunkSerial);
    this.mode = Mode.FieldStart;
  }
}
