// Identity errors carry a stable code and a Japanese and English message. They never include a
// password, key material or the raw bytes of a file.
import { LocalizedError } from '../shared/errors.js';

/** Each identity error's message (Japanese, English); the error codes are this table's keys. */
const MESSAGES = {
  P12_WRONG_PASSWORD: ['証明書ファイルのパスワードが違います', 'Wrong password for the certificate file'],
  P12_CORRUPT: ['証明書ファイル（PKCS#12）を読めません。壊れているか、別の形式です', 'The certificate file (PKCS#12) cannot be read: corrupt or another format'],
  P12_UNSUPPORTED: ['証明書ファイルの暗号方式に対応していません', 'The certificate file uses an unsupported encryption'],
  P12_NO_KEY: ['証明書ファイルに秘密鍵が入っていません。秘密鍵付きで書き出してください', 'The certificate file holds no private key; export it with the key'],
  P12_NO_CERTIFICATE: ['証明書ファイルに証明書が入っていません', 'The certificate file holds no certificate'],
  P12_KEY_MISMATCH: ['証明書ファイルの秘密鍵と証明書が対応していません', 'The private key does not match the certificate'],
  CERT_NOT_YET_VALID: ['証明書の有効期間がまだ始まっていません', 'The certificate is not valid yet'],
  CERT_EXPIRED: ['証明書の有効期限が切れています。新しい証明書を取得してください', 'The certificate has expired; obtain a new one'],
  CERT_NOT_FOR_CLIENT_AUTH: ['この証明書はクライアント認証に使えません', 'The certificate is not for client authentication'],
  CERT_NOT_FOR_SIGNING: ['この証明書は署名に使えません', 'The certificate is not for signing'],
  CERT_NO_OFFICE_NUMBER: ['証明書から事業所番号（10桁）を読み取れません', 'No 10-digit office number found in the certificate'],
  PASSWORD_MISSING: ['証明書のパスワードが指定されていません', 'No password for the certificate was given'],
  SIGN_KEY_UNSUPPORTED: ['この証明書の鍵の種類（RSA 以外）では署名できません', 'Signing needs an RSA key; this certificate has another key type'],
  DECRYPT_NOT_FOR_ME: ['このデータは自事業所あてに暗号化されていません', 'The data was not encrypted for this office'],
  DECRYPT_FAILED: ['データを復号できません', 'The data cannot be decrypted'],
  ENVELOPE_MALFORMED: ['暗号化データの形式が正しくありません', 'The encrypted data is malformed'],
} as const satisfies Record<string, readonly [string, string]>;
export type IdentityErrorCode = keyof typeof MESSAGES;

export class IdentityError extends LocalizedError {
  override name = 'IdentityError';
  declare readonly code: IdentityErrorCode;

  /** `detail` (a date, a field, a variable name) is added to both languages. */
  constructor(code: IdentityErrorCode, detail?: string) {
    const [ja, en] = MESSAGES[code];
    const suffix = detail ? ` (${detail})` : '';
    super(code, { ja: ja + suffix, en: en + suffix });
  }

  /** The names this error had before the shared model; kept for the code that reads them. */
  get messageJa(): string {
    return this.ja;
  }

  get messageEn(): string {
    return this.en;
  }
}
