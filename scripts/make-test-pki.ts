// Writes the test PKI to fixtures/pki/ (npm run pki). Test material only: the keys are public.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../client/paths.js';
import { makeTestPki, TEST_PKI_PASSWORD } from '../pki/testPki.js';

const dir = join(packageRoot(), 'fixtures', 'pki');
mkdirSync(dir, { recursive: true });
const pki = makeTestPki();
writeFileSync(join(dir, 'ca.pem'), pki.ca.certPem);
writeFileSync(join(dir, 'ca.key.pem'), pki.ca.keyPem);
writeFileSync(join(dir, 'foreign-ca.pem'), pki.foreignCa.certPem);
writeFileSync(join(dir, 'foreign-ca.key.pem'), pki.foreignCa.keyPem);
for (const o of Object.values(pki.offices)) {
  writeFileSync(join(dir, `${o.id}.pem`), o.certPem);
  writeFileSync(join(dir, `${o.id}.key.pem`), o.keyPem);
  writeFileSync(join(dir, `${o.id}.p12`), o.p12Modern);
  writeFileSync(join(dir, `${o.id}.legacy.p12`), o.p12Legacy);
}
writeFileSync(
  join(dir, 'README.md'),
  `# Test PKI (made by \`npm run pki\`, node-forge)

Test material only — these private keys are public. Never use them for anything real.
Every PKCS#12 file has the password \`${TEST_PKI_PASSWORD}\`. \`<id>.p12\` is PBES2/AES-256, \`<id>.legacy.p12\` is
pbeWithSHAAnd3-KeyTripleDES-CBC (what Windows exports).

| file | what |
|---|---|
| ca.pem | careplan-link Test CA (trust anchor for tests and the demo) |
| foreign-ca.pem | a CA nobody trusts |
| care-manager | 居宅介護支援 office 1310000011 (service type 43) |
| home-help | 訪問介護 office 1310000029 (service type 11) |
| third-office | a third office 1310000037, for "cannot decrypt" tests |
| expired | office 1310000045, certificate expired a year ago |
| not-yet-valid | office 1310000052, valid only from five years on |
| server-only | office 1310000060 without clientAuth/emailProtection |
| encipher-only | office 1310000078 whose key usage allows no signing |
| relay-server | TLS server certificate for 127.0.0.1 / localhost |
| foreign | claims office 1310000011 but is issued by the foreign CA |
`,
);
process.stdout.write(`test PKI written to ${dir}\n`);
