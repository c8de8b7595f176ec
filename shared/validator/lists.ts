// Arrays for the per-file and per-record code that stay of one V8 array kind.

/**
 * An empty array whose elements are already of the general kind. An array that stays empty is otherwise
 * of V8's small-integer kind: a second array shape, next to the filled ones, for the per-file and
 * per-record loops that read it, and optimised code meeting it late is thrown away.
 */
export function emptyList<T>(): T[] {
  const list: unknown[] = [null];
  list.pop();
  return list as T[];
}
