// Issue 11: a 3.7 MB unit was sealed and accepted by the relay, then refused by the receiver as
// malformed (asn1js's node limit). Every unit up to MAX_UNIT_BYTES must open, byte for byte, and a
// larger one must be refused before it is sealed.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeMs932 } from '../client/check/ms932.js';
import { loadCatalog } from '../client/check/specs.js';
import { packBundle } from '../client/transport/bundle.js';
import { generateFixtures } from '../shared/fixtures/generate.js';
import { LocalizedError } from '../shared/errors.js';
import { certsFromPem } from './certs.js';
import { open, seal } from './cms.js';
import { checkUnitSize, MAX_UNIT_BYTES } from './limits.js';
import { loadPkcs12 } from './pkcs12.js';

const ROOT = join(import.meta.dirname, '..');
const PKI = join(ROOT, 'fixtures', 'pki');
const load = (id: string) => loadPkcs12(readFileSync(join(PKI, `${id}.p12`)), 'test-password');
const trust = certsFromPem(readFileSync(join(PKI, 'ca.pem'), 'utf8'));
const manager = load('care-manager');
const provider = load('home-help');
/** The relay's default maxUnitBytes (relay/server.ts): the sealed unit must fit under it. */
const RELAY_DEFAULT_MAX_UNIT_BYTES = 20 * 1024 * 1024;

describe('large units', () => {
  it('the 第6/7表 unit for 760 users (3.6 MB of CSV) opens byte for byte, here and in OpenSSL', async () => {
    const files = generateFixtures(loadCatalog(join(ROOT, 'specs')), { month: '202504', users: 760 });
    const ticketUnit = files.filter((f) => f.text !== null && /_20250425120002\.CSV$/.test(f.name));
    expect(ticketUnit.map((f) => f.kind).sort()).toEqual(['UPHOSOKU', 'UPPLAN', 'UPSIKYU']);
    const bundleFiles = ticketUnit.map((f) => ({ name: f.name, data: encodeMs932(f.text!) }));
    expect(bundleFiles.reduce((n, f) => n + f.data.length, 0)).toBeGreaterThan(3_500_000);
    const unit = packBundle({ messageId: 'large-unit', sender: { office: '1310000011', serviceType: '43' }, receiver: { office: '1310000029', serviceType: '11' }, sequence: '20250425120002', month: '202504', kinds: ['UPPLAN', 'UPSIKYU', 'UPHOSOKU'] }, bundleFiles);

    const sealed = await seal(unit, manager, provider.certificate);
    const opened = await open(sealed, provider, trust);
    expect(opened.verification.status).toBe('valid');
    expect(opened.content?.equals(unit)).toBe(true);

    const dir = mkdtempSync(join(tmpdir(), 'cpl-large-'));
    writeFileSync(join(dir, 'unit.cms'), sealed);
    const signed = execFileSync('openssl', ['cms', '-decrypt', '-binary', '-inform', 'DER', '-in', join(dir, 'unit.cms'), '-recip', join(PKI, 'home-help.pem'), '-inkey', join(PKI, 'home-help.key.pem')], { maxBuffer: 64 * 1024 * 1024 });
    writeFileSync(join(dir, 'unit.p7m'), signed);
    const content = execFileSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'unit.p7m'), '-CAfile', join(PKI, 'ca.pem')], { maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
    expect(content.equals(unit)).toBe(true);
  });

  it('the largest allowed unit seals under the relay limit and opens byte for byte', async () => {
    const unit = randomBytes(MAX_UNIT_BYTES);
    expect(() => checkUnitSize(unit)).not.toThrow();
    const sealed = await seal(unit, manager, provider.certificate);
    expect(sealed.length).toBeLessThan(RELAY_DEFAULT_MAX_UNIT_BYTES);
    const opened = await open(sealed, provider, trust);
    expect(opened.verification.status).toBe('valid');
    expect(opened.content?.equals(unit)).toBe(true);
  });

  it('one byte more is refused, in Japanese and English, before anything is sealed', async () => {
    const tooLarge = Buffer.alloc(MAX_UNIT_BYTES + 1);
    let error: unknown;
    try {
      checkUnitSize(tooLarge);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LocalizedError);
    expect(error).toMatchObject({ code: 'UNIT_TOO_LARGE' });
    const e = error as LocalizedError;
    expect(e.ja).toContain('大きすぎます');
    expect(e.ja).toContain('16.0 MB');
    expect(e.en).toContain('too large');
    expect(e.hint?.ja).toContain('分けて');
    expect(e.hint?.en).toContain('Split');
    expect(() => checkUnitSize(MAX_UNIT_BYTES + 1)).toThrow(LocalizedError);
    await expect(seal(tooLarge, manager, provider.certificate)).rejects.toMatchObject({ code: 'UNIT_TOO_LARGE' });
  });
});
