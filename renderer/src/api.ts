// The renderer's only door to the back end. In Electron the preload puts the typed API on
// `window.careplan` (IPC); in a browser the same methods go over the local web bridge, with the
// per-run token the bridge handed out in the page address (#token=…). Both answer with a Result
// envelope, checked here: a failure reaches the screens as a LocalizedError with its code and both
// languages, never as a message string to take apart.
import { METHOD_NAMES, type MethodName } from '../../shared/api/channels.js';
import type { AppApi, EnvelopeApi } from '../../shared/api/methods.js';
import { openEnvelope, resultEnvelopeSchema } from '../../shared/errorSchemas.js';
import { LocalizedError } from '../../shared/errors.js';

declare global {
  interface Window {
    /** The preload's API: every method answers with a Result envelope (see electron/preload). */
    careplan?: EnvelopeApi;
  }
}

function bridgeToken(): string {
  const fromHash = new URLSearchParams(window.location.hash.replace(/^#/, '')).get('token');
  if (fromHash) {
    sessionStorage.setItem('careplan-token', fromHash);
    // Keep the token out of the address bar (and out of screenshots and bookmarks).
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return fromHash;
  }
  return sessionStorage.getItem('careplan-token') ?? '';
}

export function webBridgeApi(base = '', token = bridgeToken(), fetchImpl: typeof fetch = (...a) => fetch(...a)): AppApi {
  const call = async (method: MethodName, request: unknown): Promise<unknown> => {
    let res: Response;
    try {
      res = await fetchImpl(`${base}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(request ?? {}),
      });
    } catch {
      throw new LocalizedError('bridge_unreachable', { ja: 'アプリの本体と通信できません。アプリを起動し直してください。', en: 'Cannot reach the app back end. Restart the app.' });
    }
    const body: unknown = await res.json().catch(() => undefined);
    // The bridge answers every call, refusals included, with an envelope. A failed answer without one
    // (a proxy's error page, a bridge that died mid-answer) is named by its HTTP status.
    if (!res.ok && !resultEnvelopeSchema.safeParse(body).success) {
      throw new LocalizedError(`http_${res.status}`, { ja: `エラーが起きました（HTTP ${res.status}）`, en: `Error (HTTP ${res.status})` });
    }
    return openEnvelope(body);
  };
  return Object.fromEntries(METHOD_NAMES.map((m) => [m, (r: unknown) => call(m, r)])) as AppApi;
}

/** The preload's methods answer with envelopes; the screens get results, or a LocalizedError thrown. */
export function ipcApi(preload: EnvelopeApi): AppApi {
  return Object.fromEntries(METHOD_NAMES.map((m) => [m, async (r: unknown) => openEnvelope(await (preload[m] as (x: unknown) => Promise<unknown>)(r))])) as AppApi;
}

let current: AppApi | null = null;

export function api(): AppApi {
  if (!current) current = window.careplan ? ipcApi(window.careplan) : webBridgeApi();
  return current;
}

/** Tests put a fake (typed against the same AppApi) in place of the real door. */
export function setApi(a: AppApi | null): void {
  current = a;
}
