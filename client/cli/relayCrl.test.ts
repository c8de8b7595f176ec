// Issue 11 (#9): `careplan-link relay --crl FILE`. A CRL file that cannot be read or cannot serve
// stops the relay before it listens, saying which file and why.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeCrl } from '../../pki/crl.js';
import { LocalizedError } from '../../shared/errors.js';
import { runRelay } from './relay.js';
import { UsageError } from './run.js';

const PKI = join(import.meta.dirname, '..', '..', 'fixtures', 'pki');
const pem = (f: string) => readFileSync(join(PKI, f), 'utf8');
const io = { stdout: () => {}, stderr: () => {} };
const tlsFlags = ['--tls-cert', join(PKI, 'relay-server.pem'), '--tls-key', join(PKI, 'relay-server.key.pem'), '--client-ca', join(PKI, 'ca.pem'), '--port', '0'];

describe('careplan-link relay --crl', () => {
  it('refuses a CRL file it cannot read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-relay-crl-'));
    const missing = join(dir, 'missing.crl');
    const e = await runRelay([...tlsFlags, '--data', join(dir, 'data'), '--crl', missing], io).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).en).toContain(missing);
  });

  it('refuses a CRL that no client CA signed, before listening', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-relay-crl-'));
    const crl = join(dir, 'foreign.crl.pem');
    writeFileSync(crl, makeCrl({ caCertPem: pem('foreign-ca.pem'), caKeyPem: pem('foreign-ca.key.pem'), revoked: [] }));
    const e = await runRelay([...tlsFlags, '--data', join(dir, 'data'), '--crl', crl], io).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LocalizedError);
    expect((e as LocalizedError).code).toBe('crl');
  });
});
