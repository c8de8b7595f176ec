// Each character-by-character shape against the regex it replaced, over every short string of a small
// alphabet that holds each class's edge characters, and over random longer ones.
import { describe, expect, it } from 'vitest';
import { digitsOnly, isDayFlags, isInsuredNo, isItemCode, isPseudoShape, upperAlnum } from './charShapes.js';
import { isPseudoCode } from './keys.js';

const ALPHABET = ['0', '1', '9', 'A', 'E', 'H', 'Z', 'a', '-', '/', ':', '@', '[', '０', ' ', '\n'];

/** A seeded generator, so a failure names a string that comes back on the next run. */
function* strings(count: number, maxLength: number): Generator<string> {
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  for (let n = 0; n < count; n++) {
    const length = next() % (maxLength + 1);
    let s = '';
    for (let i = 0; i < length; i++) s += ALPHABET[next() % ALPHABET.length];
    yield s;
  }
}

const likely = ['0000000000', 'H000000000', 'H00000000', '12345-123456', '12345_123456', '1234-1234567', '11AAAA', '2AEEEE', 'A1ZZZZ', '999999', '11AAAZ', 'aaAAAA', '11BBBB', '1101', '010101', '', 'AB', 'ZZ', '0Z'];

describe('character shapes', () => {
  const cases = [...likely, ...strings(40000, 13)];
  it('agree with the regexes they replace', () => {
    for (const v of cases) {
      expect(upperAlnum(v, 2), v).toBe(/^[0-9A-Z]{2}$/.test(v));
      expect(upperAlnum(v, 6), v).toBe(/^[0-9A-Z]{6}$/.test(v));
      expect(digitsOnly(v, 4), v).toBe(/^\d{4}$/.test(v));
      expect(digitsOnly(v, 10), v).toBe(/^\d{10}$/.test(v));
      expect(isInsuredNo(v), v).toBe(/^(?:\d{10}|H\d{9})$/.test(v));
      expect(isItemCode(v), v).toBe(/^\d{5}-\d{6}$/.test(v));
      expect(isDayFlags(v), v).toBe(/^[01]*$/.test(v));
      expect(isPseudoShape(v), v).toBe(/^(?:[0-9A-Z]{2}(?:AAAA|EEEE|ZZZZ)|999999)$/.test(v));
      expect(isPseudoCode(v), v).toBe(v === '999999' || /^[0-9A-Z]{2}(?:AAAA|EEEE|ZZZZ)$/.test(v));
    }
  });
  it('cover the shapes that pass, not only refusals', () => {
    expect(cases.filter((v) => isPseudoShape(v)).length).toBeGreaterThan(3);
    expect(cases.filter((v) => isInsuredNo(v)).length).toBeGreaterThan(1);
    expect(cases.filter((v) => isItemCode(v)).length).toBeGreaterThan(0);
  });
});
