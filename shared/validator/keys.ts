// User keys and 第7表 pseudo codes, shared by the file checks, the file rules and the unit checks.
import { isPseudoShape } from './charShapes.js';

/** Joins key parts; a unit separator cannot occur in a valid field, so keys split back unambiguously. */
export const KEY_SEP = '\u001f';

/** 第7表's subtotal and total rows (xxAAAA, xxEEEE, xxZZZZ, 999999): not real services. Read by charShapes.ts, not a regex: it runs on every record of 第6表 and 第7表, several times. */
export function isPseudoCode(code: string): boolean {
  return isPseudoShape(code);
}

/** Shows a user key (insurer-insured[-date]) with the insured number masked under --redact. */
export function showUserKey(key: string, redact: boolean): string {
  const parts = key.split(KEY_SEP);
  if (redact && parts[1] !== undefined) parts[1] = parts[1].length <= 2 ? '**' : '*'.repeat(parts[1].length - 2) + parts[1].slice(-2);
  return parts.join('-');
}
