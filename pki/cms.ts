// CMS (RFC 5652) for office files: SignedData made with node-forge, verified independently with
// PKI.js parsing and Node's crypto, so a bug in one library cannot vouch for itself; EnvelopedData
// (AES-256, RSA-OAEP key transport) with PKI.js on WebCrypto. Every verification outcome is an
// explicit status: an exception is never read as "unsigned" or "valid".
import { constants, createHash, verify as cryptoVerify, webcrypto, privateEncrypt, type KeyObject } from 'node:crypto';
import type * as asn1js from 'asn1js';
import forge from 'node-forge';
import * as pkijs from 'pkijs';
import { allowsEku, allowsSigning, certInfo, EKU_CLIENT_AUTH, EKU_EMAIL_PROTECTION, type CertInfo } from './certs.js';
import { IdentityError } from './errors.js';
import type { OfficeIdentity } from './pkcs12.js';

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  sha384WithRSA: '1.2.840.113549.1.1.12',
  sha512WithRSA: '1.2.840.113549.1.1.13',
  ecdsaSha256: '1.2.840.10045.4.3.2',
  ecdsaSha384: '1.2.840.10045.4.3.3',
  ecdsaSha512: '1.2.840.10045.4.3.4',
} as const;

const DIGESTS: Record<string, string> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

// DER prefix of DigestInfo { sha256, NULL } — what a PKCS#1 v1.5 signature wraps around the hash.
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

function forgeCert(c: CertInfo): forge.pki.Certificate {
  return forge.pki.certificateFromAsn1(forge.asn1.fromDer(forge.util.createBuffer(c.der.toString('binary'))));
}

/** forge calls key.sign(md); we answer with Node's RSA so the private key never becomes a forge object. */
function nodeSigner(key: KeyObject) {
  return {
    sign(md: forge.md.MessageDigest): string {
      const digest = Buffer.from(md.digest().getBytes(), 'binary');
      return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([SHA256_DIGEST_INFO, digest])).toString('binary');
    },
  };
}

export interface SignOptions {
  signingTime?: Date;
  /** Detached (default): the signature file holds no content; otherwise the content is encapsulated. */
  detached?: boolean;
}

/** CMS SignedData, SHA-256, with contentType, messageDigest and signingTime signed, certificate and chain included. */
export function signCms(content: Buffer, identity: OfficeIdentity, options: SignOptions = {}): Buffer {
  if (identity.privateKey.asymmetricKeyType !== 'rsa') throw new IdentityError('SIGN_KEY_UNSUPPORTED', identity.privateKey.asymmetricKeyType);
  const p7 = forge.pkcs7.createSignedData();
  p7.content = forge.util.createBuffer(content.toString('binary'));
  const own = forgeCert(identity.certificate);
  p7.addCertificate(own);
  for (const c of identity.chain) p7.addCertificate(forgeCert(c));
  p7.addSigner({
    key: nodeSigner(identity.privateKey) as unknown as forge.pki.rsa.PrivateKey,
    certificate: own,
    digestAlgorithm: forge.pki.oids.sha256!,
    authenticatedAttributes: [
      { type: forge.pki.oids.contentType!, value: forge.pki.oids.data! },
      { type: forge.pki.oids.messageDigest! },
      { type: forge.pki.oids.signingTime!, value: (options.signingTime ?? new Date()) as unknown as string },
    ],
  });
  p7.sign({ detached: options.detached !== false });
  return Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary');
}

export type VerifyStatus =
  | 'valid'
  | 'no-signature'
  | 'malformed'
  | 'tampered'
  | 'bad-signature'
  | 'unknown-issuer'
  | 'expired-at-signing'
  | 'not-yet-valid-at-signing'
  | 'wrong-key-usage'
  | 'signing-time-in-future'
  | 'unreadable'
  | 'unsupported-algorithm';

const VERDICTS: Record<VerifyStatus, [string, string]> = {
  valid: ['署名は正しく、信頼できる証明書によるものです', 'The signature is valid and from a trusted certificate'],
  'no-signature': ['署名ファイル（.p7s）がありません', 'No signature file (.p7s)'],
  malformed: ['署名データの形式が正しくありません', 'The signature data is malformed'],
  tampered: ['ファイルの内容が署名後に変わっています（改ざんまたは破損）', 'The file changed after it was signed (tampered or damaged)'],
  'bad-signature': ['署名の値が正しくありません', 'The signature value does not verify'],
  'unknown-issuer': ['署名した証明書の発行元が信頼されていません', 'The signing certificate was not issued by a trusted authority'],
  'expired-at-signing': ['署名した時点で証明書の有効期限が切れていました', 'The certificate had expired when the file was signed'],
  'not-yet-valid-at-signing': ['署名した時点で証明書がまだ有効ではありませんでした', 'The certificate was not yet valid when the file was signed'],
  'wrong-key-usage': ['この証明書は署名用ではありません', 'The certificate is not for signing'],
  'unsupported-algorithm': ['署名の方式に対応していません', 'The signature algorithm is not supported'],
  'signing-time-in-future': ['署名時刻が未来になっています（署名した端末の時計を確認してください）', 'The signing time lies in the future (check the signer\'s clock)'],
  unreadable: ['署名ファイルを読めません', 'The signature file cannot be read'],
};

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
}

function octets(v: asn1js.OctetString): Buffer {
  // Constructed OCTET STRINGs (BER) carry their bytes in parts.
  if (v.idBlock.isConstructed) return Buffer.concat((v.valueBlock.value as asn1js.OctetString[]).map(octets));
  return Buffer.from(v.valueBlock.valueHexView);
}

function attr(si: pkijs.SignerInfo, oid: string): unknown | undefined {
  return si.signedAttrs?.attributes.find((a) => a.type === oid)?.values[0];
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
    const anchor = anchors.find((a) => current.x509.checkIssued(a.x509) && current.x509.verify(a.x509.publicKey));
    if (anchor) return [...path, anchor];
    const next = pool.find((c) => !path.some((p) => sameCert(p, c)) && c.isCA && current.x509.checkIssued(c.x509) && current.x509.verify(c.x509.publicKey));
    if (!next) return null;
    path.push(next);
    current = next;
  }
  return null;
}

function verifySignatureValue(si: pkijs.SignerInfo, signed: Buffer, cert: CertInfo, hash: string): boolean | 'unsupported' {
  const alg = si.signatureAlgorithm.algorithmId;
  const signature = Buffer.from(si.signature.valueBlock.valueHexView);
  const key = cert.x509.publicKey;
  if (alg === OID.rsaEncryption || alg === OID.sha256WithRSA || alg === OID.sha384WithRSA || alg === OID.sha512WithRSA) {
    return cryptoVerify(hash, signed, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
  }
  if (alg === OID.ecdsaSha256 || alg === OID.ecdsaSha384 || alg === OID.ecdsaSha512) return cryptoVerify(hash, signed, key, signature);
  return 'unsupported';
}

export function verifyCms(signature: Buffer, options: VerifyOptions): VerifyResult {
  let sd: pkijs.SignedData;
  try {
    const ci = pkijs.ContentInfo.fromBER(signature);
    if (ci.contentType !== OID.signedData) return result('malformed', { detail: `contentType ${ci.contentType}` });
    sd = new pkijs.SignedData({ schema: ci.content });
  } catch (e) {
    return result('malformed', { detail: (e as Error).message.slice(0, 120) });
  }
  try {
    const si = sd.signerInfos[0];
    if (!si) return result('no-signature', { detail: 'no SignerInfo' });
    const hash = DIGESTS[si.digestAlgorithm.algorithmId];
    if (!hash) return result('unsupported-algorithm', { detail: `digest ${si.digestAlgorithm.algorithmId}` });

    const offered = (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate).map((c) => certInfo(Buffer.from(c.toSchema().toBER())));
    const sid = si.sid as pkijs.IssuerAndSerialNumber | asn1js.Constructed;
    let signer: CertInfo | undefined;
    if (sid instanceof pkijs.IssuerAndSerialNumber) {
      const parsed = (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
      const i = parsed.findIndex((p) => p.issuer.isEqual(sid.issuer) && p.serialNumber.isEqual(sid.serialNumber));
      signer = i >= 0 ? offered[i] : undefined;
    } else {
      // [0] IMPLICIT SubjectKeyIdentifier: PKI.js keeps it as a primitive context-tagged block.
      const block = sid as unknown as { valueBlock: { valueHexView?: Uint8Array; value?: asn1js.OctetString[] } };
      const raw = block.valueBlock.valueHexView ?? block.valueBlock.value?.[0]?.valueBlock.valueHexView;
      if (!raw) return result('malformed', { detail: 'signer identifier unreadable' });
      const ski = Buffer.from(raw);
      signer = offered.find((c) => {
        const ext = pkijs.Certificate.fromBER(c.der).extensions?.find((e) => e.extnID === '2.5.29.14');
        return ext && Buffer.from((ext.parsedValue as asn1js.OctetString).valueBlock.valueHexView).equals(ski);
      });
    }
    if (!signer) return result('unknown-issuer', { detail: 'the signer certificate is not in the signature' });

    const content = options.content ?? (sd.encapContentInfo.eContent ? octets(sd.encapContentInfo.eContent) : undefined);
    if (content === undefined) return result('malformed', { detail: 'detached signature without content' });
    const digest = createHash(hash).update(content).digest();

    let signed: Buffer;
    let signingTime: Date | undefined;
    if (si.signedAttrs) {
      const md = attr(si, OID.messageDigest) as asn1js.OctetString | undefined;
      const ct = attr(si, OID.contentType) as asn1js.ObjectIdentifier | undefined;
      if (!md || !ct) return result('malformed', { detail: 'messageDigest or contentType attribute missing' });
      if (ct.valueBlock.toString() !== sd.encapContentInfo.eContentType) return result('malformed', { detail: 'contentType attribute differs from the content type' });
      const st = attr(si, OID.signingTime) as asn1js.UTCTime | asn1js.GeneralizedTime | undefined;
      signingTime = st?.toDate();
      if (!Buffer.from(md.valueBlock.valueHexView).equals(digest)) return withSigner(result('tampered'), signer, signingTime);
      // The signature covers the DER of the attributes as a SET (tag 0x31), not as the [0] field.
      signed = Buffer.from(si.signedAttrs.encodedValue);
      signed[0] = 0x31;
    } else {
      signed = content;
    }
    const ok = verifySignatureValue(si, signed, signer, hash);
    if (ok === 'unsupported') return withSigner(result('unsupported-algorithm', { detail: si.signatureAlgorithm.algorithmId }), signer, signingTime);
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
  const env = new pkijs.EnvelopedData();
  for (const r of Array.isArray(recipient) ? recipient : [recipient]) {
    env.addRecipientByCertificate(pkijs.Certificate.fromBER(r.der), { oaepHashAlgorithm: 'SHA-256' }, 1);
  }
  const plain = content.buffer.slice(content.byteOffset, content.byteOffset + content.byteLength) as ArrayBuffer;
  await env.encrypt({ name: 'AES-CBC', length: 256 } as Parameters<pkijs.EnvelopedData['encrypt']>[0], plain);
  const ci = new pkijs.ContentInfo({ contentType: OID.envelopedData, content: env.toSchema() });
  return Buffer.from(ci.toSchema().toBER());
}

export async function decryptCms(envelope: Buffer, identity: OfficeIdentity): Promise<Buffer> {
  let env: pkijs.EnvelopedData;
  try {
    const ci = pkijs.ContentInfo.fromBER(envelope);
    if (ci.contentType !== OID.envelopedData) throw new Error(ci.contentType);
    env = new pkijs.EnvelopedData({ schema: ci.content });
  } catch {
    throw new IdentityError('ENVELOPE_MALFORMED');
  }
  const mine = pkijs.Certificate.fromBER(identity.certificate.der);
  const index = env.recipientInfos.findIndex((ri) => {
    if (!(ri.value instanceof pkijs.KeyTransRecipientInfo)) return false;
    const rid = ri.value.rid;
    return rid instanceof pkijs.IssuerAndSerialNumber && rid.issuer.isEqual(mine.issuer) && rid.serialNumber.isEqual(mine.serialNumber);
  });
  if (index < 0) throw new IdentityError('DECRYPT_NOT_FOR_ME');
  const pkcs8 = identity.privateKey.export({ format: 'der', type: 'pkcs8' });
  try {
    const key = await webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['decrypt']);
    const out = await env.decrypt(index, { recipientCertificate: mine, recipientPrivateKey: key as unknown as ArrayBuffer });
    return Buffer.from(out);
  } catch {
    throw new IdentityError('DECRYPT_FAILED');
  } finally {
    pkcs8.fill(0);
  }
}

// ── sign, then encrypt (what travels through the relay) ───────────────────────

export async function seal(content: Buffer, sender: OfficeIdentity, recipient: CertInfo): Promise<Buffer> {
  return encryptCms(signCms(content, sender, { detached: false }), recipient);
}

export interface Opened {
  content: Buffer | null;
  verification: VerifyResult;
}

/** Decrypts with the recipient's key, then verifies the sender's signature against the trust anchors. */
export async function open(envelope: Buffer, recipient: OfficeIdentity, trustAnchors: CertInfo[], now?: Date): Promise<Opened> {
  const signed = await decryptCms(envelope, recipient);
  const verification = verifyCms(signed, { trustAnchors, ...(now ? { now } : {}) });
  return { content: verification.valid ? (verification.content ?? null) : null, verification };
}

