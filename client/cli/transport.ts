// send, receive, status, offices: thin adapters over client/transport.
import { formatText } from '../../shared/report/formatText.js';
import { IdentityError } from '../../pki/errors.js';
import { ConfigError } from '../transport/config.js';
import { checkReceipt } from '../transport/receipts.js';
import { receiveAll } from '../transport/receiver.js';
import { RelayError } from '../transport/relayClient.js';
import { flushOutbox, prepareUnits, SendError, spoolUnit, type OutboxRecord } from '../transport/sender.js';
import { announce, openSession, type Session } from '../transport/session.js';
import type { LockProgram } from '../../platform/fs.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, parse, UsageError, type Io } from './run.js';

/**
 * Runs a command with an open office session; config, certificate and relay errors become exit codes.
 * `writer` takes the spool's lock (null: the command only reads the spool, e.g. status beside a running agent).
 */
export async function withSession(configPath: unknown, io: Io, fn: (s: Session) => Promise<number>, writer: LockProgram | null = 'cli'): Promise<number> {
  if (typeof configPath !== 'string') throw new UsageError({ ja: '--config で事業所の設定ファイルを指定してください', en: '--config is required' });
  let s: Session;
  try {
    s = openSession(configPath, process.env, writer);
  } catch (e) {
    if (e instanceof ConfigError) {
      io.stderr(`${e.ja}\n${e.en}\n`);
      return EXIT_USAGE;
    }
    if (e instanceof IdentityError) {
      io.stderr(`${e.ja}\n${e.en}\n`);
      return EXIT_FINDINGS;
    }
    throw e;
  }
  try {
    return await fn(s);
  } catch (e) {
    if (e instanceof RelayError || e instanceof SendError) {
      io.stderr(`${e.ja}\n${e.en}\n`);
      return EXIT_FINDINGS;
    }
    throw e;
  } finally {
    s.close();
  }
}

export async function runSend(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { config: { type: 'string' }, retries: { type: 'string', default: '5' }, format: { type: 'string', default: 'text' } });
  return withSession(values.config, io, async (s) => {
    const spooled: string[] = [];
    if (positionals.length > 0) {
      const { report, units } = await prepareUnits(positionals, s);
      if (units.length === 0) {
        io.stdout(formatText(report));
        io.stderr('エラーがあるため送信しません。介護ソフトで直して出力し直してください / not sent: fix the errors and export again\n');
        return EXIT_FINDINGS;
      }
      for (const u of units) {
        const r = await spoolUnit(u, s);
        spooled.push(r.messageId);
        if (r.state === 'already-sent') io.stdout(`送信済みです / already sent: ${u.header.sequence} (${r.messageId})\n`);
      }
    }
    // Announcing is best effort here: what matters is that the units are safe in the outbox.
    await announce(s).catch(() => undefined);
    const result = await flushOutbox(s, { maxAttempts: Math.max(1, Number(values.retries) || 5) });
    const line = (r: OutboxRecord) => `${r.header.sequence} ${r.header.kinds.join('+')} → ${r.header.receiver.office}(${r.header.receiver.serviceType})  ${r.messageId}`;
    if (values.format === 'json') {
      io.stdout(JSON.stringify({ spooled, ...result }, null, 2) + '\n');
    } else {
      for (const r of result.accepted) io.stdout(`✔ 受け付けられました / accepted: ${line(r)}\n`);
      for (const r of result.failed) io.stdout(`✖ 送れませんでした / failed: ${line(r)}\n   ${r.reason}\n`);
      for (const r of result.pending) io.stdout(`… 送信待ち（あとで再送します） / pending, will retry: ${line(r)}\n   ${r.lastError ?? ''}\n`);
    }
    return result.failed.length || result.pending.length ? EXIT_FINDINGS : EXIT_OK;
  });
}

export async function runReceive(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { config: { type: 'string' }, format: { type: 'string', default: 'text' } });
  return withSession(values.config, io, async (s) => {
    await announce(s);
    const summary = await receiveAll(s);
    if (values.format === 'json') {
      io.stdout(JSON.stringify(summary, null, 2) + '\n');
    } else {
      for (const m of summary.imported) io.stdout(`✔ 取り込みました / imported: ${m.sender} 連番 ${m.sequence}: ${m.files.join(', ')}\n`);
      for (const m of summary.quarantined) io.stdout(`✖ 隔離しました / quarantined: ${m.sender} 連番 ${m.sequence}: ${m.reason}\n`);
      for (const m of summary.pending) io.stdout(`… 処理できませんでした（次回やり直します） / not processed, will retry: ${m.messageId}: ${m.error}\n`);
      if (!summary.imported.length && !summary.quarantined.length && !summary.pending.length) io.stdout('新しく届いたものはありません / nothing new\n');
    }
    return summary.pending.length ? EXIT_FINDINGS : EXIT_OK;
  });
}

export async function runStatus(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { config: { type: 'string' }, format: { type: 'string', default: 'text' } });
  return withSession(values.config, io, async (s) => {
    const sent = [];
    let after = 0;
    for (;;) {
      const page = await s.client.outbox(after, 200);
      if (page.messages.length === 0) break;
      sent.push(...page.messages);
      after = page.next;
    }
    const messages = sent.map((m) => ({
      messageId: m.messageId,
      receiver: m.receiver,
      sequence: m.sequence,
      kinds: m.kinds,
      status: m.status,
      createdAt: m.createdAt,
      receipts: m.receipts.map((r) => checkReceipt(r, { messageId: m.messageId, sha256: m.sha256, receiver: m.receiver.office }, s.trust, s.crls)),
    }));
    const local = { outbox: s.spool.list('outbox').length, failed: s.spool.list('failed').length, inbox: s.spool.list('inbox').length, quarantined: s.spool.list('quarantine').length };
    if (values.format === 'json') {
      io.stdout(JSON.stringify({ office: s.config.office, local, messages }, null, 2) + '\n');
    } else {
      const ja: Record<string, string> = { queued: '連携サービスで保管中', delivered: '相手が受信', received: '相手が受領', imported: '相手が取込済み', quarantined: '相手が隔離（要確認）' };
      for (const m of messages) {
        const proof = m.receipts.length ? m.receipts.map((r) => `${r.disposition}${r.valid ? ' ✔署名' : ' ✖署名NG'}`).join(', ') : '受領証なし';
        io.stdout(`${m.sequence} ${m.kinds.join('+')} → ${m.receiver.office}: ${ja[m.status] ?? m.status} (${m.status}) [${proof}]\n`);
      }
      io.stdout(`手元 / local: 送信待ち ${local.outbox}・送信失敗 ${local.failed}・受信処理中 ${local.inbox}・隔離 ${local.quarantined}\n`);
    }
    return EXIT_OK;
  }, null);
}

export async function runOffices(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { config: { type: 'string' }, type: { type: 'string' }, format: { type: 'string', default: 'text' } });
  return withSession(values.config, io, async (s) => {
    const q = positionals.join(' ');
    const { offices } = await s.client.directory({ ...(q ? { q } : {}), ...(typeof values.type === 'string' ? { type: values.type } : {}) });
    if (values.format === 'json') io.stdout(JSON.stringify({ offices: offices.map(({ certificate: _c, ...o }) => o) }, null, 2) + '\n');
    else for (const o of offices) io.stdout(`${o.office}  ${o.serviceTypes.join(',').padEnd(8)}  ${o.name}\n`);
    if (offices.length === 0 && values.format !== 'json') io.stdout('見つかりません / no office found\n');
    return EXIT_OK;
  }, null);
}
