// The error model at a boundary: the zod schemas that read an ErrorBody or a Result envelope coming
// from another process (IPC, the web bridge, the relay's answers). Kept apart from errors.ts so that
// code which only constructs or throws a LocalizedError does not load zod (about 65 ms of CPU at
// start, the larger part of `careplan-link check` on one small file).
import { z } from 'zod';
import { LocalizedError, type ErrorBody, type LocalizedText } from './errors.js';

export const localizedTextSchema = z.object({ ja: z.string(), en: z.string() });

export const errorBodySchema = z.object({
  code: z.string().min(1).max(100),
  ja: z.string(),
  en: z.string(),
  hint: localizedTextSchema.optional(),
});

// errors.ts states the same shapes without zod; these fail to compile when the two drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _textMatches: Same<z.infer<typeof localizedTextSchema>, LocalizedText> = true;
const _bodyMatches: Same<z.infer<typeof errorBodySchema>, ErrorBody> = true;

export const resultEnvelopeSchema = z.discriminatedUnion('ok', [
  // Optional: a result of `undefined` vanishes from JSON, and `{ok: true}` is still a success.
  z.object({ ok: z.literal(true), result: z.unknown().optional() }),
  z.object({ ok: z.literal(false), error: errorBodySchema }),
]);

/**
 * What the receiving side does with an envelope: the result, or the error thrown as a LocalizedError.
 * Anything that is not an envelope (an old or foreign peer, a proxy's error page) is refused clearly
 * rather than guessed at.
 */
export function openEnvelope(value: unknown): unknown {
  const parsed = resultEnvelopeSchema.safeParse(value);
  if (!parsed.success) {
    throw new LocalizedError('bad_envelope', {
      ja: 'アプリの本体から読めない応答が返りました。アプリを起動し直してください。',
      en: 'The app back end gave an answer that cannot be read. Restart the app.',
    });
  }
  if (!parsed.data.ok) throw LocalizedError.fromBody(parsed.data.error);
  return parsed.data.result;
}
