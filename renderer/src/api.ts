// The renderer's only door to the back end. In Electron the preload puts the typed API on
// `window.careplan` (IPC); in a browser the same methods go over the local web bridge, with the
// per-run token the bridge handed out in the page address (#token=…).
import { METHOD_NAMES, type MethodName } from '../../shared/api/channels.js';
import type { ApiErrorBody, AppApi } from '../../shared/api/methods.js';

declare global {
  interface Window {
    careplan?: AppApi;
  }
}

/** An error from the back end, with both languages kept for the screen. */
export class BackendError extends Error {
  override name = 'BackendError';
  constructor(
    readonly code: string,
    readonly ja: string,
    readonly en: string,
  ) {
    super(ja);
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
      throw new BackendError('bridge_unreachable', 'アプリの本体と通信できません。アプリを起動し直してください。', 'Cannot reach the app back end. Restart the app.');
    }
    const body = (await res.json().catch(() => null)) as { result?: unknown; error?: ApiErrorBody } | null;
    if (!res.ok || !body || body.error) {
      const e = body?.error;
      throw new BackendError(e?.code ?? `http_${res.status}`, e?.ja ?? `エラーが起きました（HTTP ${res.status}）`, e?.en ?? `Error (HTTP ${res.status})`);
    }
    return body.result;
  };
  return Object.fromEntries(METHOD_NAMES.map((m) => [m, (r: unknown) => call(m, r)])) as AppApi;
}

/** Errors from the preload arrive as plain Errors whose message carries the JSON body. */
function wrapIpc(api: AppApi): AppApi {
  return Object.fromEntries(
    METHOD_NAMES.map((m) => [
      m,
      async (r: unknown) => {
        try {
          return await (api[m] as (x: unknown) => Promise<unknown>)(r);
        } catch (e) {
          const text = String((e as Error).message ?? e);
          const json = text.slice(text.indexOf('{'));
          try {
            const b = JSON.parse(json) as ApiErrorBody;
            throw new BackendError(b.code, b.ja, b.en);
          } catch (inner) {
            if (inner instanceof BackendError) throw inner;
            throw new BackendError('error', text, text);
          }
        }
      },
    ]),
  ) as AppApi;
}

let current: AppApi | null = null;

export function api(): AppApi {
  if (!current) current = window.careplan ? wrapIpc(window.careplan) : webBridgeApi();
  return current;
}

/** Tests put a fake (typed against the same AppApi) in place of the real door. */
export function setApi(a: AppApi | null): void {
  current = a;
}
