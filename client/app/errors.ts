// How the app's back end puts any failure into words for the screens. Every error the core throws on
// purpose is a LocalizedError (shared/errors.ts) already; this only keeps the codes the app API has
// always answered for the transport's errors, and marks everything else as `internal`.
import { ApiError } from '../../shared/api/methods.js';
import { asLocalizedError, type LocalizedError } from '../../shared/errors.js';
import { ConfigError } from '../transport/config.js';
import { RelayError } from '../transport/relayClient.js';
import { SendError } from '../transport/sender.js';

/** The same words under the code the app API uses for this kind of failure. */
function relabel(e: { ja: string; en: string; hint?: LocalizedError['hint'] }, code: string): ApiError {
  return new ApiError(code, e.ja, e.en, e.hint);
}

/** Every failure a handler can meet, as a LocalizedError with both languages. */
export function toApiError(e: unknown): LocalizedError {
  // The relay's own codes are kept, prefixed so they cannot be mistaken for the app's.
  if (e instanceof RelayError) return relabel(e, `relay_${e.code}`);
  if (e instanceof ConfigError) return relabel(e, 'config');
  if (e instanceof SendError) return relabel(e, 'send');
  return asLocalizedError(e);
}
