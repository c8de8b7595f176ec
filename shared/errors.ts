// The one error model. Every failure a person may read carries a stable code (for tests, logs and
// support), a Japanese text (what clerks read) and an English text (for vendors and the CLI), and
// optionally a hint that says what to do. Errors cross process boundaries (IPC, the web bridge, the
// relay's HTTP answers) as an ErrorBody inside a Result envelope, never as a string to be parsed.
import { z } from 'zod';

export interface LocalizedText {
  ja: string;
  en: string;
}

export const localizedTextSchema = z.object({ ja: z.string(), en: z.string() });

export const errorBodySchema = z.object({
  code: z.string().min(1).max(100),
  ja: z.string(),
  en: z.string(),
  hint: localizedTextSchema.optional(),
});

export type ErrorBody = z.infer<typeof errorBodySchema>;

export class LocalizedError extends Error {
  override name = 'LocalizedError';
  readonly code: string;
  readonly ja: string;
  readonly en: string;
  readonly hint: LocalizedText | undefined;

  constructor(code: string, text: LocalizedText, options: { hint?: LocalizedText; cause?: unknown } = {}) {
    // Both languages in the message: what a log line or an uncaught error shows.
    super(`${text.ja} / ${text.en}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.ja = text.ja;
    this.en = text.en;
    this.hint = options.hint;
  }

  /** The text in one language (the hint, if any, on its own line). */
  text(lang: 'ja' | 'en'): string {
    return this.hint ? `${this[lang]}\n${this.hint[lang]}` : this[lang];
  }

  toBody(): ErrorBody {
    return { code: this.code, ja: this.ja, en: this.en, ...(this.hint ? { hint: this.hint } : {}) };
  }

  static fromBody(body: ErrorBody): LocalizedError {
    return new LocalizedError(body.code, body, body.hint ? { hint: body.hint } : {});
  }
}

/** What crosses IPC and the web bridge: a result, or an error a person can read. */
export type Result<T> = { ok: true; result: T } | { ok: false; error: ErrorBody };

export const resultEnvelopeSchema = z.discriminatedUnion('ok', [
  // Optional: a result of `undefined` vanishes from JSON, and `{ok: true}` is still a success.
  z.object({ ok: z.literal(true), result: z.unknown().optional() }),
  z.object({ ok: z.literal(false), error: errorBodySchema }),
]);

export function ok<T>(result: T): Result<T> {
  return { ok: true, result };
}

export function failed(error: LocalizedError): Result<never> {
  return { ok: false, error: error.toBody() };
}

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

/**
 * Any thrown value as a LocalizedError. Unknown errors keep their message as a detail but get the
 * code `internal`, so nothing unexplained reaches a clerk without the words 「処理中に問題が起きました」.
 */
export function asLocalizedError(e: unknown): LocalizedError {
  if (e instanceof LocalizedError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new LocalizedError('internal', { ja: `処理中に問題が起きました: ${message}`, en: `Something went wrong: ${message}` }, { cause: e });
}
