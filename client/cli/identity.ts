// identity, sign and verify: thin adapters over pki/ and client/identity.
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { localDateTimeText, localIsoWithOffset } from '../../shared/time.js';
import { certsFromPem, type CertInfo } from '../../pki/certs.js';
import { signCms, verifyCms, type VerifyResult } from '../../pki/cms.js';
import { IdentityError } from '../../pki/errors.js';
import { passwordFromEnv, promptPassword } from '../identity/password.js';
import { checkUsable, EXPIRY_WARNING_DAYS, loadPkcs12, type OfficeNumberField } from '../../pki/pkcs12.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, parse, UsageError, type Io } from './run.js';

const OFFICE_FIELDS = ['CN', 'serialNumber', 'OU', 'O', 'UID'];

function checkFormat(format: unknown): void {
  if (format !== 'text' && format !== 'json') throw new UsageError({ ja: '--format は text か json です', en: '--format must be text or json' });
}

async function readInput(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch {
    throw new UsageError({ ja: `${what}を読めません`, en: `cannot read ${path}` });
  }
}

async function password(values: Record<string, string | boolean | undefined>): Promise<string> {
  if (typeof values['password-env'] === 'string') return passwordFromEnv(values['password-env']);
  return promptPassword('証明書のパスワード / certificate password: ');
}

function officeField(values: Record<string, string | boolean | undefined>): OfficeNumberField {
  const f = (values['office-from'] as string | undefined) ?? 'CN';
  if (!OFFICE_FIELDS.includes(f)) throw new UsageError({ ja: `--office-from は ${OFFICE_FIELDS.join('|')} のどれかです`, en: `--office-from must be one of ${OFFICE_FIELDS.join(', ')}` });
  return f as OfficeNumberField;
}

function identityError(io: Io, e: unknown): number {
  if (e instanceof IdentityError) {
    io.stderr(`${e.ja}\n${e.en}\n`);
    return EXIT_FINDINGS;
  }
  throw e;
}

const P12_OPTIONS = {
  p12: { type: 'string' },
  'password-env': { type: 'string' },
  'office-from': { type: 'string' },
} as const;

export async function runIdentity(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { ...P12_OPTIONS, format: { type: 'string', default: 'text' } });
  checkFormat(values.format);
  if (!values.p12) throw new UsageError({ ja: '--p12 で証明書ファイルを指定してください', en: '--p12 is required' });
  if (positionals.length) throw new UsageError({ ja: '余分な引数があります', en: `unexpected arguments: ${positionals.join(' ')}` });
  const bytes = await readInput(values.p12 as string, '証明書ファイル');
  try {
    const id = loadPkcs12(bytes, await password(values), { requireUsable: false, officeNumberFrom: officeField(values) });
    const summary = id.summary();
    let problem: IdentityError | null = null;
    try {
      checkUsable(id.certificate);
    } catch (e) {
      if (!(e instanceof IdentityError)) throw e;
      problem = e;
    }
    id.dispose();
    if (values.format === 'json') {
      io.stdout(JSON.stringify({ ...summary, usable: problem === null, problem: problem ? { code: problem.code, messageJa: problem.ja, messageEn: problem.en } : null }, null, 2) + '\n');
    } else {
      io.stdout(
        [
          `事業所番号 / office number : ${summary.officeNumber}`,
          `主体者 / subject           : ${summary.subject}`,
          `発行者 / issuer            : ${summary.issuer}`,
          `有効期間 / validity        : ${localDateTimeText(new Date(summary.notBefore))} 〜 ${localDateTimeText(new Date(summary.notAfter))}`,
          `残り日数 / days left       : ${summary.daysLeft}`,
          `SHA-256                    : ${summary.fingerprint256}`,
          '',
        ].join('\n'),
      );
      if (summary.expiresSoon && !problem) io.stderr(`注意: 証明書の有効期限まで ${summary.daysLeft} 日です。更新の準備をしてください / warning: the certificate expires in ${summary.daysLeft} days\n`);
      if (problem) io.stderr(`${problem.ja}\n${problem.en}\n`);
    }
    return problem ? EXIT_FINDINGS : EXIT_OK;
  } catch (e) {
    return identityError(io, e);
  }
}

export async function runSign(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { ...P12_OPTIONS, force: { type: 'boolean', default: false } });
  if (!values.p12) throw new UsageError({ ja: '--p12 で証明書ファイルを指定してください', en: '--p12 is required' });
  if (positionals.length === 0) throw new UsageError({ ja: '署名するファイルを指定してください', en: 'name at least one file to sign' });
  const p12 = await readInput(values.p12 as string, '証明書ファイル');
  let id;
  try {
    id = loadPkcs12(p12, await password(values), { officeNumberFrom: officeField(values) });
  } catch (e) {
    return identityError(io, e);
  }
  try {
    const left = id.summary().daysLeft;
    if (left <= EXPIRY_WARNING_DAYS) io.stderr(`注意: 証明書の有効期限まで ${left} 日です / warning: the certificate expires in ${left} days\n`);
    let failed = 0;
    for (const file of positionals) {
      const target = `${file}.p7s`;
      if (existsSync(target) && values.force !== true) {
        io.stderr(`署名ファイルがすでにあります（上書きしません。--force で置き換え） / signature exists, not overwritten (use --force): ${target}\n`);
        failed++;
        continue;
      }
      const content = await readInput(file, '署名するファイル');
      const tmp = `${target}.${process.pid}.tmp`;
      let signature: Buffer;
      try {
        signature = signCms(content, id);
      } catch (e) {
        return identityError(io, e);
      }
      await writeFile(tmp, signature);
      await rename(tmp, target);
      io.stdout(`署名しました / signed: ${basename(file)} → ${basename(target)}\n`);
    }
    return failed ? EXIT_FINDINGS : EXIT_OK;
  } finally {
    id.dispose();
  }
}

export async function runVerify(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { trust: { type: 'string', multiple: true }, format: { type: 'string', default: 'text' } });
  checkFormat(values.format);
  const trustFiles = (values.trust as unknown as string[] | undefined) ?? [];
  if (trustFiles.length === 0) throw new UsageError({ ja: '--trust で信頼する CA 証明書（PEM）を指定してください', en: '--trust CA.pem is required' });
  if (positionals.length === 0) throw new UsageError({ ja: '検証するファイルを指定してください', en: 'name at least one file to verify' });
  const anchors: CertInfo[] = [];
  for (const t of trustFiles) {
    const found = certsFromPem((await readInput(t, 'CA 証明書')).toString('utf8'));
    if (found.length === 0) throw new UsageError({ ja: 'CA 証明書が見つかりません', en: `no certificate in ${t}` });
    anchors.push(...found);
  }
  const results: (VerifyResult & { path: string; signature: string })[] = [];
  for (const file of positionals) {
    const content = await readInput(file, '検証するファイル');
    const sigPath = `${file}.p7s`;
    const base = { path: file, signature: sigPath };
    let signature: Buffer;
    try {
      signature = await readFile(sigPath);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') results.push({ ...base, status: 'no-signature', valid: false, messageJa: '署名ファイル（.p7s）がありません', messageEn: 'No signature file (.p7s)' });
      else results.push({ ...base, status: 'unreadable', valid: false, messageJa: `署名ファイルを読めません（${code}）`, messageEn: `The signature file cannot be read (${code})` });
      continue;
    }
    results.push({ ...base, ...verifyCms(signature, { content, trustAnchors: anchors }) });
  }
  if (values.format === 'json') {
    io.stdout(JSON.stringify({ files: results, summary: { files: results.length, valid: results.filter((r) => r.valid).length, invalid: results.filter((r) => !r.valid).length } }, null, 2) + '\n');
  } else {
    for (const r of results) {
      io.stdout(`${r.valid ? '✔' : '✖'} ${r.path}: ${r.messageJa} / ${r.messageEn}${r.signer ? `  [${r.signer.subject}${r.signingTime ? `, ${localIsoWithOffset(new Date(r.signingTime))}` : ''}]` : ''}\n`);
    }
  }
  return results.every((r) => r.valid) ? EXIT_OK : results.length ? EXIT_FINDINGS : EXIT_USAGE;
}
