// The back end's errors reach the screens with their own code and both languages, taken from the
// error itself: no message is split, so a text with " / " in it stays whole.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api/methods.js';
import { IdentityError } from '../../pki/errors.js';
import { InputError } from '../check/validation.js';
import { RelayError } from '../transport/relayClient.js';
import { toApiError } from './errors.js';

const body = (e: unknown) => toApiError(e).toBody();

describe('toApiError', () => {
  it('keeps a check input error whole, " / " and all', () => {
    const e = new InputError({ ja: '検査する標準仕様のファイル（.CSV / .jpg）がありません', en: 'no standard-spec files (.CSV / .jpg) to check' });
    expect(body(e)).toEqual({ code: 'input', ja: '検査する標準仕様のファイル（.CSV / .jpg）がありません', en: 'no standard-spec files (.CSV / .jpg) to check' });
  });

  it('keeps the code and both languages of certificate errors and of the app’s own refusals', () => {
    expect(body(new IdentityError('CERT_EXPIRED', 'until 2025-03-31'))).toEqual({
      code: 'CERT_EXPIRED',
      ja: '証明書の有効期限が切れています。新しい証明書を取得してください (until 2025-03-31)',
      en: 'The certificate has expired; obtain a new one (until 2025-03-31)',
    });
    const refusal = new ApiError('not_ready', '事業所の設定が済んでいません', 'The office is not set up yet');
    expect(toApiError(refusal)).toBe(refusal);
  });

  it('prefixes the relay’s codes', () => {
    expect(body(new RelayError(503, 'unavailable', '連携サービスが使えません', 'The service is unavailable'))).toEqual({ code: 'relay_unavailable', ja: '連携サービスが使えません', en: 'The service is unavailable' });
  });

  it('marks anything else as internal, with its message', () => {
    expect(body(new Error('disk on fire'))).toEqual({ code: 'internal', ja: '処理中に問題が起きました: disk on fire', en: 'Something went wrong: disk on fire' });
  });
});
