// The .errors.txt beside a file in errors/: read by a clerk who reads only Japanese, in Notepad. It
// says what is wrong, for which 利用者, and what to do in the care software — no English lines, no
// 物理行/列, no internal folders. The .errors.json beside it keeps the exact findings (both
// languages) for the app and for a vendor.
import type { ErrorProblem } from '../../shared/api/types.js';
import type { LocalizedText } from '../../shared/errors.js';
import { FIX_IN_SOFTWARE } from '../check/problems.js';

/** The Japanese part of a message the transport wrote as 「日本語 / English」. */
export function japanesePart(text: string): string {
  const i = text.indexOf(' / ');
  return i > 0 && /[\u3000-\u9fff]/.test(text.slice(0, i)) ? text.slice(0, i) : text;
}

const RESEND = '直したら、介護ソフトからもう一度書き出してください（自動で送ります）。このフォルダのファイルを直した場合は、アプリの「エラー」画面で「直したファイルをもう一度送る」を押してください。';

/** The report of a file the check refused: every problem of its unit, this file's first. */
export function rejectedText(name: string, unitFiles: string[], problems: ErrorProblem[]): string {
  const own = problems.filter((p) => p.file === name);
  const others = problems.filter((p) => p.file !== name);
  // The closing paragraph says to export again once: each item keeps only its own fix.
  const item = (p: ErrorProblem) => {
    const fix = p.fix.ja.replace(FIX_IN_SOFTWARE.ja, '').trim();
    return [`・${p.file && p.file !== name ? `${p.kind ?? p.file}: ` : ''}${p.what.ja}`, ...(fix ? [`\u3000直し方: ${fix}`] : [])];
  };
  return [
    'このファイルは送信していません。',
    '',
    own.length > 0 ? 'このファイルで直すところ:' : 'このファイル自体に問題はありませんが、一緒に送るファイルに問題があるため、送っていません。',
    ...own.flatMap(item),
    ...(others.length > 0 ? ['', own.length > 0 ? '一緒に送るファイルで直すところ:' : '直すところ:', ...others.flatMap(item)] : []),
    '',
    RESEND,
    '',
    `一緒に送るファイル: ${unitFiles.join('、')}`,
    '',
  ].join('\r\n');
}

/** The report of a file that was not sent for another reason (unreadable, too large, refused by the service). */
export function notSentText(reason: { ja: string; hint?: LocalizedText }, unit: string[]): string {
  return [
    'このファイルは送信していません。',
    '',
    `理由: ${japanesePart(reason.ja)}`,
    `直し方: ${reason.hint?.ja ?? '介護ソフトで直して、もう一度書き出してください。'}`,
    '',
    `一緒に送るファイル: ${unit.join('、')}`,
    '',
  ].join('\r\n');
}

/** Beside a move record that a power cut left damaged (it is moved to errors/ so that nothing acts on it). */
export const DAMAGED_JOURNAL = [
  'この作業記録（送信したファイルやエラーのファイルを移すための記録）は、停電や強制終了で書きかけのまま残り、壊れていて読めないため、ここに移しました。',
  '記録にあったファイルは自動でもう一度確かめます。連携サービスに届いているものは送信済みのフォルダ（sent）へ、送れないものはこのフォルダへ移ります。',
  'アプリに「ファイルがそろっていません」と出た送信単位があれば、残りのファイルが送信済みのフォルダ（sent）にないか確かめてください。このファイルは確かめた後で削除してかまいません。',
  '',
].join('\r\n');
