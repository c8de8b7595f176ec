// For tests only: what a promise was rejected with, checked to be the error class a test expects.
import { expect } from 'vitest';

/** What `p` is rejected with, after checking it is a `type`: a `p` that fulfils fails the test. */
export async function rejectionOf<T>(p: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(type);
  return e as T;
}
