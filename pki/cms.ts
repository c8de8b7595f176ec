// CMS (RFC 5652) for office files: SignedData (SHA-256, RSA PKCS#1 v1.5) and EnvelopedData
// (AES-256-CBC, RSA-OAEP key transport), written and read with der.ts and Node's crypto alone.
// The bytes written are those node-forge and PKI.js wrote before (pki/cms-compat.test.ts holds
// the old code and compares), and OpenSSL reads and writes both. Every verification outcome is an
// explicit status: an exception is never read as "unsigned" or "valid".
import { constants, createHash, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import { allowsEku, allowsSigning, certFields, certInfo, EKU_CLIENT_AUTH, EKU_EMAIL_PROTECTION, issuedBy, publicKeyOf, type CertInfo } from './certs.js';
import { revocationOf, type Crl } from './crl.js';
import { oidText, TAG } from './der.js';
import { decryptEnvelope, encryptEnvelope } from './envelopedData.js';
import { IdentityError } from './errors.js';
import { checkUnitSize } from './limits.js';
import type { OfficeIdentity } from './pkcs12.js';
import { encodeSignedData, OID, parseSignedData, signedAttributes, timeValue, type ParsedSignedData, type ParsedSignerInfo } from './signedData.js';

const SIGNATURE_OIDS = {
  rsa: ['1.2.840.113549.1.1.1', '1.2.840.113549.1.1.11', '1.2.840.113549.1.1.12', '1.2.840.113549.1.1.13'],
  ecdsa: ['1.2.840.10045.4.3.2', '1.2.840.10045.4.3.3', '1.2.840.10045.4.3.4'],
} as const;

const DIGESTS: Record<string, string> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

export interface SignOptions {
  signingTime?: Date;
  /** Detached (default): the signature file holds no content; otherwise the content is encapsulated. */
  detached?: boolean;
}

/** CMS SignedData, SHA-256, with contentType, messageDigest and signingTime signed, certificate and chain included. */
export function signCms(content: Buffer, identity: OfficeIdentity, options: SignOptions = {}): Buffer {
  const { attributes, finish } = prepareSignature(content, identity, options);
  return finish(cryptoSign('sha256', attributes, signingKey(identity)));
}

/**
 * The same bytes as signCms, with the RSA operation on libuv's thread pool: the agent seals 8 units at
 * a time, and a synchronous 2048-bit signature held the event loop ~0.6 ms a unit (0.29 s of a 500-unit
 * burst) while the pool's threads could have taken it beside the main thread's work.
 */
export async function signCmsAsync(content: Buffer, identity: OfficeIdentity, options: SignOptions = {}): Promise<Buffer> {
  const { attributes, finish } = prepareSignature(content, identity, options);
  const signature = await new Promise<Buffer>((resolve, reject) => cryptoSign('sha256', attributes, signingKey(identity), (e, sig) => (e ? reject(e) : resolve(sig))));
  return finish(signature);
}

function signingKey(identity: OfficeIdentity) {
  return { key: identity.privateKey, padding: constants.RSA_PKCS1_PADDING };
}

/** The signed attributes, and how the signature over them becomes the SignedData. */
function prepareSignature(content: Buffer, identity: OfficeIdentity, options: SignOptions): { attributes: Buffer; finish: (signature: Buffer) => Buffer } {
  const key = identity.privateKey;
  if (key.asymmetricKeyType !== 'rsa') throw new IdentityError('SIGN_KEY_UNSUPPORTED', key.asymmetricKeyType);
  const attributes = signedAttributes(createHash('sha256').update(content).digest(), options.signingTime ?? new Date());
  const own = certFields(identity.certificate);
  const finish = (signature: Buffer) =>
    encodeSignedData({
      content: options.detached === false ? content : null,
      attributes,
      signature,
      certificates: [identity.certificate.der, ...identity.chain.map((c) => c.der)],
      issuer: own.issuer,
      serial: own.serial,
    });
  return { attributes, finish };
}

/** What a verification found, and what it says to a person (Japanese, English); the statuses are this table's keys. */
const VERDICTS = {
  valid: ['署名は正しく、信頼できる証明書によるものです', 'The signature is valid and from a trusted certificate'],
  'no-signature': ['署名ファイル（.p7s）がありません', 'No signature file (.p7s)'],
  malformed: ['署名データの形式が正しくありません', 'The signature data is malformed'],
  tampered: ['ファイルの内容が署名後に変わっています（改ざんまたは破損）', 'The file changed after it was signed (tampered or damaged)'],
  'bad-signature': ['署名の値が正しくありません', 'The signature value does not verify'],
  'unknown-issuer': ['署名した証明書の発行元が信頼されていません', 'The signing certificate was not issued by a trusted authority'],
  'expired-at-signing': ['署名した時点で証明書の有効期限が切れていました', 'The certificate had expired when the file was signed'],
  'not-yet-valid-at-signing': ['署名した時点で証明書がまだ有効ではありませんでした', 'The certificate was not yet valid when the file was signed'],
  'wrong-key-usage': ['この証明書は署名用ではありません', 'The certificate is not for signing'],
  revoked: ['署名した証明書は失効しています（CA の失効リスト）', 'The signing certificate has been revoked (CA revocation list)'],
  'unsupported-algorithm': ['署名の方式に対応していません', 'The signature algorithm is not supported'],
  'signing-time-in-future': ['署名時刻が未来になっています（署名した端末の時計を確認してください）', 'The signing time lies in the future (check the signer\'s clock)'],
  unreadable: ['署名ファイルを読めません', 'The signature file cannot be read'],
} as const satisfies Record<string, readonly [string, string]>;
export type VerifyStatus = keyof typeof VERDICTS;

export interface VerifyResult {
  status: VerifyStatus;
  valid: boolean;
  messageJa: string;
  messageEn: string;
  detail?: string;
  signer?: { subject: string; issuer: string; serialNumber: string; fingerprint256: string; notBefore: string; notAfter: string; officeNumber: string | null };
  signingTime?: string;
  chain?: string[];
  /** The encapsulated content, when the signature carried it. */
  content?: Buffer;
}

function result(status: VerifyStatus, extra: Partial<VerifyResult> = {}): VerifyResult {
  const [ja, en] = VERDICTS[status];
  return { status, valid: status === 'valid', messageJa: extra.detail ? `${ja}（${extra.detail}）` : ja, messageEn: extra.detail ? `${en} (${extra.detail})` : en, ...extra };
}

export interface VerifyOptions {
  trustAnchors: CertInfo[];
  /** Detached content; omit to verify the content carried inside the signature. */
  content?: Buffer;
  now?: Date;
  /** Revocation lists (pki/crl.ts loadCrls): a certificate on one, anywhere in the chain, fails as `revoked`. */
  crls?: readonly Crl[];
}

function sameCert(a: CertInfo, b: CertInfo): boolean {
  return a.fingerprint256 === b.fingerprint256;
}

/** Builds a path from the signer to a trust anchor through the certificates offered. */
export function buildChain(signer: CertInfo, pool: CertInfo[], anchors: CertInfo[]): CertInfo[] | null {
  const path = [signer];
  let current = signer;
  for (let depth = 0; depth < 8; depth++) {
    if (anchors.some((a) => sameCert(a, current))) return path;
    const anchor = anchors.find((a) => issuedBy(current, a));
    if (anchor) return [...path, anchor];
    const next = pool.find((c) => !path.some((p) => sameCert(p, c)) && c.isCA && issuedBy(current, c));
    if (!next) return null;
    path.push(next);
    current = next;
  }
  return null;
}

function verifySignatureValue(si: ParsedSignerInfo, signed: Buffer, cert: CertInfo, hash: string): boolean | 'unsupported' {
  const alg = si.signatureAlgorithm;
  const key = publicKeyOf(cert);
  if ((SIGNATURE_OIDS.rsa as readonly string[]).includes(alg)) return cryptoVerify(hash, signed, { key, padding: constants.RSA_PKCS1_PADDING }, si.signature);
  if ((SIGNATURE_OIDS.ecdsa as readonly string[]).includes(alg)) return cryptoVerify(hash, signed, key, si.signature);
  return 'unsupported';
}

/** The certificate the signer names, among those the signature carries. */
function findSigner(si: ParsedSignerInfo, offered: CertInfo[]): CertInfo | undefined {
  const sid = si.sid;
  if (sid.kind === 'issuer-serial') {
    return offered.find((c) => {
      const f = certFields(c);
      return f.issuer.equals(sid.issuer) && f.serial.equals(sid.serial);
    });
  }
  return offered.find((c) => certFields(c).subjectKeyIdentifier?.equals(sid.keyId) === true);
}

export function verifyCms(signature: Buffer, options: VerifyOptions): VerifyResult {
  let sd: ParsedSignedData;
  try {
    sd = parseSignedData(signature);
    if (sd.contentType !== OID.signedData) return result('malformed', { detail: `contentType ${sd.contentType}` });
  } catch (e) {
    return result('malformed', { detail: (e as Error).message.slice(0, 120) });
  }
  try {
    const si = sd.signerInfos[0];
    if (!si) return result('no-signature', { detail: 'no SignerInfo' });
    const hash = DIGESTS[si.digestAlgorithm];
    if (!hash) return result('unsupported-algorithm', { detail: `digest ${si.digestAlgorithm}` });

    const offered = sd.certificates.map((der) => certInfo(der));
    const signer = findSigner(si, offered);
    if (!signer) return result('unknown-issuer', { detail: 'the signer certificate is not in the signature' });

    const content = options.content ?? sd.eContent ?? undefined;
    if (content === undefined) return result('malformed', { detail: 'detached signature without content' });
    const digest = createHash(hash).update(content).digest();

    let signed: Buffer;
    let signingTime: Date | undefined;
    if (si.signedAttributes) {
      const md = si.attributes.get(OID.messageDigest);
      const ct = si.attributes.get(OID.contentType);
      if (!md || !ct || md.tag !== TAG.OCTET_STRING || ct.tag !== TAG.OID) return result('malformed', { detail: 'messageDigest or contentType attribute missing' });
      if (oidText(ct.content) !== sd.eContentType) return result('malformed', { detail: 'contentType attribute differs from the content type' });
      const st = si.attributes.get(OID.signingTime);
      if (st) {
        const at = timeValue(st);
        if (!at) return result('malformed', { detail: 'signingTime unreadable' });
        signingTime = at;
      }
      if (!md.content.equals(digest)) return withSigner(result('tampered'), signer, signingTime);
      signed = si.signedAttributes;
    } else {
      signed = content;
    }
    const ok = verifySignatureValue(si, signed, signer, hash);
    if (ok === 'unsupported') return withSigner(result('unsupported-algorithm', { detail: si.signatureAlgorithm }), signer, signingTime);
    if (!ok) return withSigner(result('bad-signature'), signer, signingTime);

    const chain = buildChain(signer, offered, options.trustAnchors);
    if (!chain) return withSigner(result('unknown-issuer', { detail: signer.issuerText }), signer, signingTime);
    const now = options.now ?? new Date();
    // The signing time is the signer's own claim (there is no time-stamp authority); it must at
    // least not lie in the future beyond ordinary clock drift.
    if (signingTime && signingTime.getTime() > now.getTime() + 24 * 3_600_000) return withSigner(result('signing-time-in-future'), signer, signingTime);
    const at = signingTime ?? now;
    for (const c of chain) {
      if (at > c.notAfter) return withSigner(result('expired-at-signing', { detail: `${c.subjectText} until ${c.notAfter.toISOString()}` }), signer, signingTime, chain);
      if (at < c.notBefore) return withSigner(result('not-yet-valid-at-signing', { detail: `${c.subjectText} from ${c.notBefore.toISOString()}` }), signer, signingTime, chain);
    }
    // Revoked means revoked whenever it signed: the signing time is the signer's own claim.
    for (const c of options.crls?.length ? chain : []) {
      const revoked = revocationOf(c, options.crls!);
      if (revoked) return withSigner(result('revoked', { detail: `${c.subjectText} ${revoked.revokedAt.toISOString()}` }), signer, signingTime, chain);
    }
    if (!allowsSigning(signer) || !allowsEku(signer, EKU_EMAIL_PROTECTION, EKU_CLIENT_AUTH)) return withSigner(result('wrong-key-usage'), signer, signingTime, chain);
    const ok2 = withSigner(result('valid'), signer, signingTime, chain);
    if (options.content === undefined) ok2.content = content;
    return ok2;
  } catch (e) {
    return result('malformed', { detail: (e as Error).message.slice(0, 120) });
  }
}

function withSigner(r: VerifyResult, signer: CertInfo, signingTime?: Date, chain?: CertInfo[]): VerifyResult {
  r.signer = {
    subject: signer.subjectText,
    issuer: signer.issuerText,
    serialNumber: signer.serialNumber,
    fingerprint256: signer.fingerprint256,
    notBefore: signer.notBefore.toISOString(),
    notAfter: signer.notAfter.toISOString(),
    officeNumber: /^\d{10}$/.test(signer.subject.CN ?? '') ? signer.subject.CN! : null,
  };
  if (signingTime) r.signingTime = signingTime.toISOString();
  if (chain) r.chain = chain.map((c) => c.subjectText);
  return r;
}

// ── EnvelopedData ───────────────────────────────────────────────────────────

/** Encrypts for the recipient's certificate: AES-256-CBC content key, RSA-OAEP (SHA-256) key transport. */
export async function encryptCms(content: Buffer, recipient: CertInfo | CertInfo[]): Promise<Buffer> {
  return encryptEnvelope(content, Array.isArray(recipient) ? recipient : [recipient]);
}

export async function decryptCms(envelope: Buffer, identity: OfficeIdentity): Promise<Buffer> {
  return decryptEnvelope(envelope, identity);
}

// ── sign, then encrypt (what travels through the relay) ───────────────────────

/** Signs then encrypts a unit; refuses one over MAX_UNIT_BYTES (UNIT_TOO_LARGE) so nothing is sent that cannot arrive. */
export async function seal(content: Buffer, sender: OfficeIdentity, recipient: CertInfo): Promise<Buffer> {
  checkUnitSize(content);
  return encryptCms(await signCmsAsync(content, sender, { detached: false }), recipient);
}

export interface Opened {
  content: Buffer | null;
  verification: VerifyResult;
}

/** Decrypts with the recipient's key, then verifies the sender's signature against the trust anchors. */
export async function open(envelope: Buffer, recipient: OfficeIdentity, trustAnchors: CertInfo[], now?: Date, crls?: readonly Crl[]): Promise<Opened> {
  const signed = await decryptCms(envelope, recipient);
  const verification = verifyCms(signed, { trustAnchors, ...(now ? { now } : {}), ...(crls ? { crls } : {}) });
  return { content: verification.valid ? (verification.content ?? null) : null, verification };
}

