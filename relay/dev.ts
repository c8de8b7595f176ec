// The relay's second public entry (the first is relay/index.ts): what `careplan-link relay` with no
// TLS flags sets up in its data folder — a development CA, the relay's server certificate, and two
// demo offices (a care-manager office and a home-help provider) with ready-to-use client configs.
// Development only: the keys sit in the folder. This file must never import the store: Electron's
// main process imports the demo offices from here and cannot load better-sqlite3.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestPki, TEST_PKI_PASSWORD } from '../pki/testPki.js';

export const DEMO_PASSWORD_ENV = 'CPL_DEMO_P12_PASSWORD';
/** The dev PKI's PKCS#12 password (the test PKI's): this is demo material, not a secret. */
export const DEMO_PASSWORD = TEST_PKI_PASSWORD;

export interface DemoOffice {
  id: string;
  office: string;
  serviceType: string;
  name: string;
  config: string;
}

export interface DevSetup {
  caPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  offices: DemoOffice[];
  created: boolean;
}

const OFFICES = [
  { id: 'care-manager', office: '1310000011', serviceType: '43', name: 'ケアプランリンク居宅介護支援センター' },
  { id: 'home-help', office: '1310000029', serviceType: '11', name: 'ひまわり訪問介護ステーション' },
];

export function ensureDevSetup(dataDir: string, relayUrl: string): DevSetup {
  const pkiDir = join(dataDir, 'dev-pki');
  const demoDir = join(dataDir, 'demo');
  let created = false;
  if (!existsSync(join(pkiDir, 'ca.pem'))) {
    mkdirSync(pkiDir, { recursive: true });
    const pki = makeTestPki(new Date(), ['relay-server', ...OFFICES.map((o) => o.id)]);
    writeFileSync(join(pkiDir, 'ca.pem'), pki.ca.certPem);
    writeFileSync(join(pkiDir, 'server.pem'), pki.offices['relay-server']!.certPem);
    writeFileSync(join(pkiDir, 'server.key.pem'), pki.offices['relay-server']!.keyPem, { mode: 0o600 });
    for (const o of OFFICES) writeFileSync(join(pkiDir, `${o.id}.p12`), pki.offices[o.id]!.p12Modern, { mode: 0o600 });
    created = true;
  }
  const offices = OFFICES.map((o) => {
    const base = join(demoDir, o.id);
    for (const f of ['export', 'import', 'spool']) mkdirSync(join(base, f), { recursive: true });
    const config = join(demoDir, `${o.id}.json`);
    writeFileSync(
      config,
      JSON.stringify(
        {
          office: o.office,
          serviceType: o.serviceType,
          name: o.name,
          p12: `../dev-pki/${o.id}.p12`,
          passwordEnv: DEMO_PASSWORD_ENV,
          relay: relayUrl,
          trust: ['../dev-pki/ca.pem'],
          folders: { export: `${o.id}/export`, import: `${o.id}/import`, spool: `${o.id}/spool` },
        },
        null,
        2,
      ) + '\n',
    );
    return { ...o, config };
  });
  return {
    caPem: readFileSync(join(pkiDir, 'ca.pem'), 'utf8'),
    serverCertPem: readFileSync(join(pkiDir, 'server.pem'), 'utf8'),
    serverKeyPem: readFileSync(join(pkiDir, 'server.key.pem'), 'utf8'),
    offices,
    created,
  };
}
