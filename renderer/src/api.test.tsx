// @vitest-environment jsdom
// The renderer's door: both the preload (IPC) and the web bridge answer with Result envelopes, and
// the screens get a result, or a LocalizedError with the back end's own code and both languages.
import { afterEach, describe, expect, it } from 'vitest';
import { rejectionOf } from '../../test/support/rejection.js';
import type { EnvelopeApi } from '../../shared/api/methods.js';
import { LocalizedError } from '../../shared/errors.js';
import { api, ipcApi, setApi, webBridgeApi } from './api.js';
import { errorText } from './util/errors.js';

const wrongPassword = { code: 'P12_WRONG_PASSWORD', ja: '証明書ファイルのパスワードが違います', en: 'Wrong password for the certificate file' };

/** A preload whose every method answers with the given value. */
const fakePreload = (answer: unknown) => new Proxy({} as EnvelopeApi, { get: () => async () => answer });

/** A fetch that answers every call with the given status and body. */
const fakeFetch =
  (status: number, body: string): typeof fetch =>
  async () =>
    new Response(body, { status, headers: { 'content-type': status === 502 ? 'text/html' : 'application/json' } });

const failure = (p: Promise<unknown>) => rejectionOf(p, LocalizedError);

afterEach(() => {
  setApi(null);
  delete window.careplan;
});

describe('IPC (the preload)', () => {
  it('gives the result of an ok envelope', async () => {
    await expect(ipcApi(fakePreload({ ok: true, result: { lang: 'ja' } })).home({})).resolves.toEqual({ lang: 'ja' });
  });

  it('turns an error envelope into a LocalizedError with its code and both languages', async () => {
    const e = await failure(ipcApi(fakePreload({ ok: false, error: wrongPassword })).unlock({ password: 'x' }));
    expect({ code: e.code, ja: e.ja, en: e.en }).toEqual(wrongPassword);
    expect(errorText(e)).toEqual({ ja: wrongPassword.ja, en: wrongPassword.en });
  });

  it('keeps a hint and shows it after the message', async () => {
    const hint = { ja: 'パスワードを入れ直してください。', en: 'Enter it again.' };
    const e = await failure(ipcApi(fakePreload({ ok: false, error: { ...wrongPassword, hint } })).unlock({ password: 'x' }));
    expect(e.hint).toEqual(hint);
    expect(errorText(e)).toEqual({ ja: `${wrongPassword.ja} ${hint.ja}`, en: `${wrongPassword.en} ${hint.en}` });
  });

  it('refuses what is not an envelope clearly, without reading strings out of it', async () => {
    // The old way: the error's JSON inside a message. It is no longer taken apart.
    const old = `Error invoking remote method 'careplan:unlock': Error: ${JSON.stringify(wrongPassword)}`;
    for (const bad of [{ result: 1 }, { ok: false, error: old }, old, undefined]) {
      const e = await failure(ipcApi(fakePreload(bad)).unlock({ password: 'x' }));
      expect(e.code).toBe('bad_envelope');
      expect(e.ja).toContain('アプリを起動し直してください');
    }
  });

  it('is the door api() uses when the preload is there', async () => {
    window.careplan = fakePreload({ ok: false, error: wrongPassword });
    const e = await failure(api().unlock({ password: 'x' }));
    expect(e.code).toBe('P12_WRONG_PASSWORD');
  });
});

describe('the web bridge', () => {
  it('gives the result of an ok envelope', async () => {
    await expect(webBridgeApi('', 't', fakeFetch(200, JSON.stringify({ ok: true, result: [1, 2] }))).searchPartners({ query: 'x' })).resolves.toEqual([1, 2]);
  });

  it('turns an error envelope (whatever the HTTP status) into a LocalizedError with its code and both languages', async () => {
    for (const status of [400, 401, 500]) {
      const e = await failure(webBridgeApi('', 't', fakeFetch(status, JSON.stringify({ ok: false, error: wrongPassword }))).unlock({ password: 'x' }));
      expect({ code: e.code, ja: e.ja, en: e.en }).toEqual(wrongPassword);
    }
  });

  it('names a failed answer without an envelope by its HTTP status', async () => {
    const e = await failure(webBridgeApi('', 't', fakeFetch(502, '<html>Bad Gateway</html>')).home({}));
    expect(e.code).toBe('http_502');
    expect(e.ja).toBe('エラーが起きました（HTTP 502）');
  });

  it('refuses a successful answer that is not an envelope', async () => {
    for (const body of [JSON.stringify({ result: 1 }), JSON.stringify({ error: wrongPassword }), 'not json']) {
      const e = await failure(webBridgeApi('', 't', fakeFetch(200, body)).home({}));
      expect(e.code).toBe('bad_envelope');
    }
  });

  it('says so when the bridge cannot be reached', async () => {
    const e = await failure(
      webBridgeApi('', 't', async () => {
        throw new TypeError('fetch failed');
      }).home({}),
    );
    expect(e.code).toBe('bridge_unreachable');
  });
});
