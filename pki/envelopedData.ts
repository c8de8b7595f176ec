// CMS EnvelopedData (RFC 5652 §6) with Node's crypto: AES-256-CBC content, RSAES-OAEP (SHA-256,
// MGF1-SHA-256) key transport to each recipient certificate. Written in exactly the layout PKI.js
// wrote before (indefinite lengths, the ciphertext in 1,024-byte pieces), so the relay and every
// receiver already in use read it as before; read back without building a node per piece, so
// envelopes of any size open. Only algorithms BoringSSL has too (Electron), no WebCrypto key import.
import { constants, createCipheriv, createDecipheriv, privateDecrypt, publicEncrypt, randomBytes } from 'node:crypto';
import { certFields, publicKeyOf, type CertInfo } from './certs.js';
import { BerReader, contextTag, DER_NULL, indefinite, octetString, oid, oidText, sequence, smallInteger, TAG, tlv, toBuffer, type Tlv } from './der.js';
import { IdentityError } from './errors.js';
import type { OfficeIdentity } from './pkcs12.js';
import { OID } from './signedData.js';

const OID_RSAES_OAEP = '1.2.840.113549.1.1.7';
const OID_MGF1 = '1.2.840.113549.1.1.8';
const OID_P_SPECIFIED = '1.2.840.113549.1.1.9';
const OID_SHA1 = '1.3.14.3.2.26';
const OID_AES256_CBC = '2.16.840.1.101.3.4.1.42';

const OAEP_HASHES: Record<string, string> = {
  [OID_SHA1]: 'sha1',
  [OID.sha256]: 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

const CONTENT_CIPHERS: Record<string, { name: string; keyLength: number }> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLength: 24 },
  [OID_AES256_CBC]: { name: 'aes-256-cbc', keyLength: 32 },
};

/** RSAES-OAEP with SHA-256 and MGF1-SHA-256, parameters written out as PKI.js wrote them. */
const OAEP_SHA256 = sequence(
  oid(OID_RSAES_OAEP),
  sequence(tlv(contextTag(0), sequence(oid(OID.sha256), DER_NULL)), tlv(contextTag(1), sequence(oid(OID_MGF1), sequence(oid(OID.sha256), DER_NULL)))),
);

/** PKI.js's piece size for the ciphertext. */
const PIECE = 1024;
const FULL_PIECE_HEADER = Buffer.from([TAG.OCTET_STRING, 0x82, PIECE >> 8, PIECE & 0xff]);

/** The ciphertext as OCTET STRING pieces of 1,024 bytes, written into one buffer (one copy). */
function pieces(bytes: Buffer): Buffer {
  const full = Math.floor(bytes.length / PIECE);
  const rest = bytes.subarray(full * PIECE);
  const restEncoded = rest.length > 0 ? toBuffer(octetString(rest)) : Buffer.alloc(0);
  const out = Buffer.allocUnsafe(full * (FULL_PIECE_HEADER.length + PIECE) + restEncoded.length);
  let at = 0;
  for (let i = 0; i < full; i++) {
    at += FULL_PIECE_HEADER.copy(out, at);
    at += bytes.copy(out, at, i * PIECE, (i + 1) * PIECE);
  }
  restEncoded.copy(out, at);
  return out;
}

/** Encrypts for each recipient certificate. */
export function encryptEnvelope(content: Buffer, recipients: CertInfo[]): Buffer {
  const key = randomBytes(32);
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const ciphertext = Buffer.concat([cipher.update(content), cipher.final()]);
  const recipientInfos = recipients.map((r) => {
    const f = certFields(r);
    const encryptedKey = publicEncrypt({ key: publicKeyOf(r), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, key);
    return sequence(smallInteger(0), sequence(f.issuer, tlv(TAG.INTEGER, f.serial)), OAEP_SHA256, octetString(encryptedKey));
  });
  key.fill(0);
  const encryptedContentInfo = indefinite(TAG.SEQUENCE, oid(OID.data), sequence(oid(OID_AES256_CBC), octetString(iv)), indefinite(contextTag(0), pieces(ciphertext)));
  // PKI.js writes version 2 whatever the recipients; kept so the bytes stay as before.
  const envelopedData = indefinite(TAG.SEQUENCE, smallInteger(2), tlv(TAG.SET, ...recipientInfos), encryptedContentInfo);
  return toBuffer(indefinite(TAG.SEQUENCE, oid(OID.envelopedData), indefinite(contextTag(0), envelopedData)));
}

interface KeyTransport {
  rid: { kind: 'issuer-serial'; issuer: Buffer; serial: Buffer } | { kind: 'key-id'; keyId: Buffer };
  algorithm: Tlv;
  encryptedKey: Buffer;
}

interface ParsedEnvelope {
  r: BerReader;
  recipients: KeyTransport[];
  contentAlgorithm: Tlv;
  encryptedContent: Tlv | null;
}

function parseEnvelope(bytes: Buffer): ParsedEnvelope {
  const r = new BerReader(bytes);
  const [type, wrapped] = r.children(r.expect(0, TAG.SEQUENCE));
  if (type?.tag !== TAG.OID || oidText(r.content(type)) !== OID.envelopedData) throw new Error('not EnvelopedData');
  if (wrapped?.tag !== contextTag(0)) throw new Error('content missing');
  const env = r.children(wrapped)[0];
  if (env?.tag !== TAG.SEQUENCE) throw new Error('EnvelopedData is not a SEQUENCE');
  const fields = r.children(env);
  let i = 1; // after version
  if (fields[i]?.tag === contextTag(0)) i++; // originatorInfo: not used by key transport
  const infos = fields[i++];
  const eci = fields[i];
  if (infos?.tag !== TAG.SET || eci?.tag !== TAG.SEQUENCE) throw new Error('recipientInfos or encryptedContentInfo missing');
  const recipients: KeyTransport[] = [];
  for (const ri of r.children(infos)) {
    // KeyTransRecipientInfo is the untagged SEQUENCE choice; the other kinds are tagged and skipped.
    if (ri.tag !== TAG.SEQUENCE) continue;
    const [, rid, algorithm, encryptedKey] = r.children(ri);
    if (algorithm?.tag !== TAG.SEQUENCE || encryptedKey?.tag !== TAG.OCTET_STRING) throw new Error('KeyTransRecipientInfo incomplete');
    let id: KeyTransport['rid'];
    if (rid?.tag === TAG.SEQUENCE) {
      const [issuer, serial] = r.children(rid);
      if (issuer?.tag !== TAG.SEQUENCE || serial?.tag !== TAG.INTEGER) throw new Error('IssuerAndSerialNumber unreadable');
      id = { kind: 'issuer-serial', issuer: r.raw(issuer), serial: r.content(serial) };
    } else if (rid && (rid.tag === contextTag(0, false) || rid.tag === contextTag(0))) {
      id = { kind: 'key-id', keyId: r.octets(rid) };
    } else {
      throw new Error('recipient identifier unreadable');
    }
    recipients.push({ rid: id, algorithm, encryptedKey: r.content(encryptedKey) });
  }
  const [, contentAlgorithm, encryptedContent] = r.children(eci);
  if (contentAlgorithm?.tag !== TAG.SEQUENCE) throw new Error('contentEncryptionAlgorithm missing');
  return { r, recipients, contentAlgorithm, encryptedContent: encryptedContent ?? null };
}

function isFor(identity: OfficeIdentity, rid: KeyTransport['rid']): boolean {
  const own = certFields(identity.certificate);
  if (rid.kind === 'issuer-serial') return rid.issuer.equals(own.issuer) && rid.serial.equals(own.serial);
  return own.subjectKeyIdentifier !== null && rid.keyId.equals(own.subjectKeyIdentifier);
}

/** OAEP's hash from the parameters (defaults SHA-1, RFC 4055); Node ties MGF1's hash to it, so they must agree. */
function oaepOptions(r: BerReader, algorithm: Tlv): { oaepHash: string; oaepLabel?: Buffer } {
  const [id, params] = r.children(algorithm);
  if (id?.tag !== TAG.OID || oidText(r.content(id)) !== OID_RSAES_OAEP) throw new Error('key transport is not RSAES-OAEP');
  let hash = OID_SHA1;
  let mgfHash = OID_SHA1;
  let label: Buffer | undefined;
  for (const p of params && params.tag === TAG.SEQUENCE ? r.children(params) : []) {
    const inner = r.children(p)[0];
    if (!inner) throw new Error('OAEP parameter empty');
    const [pid, pvalue] = r.children(inner);
    if (pid?.tag !== TAG.OID) throw new Error('OAEP parameter unreadable');
    if (p.tag === contextTag(0)) hash = oidText(r.content(pid));
    else if (p.tag === contextTag(1)) {
      if (oidText(r.content(pid)) !== OID_MGF1 || pvalue?.tag !== TAG.SEQUENCE) throw new Error('mask generation is not MGF1');
      const mgfId = r.children(pvalue)[0];
      if (mgfId?.tag !== TAG.OID) throw new Error('MGF1 hash unreadable');
      mgfHash = oidText(r.content(mgfId));
    } else if (p.tag === contextTag(2)) {
      if (oidText(r.content(pid)) !== OID_P_SPECIFIED || pvalue?.tag !== TAG.OCTET_STRING) throw new Error('OAEP label source unsupported');
      label = r.content(pvalue);
    }
  }
  const oaepHash = OAEP_HASHES[hash];
  if (!oaepHash || hash !== mgfHash) throw new Error('OAEP hash unsupported');
  return label && label.length > 0 ? { oaepHash, oaepLabel: label } : { oaepHash };
}

/** Decrypts with the identity's key; IdentityError ENVELOPE_MALFORMED, DECRYPT_NOT_FOR_ME or DECRYPT_FAILED. */
export function decryptEnvelope(bytes: Buffer, identity: OfficeIdentity): Buffer {
  let parsed: ParsedEnvelope;
  try {
    parsed = parseEnvelope(bytes);
  } catch {
    throw new IdentityError('ENVELOPE_MALFORMED');
  }
  const mine = parsed.recipients.find((k) => isFor(identity, k.rid));
  if (!mine) throw new IdentityError('DECRYPT_NOT_FOR_ME');
  // Outside the try: a disposed identity says so instead of looking like bad data.
  const privateKey = identity.privateKey;
  const { r } = parsed;
  let key: Buffer | undefined;
  try {
    key = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, ...oaepOptions(r, mine.algorithm) }, mine.encryptedKey);
    const [cipherId, ivTlv] = r.children(parsed.contentAlgorithm);
    const cipher = cipherId?.tag === TAG.OID ? CONTENT_CIPHERS[oidText(r.content(cipherId))] : undefined;
    if (!cipher || key.length !== cipher.keyLength || ivTlv?.tag !== TAG.OCTET_STRING) throw new Error('content cipher unsupported');
    if (!parsed.encryptedContent || (parsed.encryptedContent.tag !== contextTag(0, false) && parsed.encryptedContent.tag !== contextTag(0))) throw new Error('no encrypted content');
    const decipher = createDecipheriv(cipher.name, key, r.content(ivTlv));
    return Buffer.concat([decipher.update(r.octets(parsed.encryptedContent)), decipher.final()]);
  } catch {
    throw new IdentityError('DECRYPT_FAILED');
  } finally {
    key?.fill(0);
  }
}
