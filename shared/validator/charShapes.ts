// Fixed shapes of field values, read character by character: the regexes they replace (named on each)
// ran on several columns of every record, and a regex call cost more than the loop over a few characters.

const isDigit = (c: number) => c >= 48 && c <= 57;
const isUpperAlnum = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90);

/** /^[0-9A-Z]{length}$/ */
export function upperAlnum(v: string, length: number): boolean {
  if (v.length !== length) return false;
  for (let i = 0; i < length; i++) if (!isUpperAlnum(v.charCodeAt(i))) return false;
  return true;
}

/** /^\d{length}$/ */
export function digitsOnly(v: string, length: number): boolean {
  return v.length === length && digitsFrom(v, 0, length);
}

/** /^\d{length}$/ from index `from` to the end, v being `from + length` long. */
function digitsFrom(v: string, from: number, length: number): boolean {
  for (let i = from; i < from + length; i++) if (!isDigit(v.charCodeAt(i))) return false;
  return true;
}

/** /^(?:\d{10}|H\d{9})$/ (被保険者番号) */
export function isInsuredNo(v: string): boolean {
  if (v.length !== 10) return false;
  return v.charCodeAt(0) === 72 /* H */ ? digitsFrom(v, 1, 9) : digitsFrom(v, 0, 10);
}

/** /^\d{5}-\d{6}$/ (福祉用具の商品コード) */
export function isItemCode(v: string): boolean {
  return v.length === 12 && v.charCodeAt(5) === 45 /* - */ && digitsFrom(v, 0, 5) && digitsFrom(v, 6, 6);
}

/** /^[01]*$/ */
export function isDayFlags(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c !== 48 && c !== 49) return false;
  }
  return true;
}

/** /^(?:[0-9A-Z]{2}(?:AAAA|EEEE|ZZZZ)|999999)$/ (第7表's subtotal and total rows) */
export function isPseudoShape(v: string): boolean {
  if (v.length !== 6) return false;
  if (v === '999999') return true;
  const c = v.charCodeAt(2);
  if (c !== 65 && c !== 69 && c !== 90) return false;
  return v.charCodeAt(3) === c && v.charCodeAt(4) === c && v.charCodeAt(5) === c && isUpperAlnum(v.charCodeAt(0)) && isUpperAlnum(v.charCodeAt(1));
}
