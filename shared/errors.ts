// The one error model. Every failure a person may read carries a stable code (for tests, logs and
// support), a Japanese text (what clerks read) and an English text (for vendors and the CLI), and
// optionally a hint that says what to do. Errors cross process boundaries (IPC, the web bridge, the
// relay's HTTP answers) as an ErrorBody inside a Result envelope, never as a string to be parsed.
// No zod here: almost every module constructs or throws these errors, and importing zod costs about
// 65 ms of CPU at start (most of what `careplan-link check` on one file spent). The schemas that read
// an envelope or a body at a boundary live in errorSchemas.ts, imported by the boundaries only.

export interface LocalizedText {
  ja: string;
  en: string;
}

/** An error as it crosses a boundary (errorSchemas.ts's errorBodySchema reads it, and is checked to match). */
export interface ErrorBody {
  code: string;
  ja: string;
  en: string;
  hint?: LocalizedText | undefined;
}

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

export function ok<T>(result: T): Result<T> {
  return { ok: true, result };
}

export function failed(error: LocalizedError): Result<never> {
  return { ok: false, error: error.toBody() };
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
