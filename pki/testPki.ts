// A throw-away test PKI made with node-forge: a test CA, two offices, an expired office, a foreign
// CA with its own office, in legacy (3DES) and modern (PBES2/AES-256) PKCS#12. For tests and the
// demo only — never a real certificate.
import forge from 'node-forge';

export const TEST_PKI_PASSWORD = 'test-password';

export interface TestEntity {
  id: string;
  certPem: string;
  keyPem: string;
  p12Legacy: Buffer;
  p12Modern: Buffer;
}

export interface TestPki {
  ca: { certPem: string; keyPem: string };
  foreignCa: { certPem: string; keyPem: string };
  offices: Record<string, TestEntity>;
}

export interface CertSpec {
  cn: string;
  org: string;
  notBefore: Date;
  notAfter: Date;
  serial: string;
  ca?: boolean;
  eku?: ('clientAuth' | 'emailProtection' | 'serverAuth')[];
  /** Key usage of an end-entity certificate (default: signing and key encipherment). */
  keyUsage?: 'sign-and-encipher' | 'encipher-only';
  san?: string[];
}

export function keyPair(): forge.pki.rsa.KeyPair {
  return forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
}

export function makeCert(spec: CertSpec, publicKey: forge.pki.PublicKey, issuer: { cert: forge.pki.Certificate | null; key: forge.pki.rsa.PrivateKey }): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = spec.serial;
  cert.validity.notBefore = spec.notBefore;
  cert.validity.notAfter = spec.notAfter;
  // Japanese names need the UTF8String tag (forge encodes the value itself).
  const utf8 = (value: string) => ({ value, valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class });
  const subject = [
    { name: 'countryName', value: 'JP' },
    { name: 'organizationName', ...utf8(spec.org) },
    { name: 'commonName', ...utf8(spec.cn) },
  ];
  cert.setSubject(subject);
  cert.setIssuer(issuer.cert ? issuer.cert.subject.attributes : subject);
  const extensions: object[] = [
    { name: 'basicConstraints', cA: spec.ca === true, critical: true },
    spec.ca
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }
      : spec.keyUsage === 'encipher-only'
        ? { name: 'keyUsage', keyEncipherment: true, critical: true }
        : { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, keyEncipherment: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ];
  if (spec.eku) extensions.push({ name: 'extKeyUsage', ...Object.fromEntries(spec.eku.map((e) => [e, true])) });
  if (spec.san) extensions.push({ name: 'subjectAltName', altNames: spec.san.map((s) => (/^\d+\.\d+\.\d+\.\d+$/.test(s) ? { type: 7, ip: s } : { type: 2, value: s })) });
  if (issuer.cert) extensions.push({ name: 'authorityKeyIdentifier', keyIdentifier: issuer.cert.generateSubjectKeyIdentifier().getBytes() });
  cert.setExtensions(extensions);
  cert.sign(issuer.key, forge.md.sha256.create());
  return cert;
}

function p12(key: forge.pki.rsa.PrivateKey, chain: forge.pki.Certificate[], algorithm: '3des' | 'aes256', friendlyName: string): Buffer {
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, chain, TEST_PKI_PASSWORD, { algorithm, friendlyName, generateLocalKeyId: true });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

const years = (n: number, from = new Date()) => new Date(Date.UTC(from.getUTCFullYear() + n, from.getUTCMonth(), 1));

/** Makes the test PKI; `only` limits the office certificates made (the dev relay needs just a few). */
export function makeTestPki(now = new Date(), only?: string[]): TestPki {
  const caKeys = keyPair();
  const caCert = makeCert({ cn: 'careplan-link Test CA', org: 'careplan-link test', notBefore: years(-5, now), notAfter: years(20, now), serial: '01', ca: true }, caKeys.publicKey, { cert: null, key: caKeys.privateKey });
  const foreignKeys = keyPair();
  const foreignCert = makeCert({ cn: 'Foreign Test CA', org: 'somewhere else', notBefore: years(-1, now), notAfter: years(20, now), serial: '01', ca: true }, foreignKeys.publicKey, { cert: null, key: foreignKeys.privateKey });

  const offices: Record<string, TestEntity> = {};
  const office = (id: string, spec: Omit<CertSpec, 'serial' | 'notBefore' | 'notAfter'> & Partial<CertSpec>, issuer = { cert: caCert, key: caKeys.privateKey }) => {
    if (only && !only.includes(id)) return;
    const keys = keyPair();
    const serial = (Object.keys(offices).length + 16).toString(16).padStart(2, '0');
    const cert = makeCert({ notBefore: years(-1, now), notAfter: years(10, now), serial, ...spec }, keys.publicKey, issuer);
    offices[id] = {
      id,
      certPem: forge.pki.certificateToPem(cert),
      keyPem: forge.pki.privateKeyToPem(keys.privateKey),
      p12Legacy: p12(keys.privateKey, [cert, issuer.cert], '3des', id),
      p12Modern: p12(keys.privateKey, [cert, issuer.cert], 'aes256', id),
    };
  };
  office('care-manager', { cn: '1310000011', org: 'ケアプランリンク居宅介護支援センター', eku: ['clientAuth', 'emailProtection'] });
  office('home-help', { cn: '1310000029', org: 'ひまわり訪問介護ステーション', eku: ['clientAuth', 'emailProtection'] });
  office('third-office', { cn: '1310000037', org: 'さくらデイサービス', eku: ['clientAuth', 'emailProtection'] });
  office('expired', { cn: '1310000045', org: 'あおぞら福祉用具', eku: ['clientAuth', 'emailProtection'], notBefore: years(-3, now), notAfter: years(-1, now) });
  office('not-yet-valid', { cn: '1310000052', org: '未来の事業所', eku: ['clientAuth', 'emailProtection'], notBefore: years(5, now), notAfter: years(6, now) });
  office('server-only', { cn: '1310000060', org: 'サーバー用証明書', eku: ['serverAuth'] });
  office('encipher-only', { cn: '1310000078', org: '暗号化専用の証明書', eku: ['clientAuth'], keyUsage: 'encipher-only' });
  office('relay-server', { cn: '127.0.0.1', org: 'careplan-link relay (test)', eku: ['serverAuth'], san: ['localhost', '127.0.0.1'] });
  office('foreign', { cn: '1310000011', org: 'なりすまし事業所', eku: ['clientAuth', 'emailProtection'] }, { cert: foreignCert, key: foreignKeys.privateKey });
  return {
    ca: { certPem: forge.pki.certificateToPem(caCert), keyPem: forge.pki.privateKeyToPem(caKeys.privateKey) },
    foreignCa: { certPem: forge.pki.certificateToPem(foreignCert), keyPem: forge.pki.privateKeyToPem(foreignKeys.privateKey) },
    offices,
  };
}
