// 「連携のご案内」: a one-page letter for a partner not yet linked. It says what the partner gains (the
// figures of the MHLW-commissioned 2025 study, cited), how to join (this relay's address, and an
// office certificate from the operator) and how to send 実績 back. Written to 印刷・FAX/ご案内/.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { localDate } from '../../shared/time.js';
import { writeDurable } from '../../platform/fs.js';
import { finish, heading, MARGIN, numberPages, openPdf, pageBox, pageCount } from '../pdf/index.js';
import type { Session } from '../transport/session.js';
import { fileNamePart } from './names.js';
import { contactOf } from './send.js';
import { PaperStore } from './store.js';

export interface InvitationInput {
  sender: { office: string; name: string | null; contact: string | null };
  receiver: { office: string; name: string | null };
  relayUrl: string;
  made: Date;
}

/** The study's figures, as the issue (and the letter) cite them. */
export const STUDY = {
  source: '厚生労働省委託の調査研究（2025年、ケアプランデータ連携の地域単位での導入に関するもの）',
  adoption: '約5〜8%',
  savingYen: '2,167円',
  savingMinutes: '23分',
  region: '30事業所中29事業所',
} as const;

function dateText(d: Date): string {
  const s = localDate(d);
  return `${s.slice(0, 4)}年${Number(s.slice(4, 6))}月${Number(s.slice(6, 8))}日`;
}

export async function makeInvitationPdf(i: InvitationInput): Promise<{ pdf: Buffer; pages: number }> {
  const from = i.sender.name ?? `事業所番号 ${i.sender.office}`;
  const doc = openPdf({ timestamp: i.made, title: 'ケアプランデータ連携のご案内', author: from });
  const box = pageBox('portrait');
  const w = box.right - box.left;
  doc.fontSize(9).text(dateText(i.made), box.left, box.top, { width: w, align: 'right' });
  doc.fontSize(12).text(`${i.receiver.name ?? 'サービス事業所'}\u3000御中（事業所番号 ${i.receiver.office}）`, box.left, box.top + 14);
  doc.fontSize(9.5).text(`${from}（事業所番号 ${i.sender.office}）`, box.left, box.top + 34, { width: w, align: 'right' });
  let y = heading(doc, 'ケアプランデータ連携のご案内', box.left, box.top + 60, w, 18) + 6;
  const para = (title: string, body: string) => {
    doc.fontSize(11).fillColor('#1a4d8f').text(title, box.left, y, { width: w });
    doc.fillColor('#000').fontSize(9.5).text(body, box.left + 10, doc.y + 2, { width: w - 10, lineGap: 2.5 });
    y = doc.y + 10;
  };
  doc.fontSize(9.5).text(
    'いつもお世話になっております。当事業所では、サービス利用票（予定）や居宅サービス計画書を、FAX や郵送に代えてデータでお送りする「ケアプランデータ連携」を始めました。現在、貴事業所あての書類は紙（FAX）でお送りしています。ぜひご参加をご検討ください。',
    box.left, y, { width: w, lineGap: 2.5 },
  );
  y = doc.y + 12;
  para(
    '1. ご参加いただくと',
    `・予定の共有にかかる費用が平均で月 ${STUDY.savingYen} 減り、作業時間が平均 ${STUDY.savingMinutes} 短くなったという調査結果があります。\n` +
      '・印刷・FAX・郵送の手間と、実績の転記（手入力）やその誤りがなくなります。\n' +
      `・一方、利用している事業所はまだ${STUDY.adoption}で、相手が参加していないと FAX と二本立てになり効果が出にくいことも分かっています。ある市では地域の${STUDY.region}が参加し、効果を上げています。\n` +
      `（出典：${STUDY.source}）`,
  );
  para(
    '2. 参加のしかた',
    `・接続先（連携サービスのアドレス）：${i.relayUrl}\n` +
      '・事業所の電子証明書：連携サービスの運営者に、事業所番号と事業所名を添えてお申し込みください。証明書ファイル（.p12）とパスワードが届きます。\n' +
      '・無料のソフト careplan-link を入れ、「事業所の設定」で証明書と上の接続先を選ぶと、すぐに受け取れるようになります。介護ソフトはそのままお使いいただけます。',
  );
  para(
    '3. 実績のご返送',
    '・介護ソフトから実績（サービス提供実績の標準仕様 CSV）を書き出し、careplan-link の「送信」に入れると当事業所に届きます。書き出しフォルダを見張る設定にすれば、書き出すだけで送られます。\n' +
      '・参加されるまでは、これまでどおり紙（FAX）でのご返送で結構です。',
  );
  para('4. お問い合わせ', `${from}\u3000${i.sender.contact ?? '（電話・FAX 番号）'}\nご不明な点は、お気軽に当事業所までお問い合わせください。`);
  if (y > box.bottom) doc.fontSize(7).text('', MARGIN, box.bottom);
  const pages = pageCount(doc);
  numberPages(doc, 'ケアプランデータ連携のご案内');
  return { pdf: await finish(doc), pages };
}

/** Makes the letter for one partner and writes it to 印刷・FAX/ご案内/; returns its path. */
export async function writeInvitation(s: Session, receiver: { office: string; name: string | null }, now: Date = new Date()): Promise<string> {
  const { pdf } = await makeInvitationPdf({ sender: { office: s.config.office, name: s.config.name ?? null, contact: contactOf(s) }, receiver, relayUrl: s.config.relay, made: now });
  const path = join(new PaperStore(s).folder(), 'ご案内', `連携のご案内_${localDate(now)}_${fileNamePart(receiver.name ?? '事業所')}_${receiver.office}.pdf`);
  mkdirSync(dirname(path), { recursive: true });
  writeDurable(path, pdf, { mode: 0o644 });
  return path;
}
