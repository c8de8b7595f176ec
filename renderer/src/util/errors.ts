import type { Text } from '../../../shared/api/types.js';
import { LocalizedError } from '../../../shared/errors.js';

/** Any failure as a {ja, en} message for the alert box. Back-end errors already say what to do next. */
export function errorText(e: unknown): Text {
  if (e instanceof LocalizedError) return e.hint ? { ja: `${e.ja} ${e.hint.ja}`, en: `${e.en} ${e.hint.en}` } : { ja: e.ja, en: e.en };
  const msg = e instanceof Error ? e.message : String(e);
  return { ja: `思いがけないエラーが起きました: ${msg}。もう一度試してください。`, en: `Unexpected error: ${msg}. Please try again.` };
}
