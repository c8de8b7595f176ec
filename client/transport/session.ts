// Everything one office needs to talk to the relay: its config, identity, trust anchors, client.
import { readFileSync } from 'node:fs';
import type { SpecCatalog } from '../../shared/spec/model.js';
import { certsFromPem, type CertInfo } from '../../pki/certs.js';
import { readCrlFiles, type Crl } from '../../pki/crl.js';
import { asLocalizedError } from '../../shared/errors.js';
import { passwordFromEnv } from '../identity/password.js';
import { loadPkcs12, type OfficeIdentity } from '../../pki/pkcs12.js';
import { loadCatalog } from '../check/specs.js';
import { loadConfig, ConfigError, type OfficeConfig } from './config.js';
import { RelayClient } from './relayClient.js';
import { Spool } from './spool.js';
import type { LockProgram } from '../../platform/fs.js';

export interface Session {
  config: OfficeConfig;
  identity: OfficeIdentity;
  trust: CertInfo[];
  /**
   * 設定の `crl` の失効リスト（信頼する CA の署名を確認済み）。受信した署名・受領証・送信先の証明書をこれで確かめる。
   * The config's revocation lists, each checked against `trust`: the receiver, the receipt checks and
   * the sender hold certificates against them. Empty when the config names none.
   */
  crls: Crl[];
  client: RelayClient;
  spool: Spool;
  catalog: SpecCatalog;
  close(): void;
}

/**
 * `writer` is the program that will write the office's spool ('app', 'agent', 'cli'): it takes the
 * spool's lock, so a second program on the same config is refused (SpoolLockedError) until close().
 * `null` opens the spool for reading only (status, the directory).
 */
export function openSession(configPath: string, env: NodeJS.ProcessEnv = process.env, writer: LockProgram | null = 'cli'): Session {
  const config = loadConfig(configPath);
  let p12: Buffer;
  try {
    p12 = readFileSync(config.p12);
  } catch {
    throw new ConfigError({ ja: `証明書ファイルを読めません: ${config.p12}`, en: `cannot read the certificate file: ${config.p12}` }, { field: 'p12' });
  }
  const identity = loadPkcs12(p12, passwordFromEnv(config.passwordEnv, env));
  if (identity.officeNumber !== config.office) {
    identity.dispose();
    throw new ConfigError({ ja: `証明書の事業所番号（${identity.officeNumber}）が設定の事業所番号（${config.office}）と違います`, en: `the certificate's office (${identity.officeNumber}) differs from the config (${config.office})` }, { field: 'office' });
  }
  let trustPem = '';
  for (const t of config.trust) {
    try {
      trustPem += readFileSync(t, 'utf8');
    } catch {
      throw new ConfigError({ ja: `CA 証明書を読めません: ${t}`, en: `cannot read the CA certificate: ${t}` }, { field: 'trust' });
    }
  }
  const trust = certsFromPem(trustPem);
  let crls: Crl[];
  try {
    crls = readCrlFiles(config.crl ?? [], trust);
  } catch (e) {
    identity.dispose();
    // A list that cannot be read or that no trusted CA signed must stop the office, never read as
    // "nothing is revoked": a revoked partner would then be trusted without a word.
    const why = asLocalizedError(e);
    throw new ConfigError({ ja: `設定の失効リスト（crl）を使えません: ${why.ja}`, en: `the config's revocation lists (crl) cannot be used: ${why.en}` }, { field: 'crl', cause: e });
  }
  let spool: Spool;
  try {
    spool = writer ? Spool.openForWriting(config.folders.spool, writer) : new Spool(config.folders.spool);
  } catch (e) {
    identity.dispose();
    throw e;
  }
  const client = new RelayClient({ url: config.relay, identity, trustPem });
  return {
    config,
    identity,
    trust,
    crls,
    client,
    spool,
    catalog: loadCatalog(),
    close() {
      client.close();
      identity.dispose();
      spool.close();
    },
  };
}

/** Announces the office (name, service type) in the relay's directory. */
export async function announce(s: Session): Promise<void> {
  await s.client.updateMe({ ...(s.config.name ? { name: s.config.name } : {}), serviceTypes: [s.config.serviceType] });
}
