// Unit tests for the streaming CSV reader: record/line bookkeeping, quoting rules, framing issues,
// line-ending statistics, and — the point of a streaming reader — that the way the text is cut
// into chunks never changes what comes out.
import { describe, expect, it, vi } from 'vitest';
import { parseCsv as parse, type ParsedCsv as Parsed } from '../../test/support/csv.js';
import { CsvReader, type CsvRecord, type LineEndingStats } from './csv.js';

const whole = (text: string) => parse([text]);

const rec = (row: number, line: number, fields: string[], quoted: boolean[] = fields.map(() => false)): CsvRecord => ({ row, line, fields, quoted });

const CRLF_ONLY = (crlf: number): LineEndingStats => ({ crlf, lf: 0, cr: 0, firstOddLine: null });

describe('CsvReader: records and physical lines', () => {
  it('reads plain CRLF records with row = line', () => {
    const p = whole('a,b\r\nc,d\r\n');
    expect(p.records).toEqual([rec(1, 1, ['a', 'b']), rec(2, 2, ['c', 'd'])]);
    expect(p.issues).toEqual([]);
    expect(p.endings).toEqual(CRLF_ONLY(2));
    expect(p.recordsRead).toBe(2);
    expect(p.linesRead).toBe(3);
    expect(p.unterminated).toBe(false);
  });

  it('keeps a CRLF inside quotes and starts the next record on the following physical line', () => {
    const p = whole('"x\r\ny",1\r\nz,2\r\n');
    expect(p.records).toEqual([rec(1, 1, ['x\r\ny', '1'], [true, false]), rec(2, 3, ['z', '2'])]);
    expect(p.issues).toEqual([]);
    // Line breaks inside quoted text are text, not record terminators.
    expect(p.endings).toEqual(CRLF_ONLY(2));
    expect(p.linesRead).toBe(4);
  });

  it('counts several quoted line breaks (CRLF, LF, CR) as lines', () => {
    const p = whole('"a\r\nb\nc\rd",x\r\n"1\r\n\r\n2"\r\nlast\r\n');
    expect(p.records).toEqual([
      rec(1, 1, ['a\r\nb\nc\rd', 'x'], [true, false]),
      rec(2, 5, ['1\r\n\r\n2'], [true]),
      rec(3, 8, ['last']),
    ]);
    expect(p.issues).toEqual([]);
    expect(p.endings).toEqual(CRLF_ONLY(3));
  });

  it('unescapes "" inside quoted fields', () => {
    const p = whole('"a""b","""",""\r\n');
    expect(p.records).toEqual([rec(1, 1, ['a"b', '"', ''], [true, true, true])]);
    expect(p.issues).toEqual([]);
  });

  it('keeps commas inside quoted fields', () => {
    const p = whole('"a,b",c,"d,,e"\r\n');
    expect(p.records).toEqual([rec(1, 1, ['a,b', 'c', 'd,,e'], [true, false, true])]);
    expect(p.issues).toEqual([]);
  });

  it('reads empty fields', () => {
    const p = whole(',,\r\na,,b\r\n');
    expect(p.records).toEqual([rec(1, 1, ['', '', '']), rec(2, 2, ['a', '', 'b'])]);
    expect(p.issues).toEqual([]);
  });

  it('treats a trailing comma as one more empty field', () => {
    const p = whole('a,\r\n"b",\r\n');
    expect(p.records).toEqual([rec(1, 1, ['a', '']), rec(2, 2, ['b', ''], [true, false])]);
    expect(p.issues).toEqual([]);
  });

  it('emits the last record of a file without a final newline', () => {
    expect(whole('a,b\r\nc,d').records).toEqual([rec(1, 1, ['a', 'b']), rec(2, 2, ['c', 'd'])]);
    expect(whole('a,b\r\nc,d').endings).toEqual(CRLF_ONLY(1));
    expect(whole('a,"b"').records).toEqual([rec(1, 1, ['a', 'b'], [false, true])]);
    expect(whole('a,').records).toEqual([rec(1, 1, ['a', ''])]);
    expect(whole('x').records).toEqual([rec(1, 1, ['x'])]);
    expect(whole('a,b\r\nc,d').issues).toEqual([]);
  });

  it('reads nothing from empty input', () => {
    const p = whole('');
    expect(p.records).toEqual([]);
    expect(p.issues).toEqual([]);
    expect(p.endings).toEqual(CRLF_ONLY(0));
    expect(p.linesRead).toBe(1);
  });
});

describe('CsvReader: blank lines', () => {
  it('reports a blank line with its line and does not count it as a record', () => {
    const p = whole('a\r\n\r\nb\r\n');
    expect(p.records).toEqual([rec(1, 1, ['a']), rec(2, 3, ['b'])]);
    expect(p.issues).toEqual([{ kind: 'blankLine', row: null, line: 2, column: null }]);
    expect(p.endings).toEqual(CRLF_ONLY(3));
    expect(p.recordsRead).toBe(2);
  });

  it('reports leading, repeated and trailing blank lines', () => {
    const p = whole('\r\na\r\n\r\n\r\nb\r\n\r\n');
    expect(p.records).toEqual([rec(1, 2, ['a']), rec(2, 5, ['b'])]);
    expect(p.issues).toEqual([
      { kind: 'blankLine', row: null, line: 1, column: null },
      { kind: 'blankLine', row: null, line: 3, column: null },
      { kind: 'blankLine', row: null, line: 4, column: null },
      { kind: 'blankLine', row: null, line: 6, column: null },
    ]);
    expect(p.endings).toEqual(CRLF_ONLY(6));
  });

  it('reports blank lines made of LF or CR', () => {
    const p = whole('a\n\nb\r\rc\r\n');
    expect(p.records).toEqual([rec(1, 1, ['a']), rec(2, 3, ['b']), rec(3, 5, ['c'])]);
    expect(p.issues).toEqual([
      { kind: 'blankLine', row: null, line: 2, column: null },
      { kind: 'blankLine', row: null, line: 4, column: null },
    ]);
    expect(p.endings).toEqual({ crlf: 1, lf: 2, cr: 2, firstOddLine: 1 });
  });
});

describe('CsvReader: broken quoting', () => {
  it('reports a stray quote in an unquoted field once per field and keeps the quote as text', () => {
    const p = whole('ok\r\nx,ab"c"d,e"\r\n');
    expect(p.records).toEqual([rec(1, 1, ['ok']), rec(2, 2, ['x', 'ab"c"d', 'e"'])]);
    expect(p.issues).toEqual([
      { kind: 'strayQuote', row: 2, line: 2, column: 2 },
      { kind: 'strayQuote', row: 2, line: 2, column: 3 },
    ]);
  });

  it('reports text after a closing quote and keeps the text', () => {
    const p = whole('a,"bc"d,e\r\nf\r\n');
    expect(p.records).toEqual([rec(1, 1, ['a', 'bcd', 'e'], [false, true, false]), rec(2, 2, ['f'])]);
    expect(p.issues).toEqual([{ kind: 'textAfterQuote', row: 1, line: 1, column: 2 }]);
  });

  it('reports text after a closing quote on the line where it occurs', () => {
    const p = whole('"a\r\nb"c,d\r\n');
    expect(p.records).toEqual([rec(1, 1, ['a\r\nbc', 'd'], [true, false])]);
    expect(p.issues).toEqual([{ kind: 'textAfterQuote', row: 1, line: 2, column: 1 }]);
  });

  it('does not report a second stray quote after text after a closing quote', () => {
    const p = whole('"a"b"c\r\n');
    expect(p.records).toEqual([rec(1, 1, ['ab"c'], [true])]);
    expect(p.issues).toEqual([{ kind: 'textAfterQuote', row: 1, line: 1, column: 1 }]);
  });

  it('reports an unterminated quote with the row and the line where the quote opened, and emits no record for it', () => {
    const p = whole('a\r\n"x\r\ny",z,"open\r\nmore\r\nstill,more\r\n');
    expect(p.records).toEqual([rec(1, 1, ['a'])]);
    expect(p.issues).toEqual([{ kind: 'unterminatedQuote', row: 2, line: 3, column: 3 }]);
    expect(p.unterminated).toBe(true);
    expect(p.recordsRead).toBe(1);
    expect(p.endings).toEqual(CRLF_ONLY(1));
    expect(p.linesRead).toBe(6);
  });

  it('reports an unterminated quote at the first field of the first record', () => {
    const p = whole('"abc');
    expect(p.records).toEqual([]);
    expect(p.issues).toEqual([{ kind: 'unterminatedQuote', row: 1, line: 1, column: 1 }]);
    expect(p.unterminated).toBe(true);
  });

  it('reports an unterminated quote whose text ends with a CR', () => {
    const p = whole('a,b\r\n"c\r');
    expect(p.records).toEqual([rec(1, 1, ['a', 'b'])]);
    expect(p.issues).toEqual([{ kind: 'unterminatedQuote', row: 2, line: 2, column: 1 }]);
    expect(p.linesRead).toBe(3);
  });
});

describe('CsvReader: line endings', () => {
  it('counts LF-only endings and the first odd line', () => {
    const p = whole('a\nb\n');
    expect(p.records).toEqual([rec(1, 1, ['a']), rec(2, 2, ['b'])]);
    expect(p.endings).toEqual({ crlf: 0, lf: 2, cr: 0, firstOddLine: 1 });
    expect(p.issues).toEqual([]);
  });

  it('counts CR-only endings, including a CR at the very end', () => {
    const p = whole('a\rb\r');
    expect(p.records).toEqual([rec(1, 1, ['a']), rec(2, 2, ['b'])]);
    expect(p.endings).toEqual({ crlf: 0, lf: 0, cr: 2, firstOddLine: 1 });
    expect(p.linesRead).toBe(3);
  });

  it('counts mixed endings and remembers the first odd one', () => {
    const p = whole('a\r\nb\nc\rd\r\ne');
    expect(p.records).toEqual([rec(1, 1, ['a']), rec(2, 2, ['b']), rec(3, 3, ['c']), rec(4, 4, ['d']), rec(5, 5, ['e'])]);
    expect(p.endings).toEqual({ crlf: 2, lf: 1, cr: 1, firstOddLine: 2 });
  });

  it('treats LF CR as two line endings', () => {
    const p = whole('a\n\rb\r\n');
    expect(p.records).toEqual([rec(1, 1, ['a']), rec(2, 3, ['b'])]);
    expect(p.issues).toEqual([{ kind: 'blankLine', row: null, line: 2, column: null }]);
    expect(p.endings).toEqual({ crlf: 1, lf: 1, cr: 1, firstOddLine: 1 });
  });

  it('does not count quoted line breaks as line endings', () => {
    const p = whole('"a\nb\rc"\r\n');
    expect(p.records).toEqual([rec(1, 1, ['a\nb\rc'], [true])]);
    expect(p.endings).toEqual(CRLF_ONLY(1));
    expect(p.linesRead).toBe(4);
  });
});

// Inputs that exercise every state of the reader at a chunk boundary: CR/LF pairs (quoted and
// not), "" escapes, closing quotes, stray quotes, blank lines, unterminated quotes, odd endings.
const TRICKY: string[] = [
  'a,b\r\nc,d\r\n',
  '"x\r\ny",1\r\nz,2\r\n',
  '"a""b","""",""\r\n"",","\r\n',
  '"a,b",c,"d,,e"\r\n,,\r\na,\r\n',
  'a,b\r\n\r\n\r\nc\r\n\r\n',
  '\r\n\r\n',
  '\n',
  '\r',
  '\r\r\n\n',
  'a\nb\rc\r\nd\r',
  'a\n\rb\r\n',
  '"q\r"\r\n"w\rx"\ny\r',
  '"\r\n\r\n",x\r\n"\r","\n"\r\n',
  '"a"\r"b"\n"c"\r\n"d"',
  'ab"c,"d"e,f\r\n"g"h"i\r\n',
  '"a\r\nb"c,d\r\n',
  'a\r\n"x\r\ny",z,"open\r\nmore\r\nstill,more\r\n',
  '"a\r',
  'a,b\r\n"c\r\n',
  'a,b',
  'a,',
  '"',
  '""',
  '"""',
  '"山田\r\n花子",髙橋,"東京都""千代田区"""\r\n\r\n次,の,行',
  '202407,131010,1000000000,"a\r\n\r\nb",,\r\n202407,131010,H000000016,"c""d",9999,\r\n',
];

function splitAll(text: string): string[] {
  return text.split('');
}

describe('CsvReader: chunk-boundary independence', () => {
  it.each(TRICKY.map((t) => [JSON.stringify(t), t] as const))('%s: any two-chunk split gives the same result as the whole text', (_label, text) => {
    const expected = whole(text);
    for (let i = 0; i <= text.length; i++) {
      const got = parse([text.slice(0, i), text.slice(i)]);
      expect(got, `split at ${i}`).toEqual(expected);
    }
  });

  it.each(TRICKY.map((t) => [JSON.stringify(t), t] as const))('%s: char-by-char feeding gives the same result as the whole text', (_label, text) => {
    const expected = whole(text);
    expect(parse(splitAll(text))).toEqual(expected);
    // Empty chunks in between change nothing either.
    expect(parse(splitAll(text).flatMap((c) => ['', c, '']))).toEqual(expected);
  });

  it.each(TRICKY.map((t) => [JSON.stringify(t), t] as const))('%s: any three-chunk split gives the same result as the whole text', (_label, text) => {
    const expected = whole(text);
    for (let i = 0; i <= text.length; i++) {
      for (let j = i; j <= text.length; j++) {
        const got = parse([text.slice(0, i), text.slice(i, j), text.slice(j)]);
        expect(got, `split at ${i}, ${j}`).toEqual(expected);
      }
    }
  });

  it('gives the exact expected result for a tricky input however it is chunked', () => {
    const text = '"山田\r\n花子",髙橋,"東京都""千代田区"""\r\n\r\n次,の,行';
    const expected: Parsed = {
      records: [rec(1, 1, ['山田\r\n花子', '髙橋', '東京都"千代田区"'], [true, false, true]), rec(2, 4, ['次', 'の', '行'])],
      issues: [{ kind: 'blankLine', row: null, line: 3, column: null }],
      endings: CRLF_ONLY(2),
      recordsRead: 2,
      linesRead: 4,
      unterminated: false,
    };
    expect(whole(text)).toEqual(expected);
    expect(parse(splitAll(text))).toEqual(expected);
    for (let i = 0; i <= text.length; i++) expect(parse([text.slice(0, i), text.slice(i)])).toEqual(expected);
  });
});

describe('CsvReader: physical line count', () => {
  it('counts a last line with or without a final line break, and none for empty text', () => {
    const count = (chunks: string[]) => {
      const r = new CsvReader(
        () => {},
        () => {},
      );
      for (const c of chunks) r.push(c);
      r.end();
      return r.physicalLines;
    };
    expect(count(['a,b\r\n'])).toBe(1);
    expect(count(['a,b'])).toBe(1);
    expect(count(['a,"x\r\ny"\r\nc,d'])).toBe(3);
    expect(count(['a,b\r', '\nc'])).toBe(2);
    expect(count(['a,b\r\n', ''])).toBe(1);
    expect(count([])).toBe(0);
  });
});

describe('CsvReader: linear work on quote-heavy input', () => {
  /** Characters String#indexOf looked at while searching for line breaks during one parse. */
  function lineBreakSearchWork(text: string, chunkSize: number): number {
    let work = 0;
    const original = String.prototype.indexOf;
    const spy = vi.spyOn(String.prototype, 'indexOf').mockImplementation(function (this: string, search: string, from?: number) {
      const at = original.call(this, search, from);
      if (search === '\n' || search === '\r') work += (at === -1 ? this.length : at + 1) - (from ?? 0);
      return at;
    });
    try {
      parse(Array.from({ length: Math.ceil(text.length / chunkSize) }, (_, k) => text.slice(k * chunkSize, (k + 1) * chunkSize)));
    } finally {
      spy.mockRestore();
    }
    return work;
  }

  it('searches each character for a line break a bounded number of times, however many "" pairs a field holds', () => {
    // A field of escaped quotes: one quoted segment per "" pair. A search that runs to the end of the
    // chunk for every pair is quadratic (a 2 MB field stalled receive for minutes).
    const field = '"' + '""'.repeat(100_000) + '"';
    const text = `${field},a\r\n"x\r\ny",b\r\n`;
    for (const chunkSize of [text.length, 65_536]) {
      expect(lineBreakSearchWork(text, chunkSize)).toBeLessThan(4 * text.length);
    }
  });

  it('searches each character for a comma a bounded number of times in a file with few commas', () => {
    // One field a line: the search for a line's next comma finds none in its line; started again
    // from every line, it would run to the end of the chunk each time (quadratic).
    const text = 'ab\r\n'.repeat(20_000) + 'a,b\r\n' + '"c",d\r\n'.repeat(10);
    let work = 0;
    const original = String.prototype.indexOf;
    const spy = vi.spyOn(String.prototype, 'indexOf').mockImplementation(function (this: string, search: string, from?: number) {
      const at = original.call(this, search, from);
      if (search === ',') work += (at === -1 ? this.length : at + 1) - (from ?? 0);
      return at;
    });
    let r;
    try {
      r = parse([text]);
    } finally {
      spy.mockRestore();
    }
    expect(r.records).toHaveLength(20_011);
    expect(r.records[20_000]!.fields).toEqual(['a', 'b']);
    expect(work).toBeLessThan(4 * text.length);
  });

  it('still counts quoted line breaks exactly after the change', () => {
    const r = parse(['"a""\r\nb""\nc""\rd",x\r\n', 'y\r\n']);
    expect(r.records.map((x) => [x.row, x.line])).toEqual([[1, 1], [2, 5]]);
  });
});

describe('CsvReader: repeated chunks', () => {
  it('counts the quoted line breaks of two chunks with the same text separately', () => {
    const r = parse(['"', 'q\nq', 'q\nq', '",x\r\n', 'y\r\n']);
    expect(r.records.map((x) => [x.row, x.line, x.fields])).toEqual([[1, 1, ['q\nqq\nq', 'x']], [2, 4, ['y']]]);
  });
});
