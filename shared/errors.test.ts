// The one error model: bodies survive the trip across IPC and the bridge, unknown errors are marked
// as internal, and a receiver refuses anything that is not a Result envelope.
import { describe, expect, it } from 'vitest';
import { openEnvelope, resultEnvelopeSchema } from './errorSchemas.js';
import { asLocalizedError, failed, LocalizedError, ok } from './errors.js';

const wrongPassword = new LocalizedError(
  'P12_WRONG_PASSWORD',
  { ja: '証明書ファイルのパスワードが違います', en: 'Wrong password for the certificate file' },
  { hint: { ja: 'パスワードを入れ直してください', en: 'Enter the password again' } },
);

describe('LocalizedError', () => {
  it('keeps code, both languages and the hint through toBody and fromBody (and through JSON)', () => {
    const body = wrongPassword.toBody();
    expect(body).toEqual({
      code: 'P12_WRONG_PASSWORD',
      ja: '証明書ファイルのパスワードが違います',
      en: 'Wrong password for the certificate file',
      hint: { ja: 'パスワードを入れ直してください', en: 'Enter the password again' },
    });
    const back = LocalizedError.fromBody(JSON.parse(JSON.stringify(body)));
    expect(back).toBeInstanceOf(LocalizedError);
    expect(back.toBody()).toEqual(body);
    expect(back.message).toBe('証明書ファイルのパスワードが違います / Wrong password for the certificate file');
  });

  it('leaves the hint out of the body when there is none', () => {
    const body = new LocalizedError('x', { ja: 'あ', en: 'a' }).toBody();
    expect(body).toEqual({ code: 'x', ja: 'あ', en: 'a' });
    expect('hint' in body).toBe(false);
  });

  it('gives the text of one language with the hint on its own line', () => {
    expect(wrongPassword.text('ja')).toBe('証明書ファイルのパスワードが違います\nパスワードを入れ直してください');
    expect(wrongPassword.text('en')).toBe('Wrong password for the certificate file\nEnter the password again');
  });
});

describe('asLocalizedError', () => {
  it('passes a LocalizedError through unchanged', () => {
    expect(asLocalizedError(wrongPassword)).toBe(wrongPassword);
  });

  it('turns a plain Error into code internal, keeping its message and its cause', () => {
    const plain = new Error('disk on fire');
    const e = asLocalizedError(plain);
    expect(e.code).toBe('internal');
    expect(e.ja).toBe('処理中に問題が起きました: disk on fire');
    expect(e.en).toBe('Something went wrong: disk on fire');
    expect(e.cause).toBe(plain);
  });

  it('turns a thrown non-Error into code internal too', () => {
    expect(asLocalizedError('just a string').code).toBe('internal');
  });
});

describe('Result envelope', () => {
  it('accepts both shapes, and a success whose result vanished in JSON', () => {
    expect(resultEnvelopeSchema.safeParse(ok({ n: 1 })).success).toBe(true);
    expect(resultEnvelopeSchema.safeParse(failed(wrongPassword)).success).toBe(true);
    expect(resultEnvelopeSchema.safeParse(JSON.parse(JSON.stringify(ok(undefined)))).success).toBe(true);
  });

  it('refuses malformed envelopes', () => {
    for (const bad of [null, 'text', {}, { result: 1 }, { error: { code: 'x', ja: 'あ', en: 'a' } }, { ok: 'yes', result: 1 }, { ok: false }, { ok: false, error: 'Wrong password' }, { ok: false, error: { code: '', ja: 'あ', en: 'a' } }, { ok: false, error: { code: 'x', ja: 'あ' } }]) {
      expect(resultEnvelopeSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('opens to the result, throws the error as a LocalizedError, and refuses what is not an envelope', () => {
    expect(openEnvelope(ok([1, 2]))).toEqual([1, 2]);
    let thrown: unknown;
    try {
      openEnvelope(failed(wrongPassword));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(LocalizedError);
    expect((thrown as LocalizedError).toBody()).toEqual(wrongPassword.toBody());
    expect(() => openEnvelope({ result: 1 })).toThrow(expect.objectContaining({ code: 'bad_envelope' }));
  });
});
