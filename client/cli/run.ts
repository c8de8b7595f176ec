import { parseArgs } from 'node:util';
import { LocalizedError, type LocalizedText } from '../../shared/errors.js';
import { CAREPLAN_LINK_VERSION } from '../../shared/version.js';
// Subcommands are imported when they run, not here: eagerly they pulled node-forge, better-sqlite3,
// chokidar and the relay into every start: about 0.1 s of CPU on `check` of one small file.

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export const USAGE = `careplan-link ${CAREPLAN_LINK_VERSION} — ケアプランデータ連携 標準仕様CSVの検査・送受信

使い方 / Usage:
  careplan-link check [--format text|json|junit|sarif|html] [--lang ja|en] [--redact] [--service-codes 表.csv|表.json] <ファイル|フォルダ>...
      標準仕様（第4.1版, CSVバージョン 202407）に合っているか検査します。html は1ファイルで完結する適合性レポートです。
      --service-codes: サービスコード表（docs/service-codes.md）を使う規則も検査し、サービス名を添えます。
      Checks files against the standard spec. Exit 0: no errors, 1: errors found, 2: usage or I/O problem.
      --format html writes one self-contained report; --service-codes adds the rules that need a code master.
  careplan-link specs export --format table-schema|json-schema --out <フォルダ>
      17のファイル種類のレイアウトを Frictionless Table Schema / JSON Schema として書き出します。 / Exports the layouts.
  careplan-link specs import-service-codes --from municipal-csv --out <表.json|表.csv> <総合事業マスタ.csv>
      市町村の総合事業マスタ（公開されている19列の CSV）をサービスコード表に変換します。 / Converts a municipal master.
  careplan-link fixtures --out <フォルダ> [--month YYYYMM] [--users N]
      架空の利用者で、正しい送信単位一式（計画・利用票・実績・削除・介護予防）を書き出します。
      Writes complete, valid sample send units with invented people.
  careplan-link identity --p12 <証明書.p12> [--password-env 変数名] [--office-from CN] [--format text|json]
      事業所の電子証明書（PKCS#12）の事業所番号・有効期限などを表示します。 / Shows the office certificate.
  careplan-link sign --p12 <証明書.p12> [--password-env 変数名] [--force] <ファイル>...
      各ファイルの横に <ファイル>.p7s（CMS 分離署名, SHA-256）を作ります。 / Writes a detached CMS signature.
  careplan-link verify --trust <CA.pem> [--format text|json] <ファイル>...
      <ファイル>.p7s の署名・改ざん・証明書の信頼を検証します。Exit 0 only when every file verifies.
      パスワードは --password-env で指定した環境変数から、なければ端末で尋ねます。
      The password comes from the environment variable named by --password-env, or a terminal prompt.
  careplan-link relay [--port 8443] [--data フォルダ | --database postgres://…] [--tls-cert F --tls-key F --client-ca F]
                     [--enrollment open|operator] [--admin-port N]
      連携サービスを起動します（指定がなければ 127.0.0.1 で開発用の証明書とデモ事業所を作ります）。
      --database（または CPL_RELAY_DATABASE_URL）: すべてを PostgreSQL に置き、複数のプロセスで共有します。
      Starts the linkage service; with no TLS flags it creates a development PKI and demo offices.
      --database (or CPL_RELAY_DATABASE_URL) keeps everything in PostgreSQL, shared by any number of processes.
  careplan-link relay enroll|offices|revoke|import-offices|report (--data フォルダ | --database URL) …
      運用者のコマンド: 証明書の登録・一覧・取消、CSV での一括登録、月次の利用状況（docs/operations.md）。
      Operator commands: enroll, list, withdraw certificates, enroll a group from CSV, the monthly report.
  careplan-link send --config 設定.json <ファイル>...   検査・署名・暗号化して送ります / validate, sign, encrypt, send
  careplan-link receive --config 設定.json [--format json]   届いたものを取込フォルダへ / fetch into the import folder
  careplan-link status --config 設定.json [--format json]    送ったものの状況と受領証 / sent units and receipts
  careplan-link offices --config 設定.json [検索語] [--type 11]  事業所名簿 / office directory
  careplan-link agent --config 設定.json
      書き出しフォルダを見張り、出力されたものを検査・署名・送信し、届いたものを取込フォルダへ置きます。
      Watches the export folder: checks, signs and sends what appears; puts what arrives into the import folder.
  careplan-link report --config 設定.json --month YYYYMM [--format json|csv|pdf] [--out ファイル]
      その月の効果レポート（データと紙で送った数、連携中・未連携の相手、転記せずに済んだ実績、試算）を出力します。
      The month's effect report (sent by data and by paper, linked and unlinked partners, 実績 not re-typed, estimate).
  careplan-link app [--data フォルダ] [--relay-port 8443] [--port 5170] [--browser]
      デスクトップアプリを組み込みの既定（ローカルの連携サービス、デモ事業所2つ）で起動します。
      Electron がなければブラウザー用のアドレスを表示します。
      Starts the desktop app on its embedded defaults (local relay, two demo offices); without Electron, prints browser addresses.
  careplan-link --version | --help
`;

/** The command line was wrong: the CLI answers with the message and the usage text (exit 2). */
export class UsageError extends LocalizedError {
  override name = 'UsageError';
  constructor(text: LocalizedText) {
    super('usage', text);
  }
}

/** A readable error for the terminal: Japanese first, English alongside, then what to do if known. */
export function formatCliError(e: LocalizedError): string {
  const hint = e.hint ? `ヒント / hint: ${e.hint.ja} / ${e.hint.en}\n` : '';
  return `エラー / error: ${e.ja} / ${e.en}\n${hint}`;
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; default?: string | boolean; multiple?: boolean }>;

export function parse(args: string[], options: OptionSpec): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (e) {
    throw new UsageError({ ja: '引数が正しくありません', en: `invalid arguments: ${(e as Error).message}` });
  }
}

export async function runCli(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return await (await import('./check.js')).runCheck(rest, io);
      case 'specs':
        return await (await import('./specs.js')).runSpecs(rest, io);
      case 'fixtures':
        return await (await import('./fixtures.js')).runFixtures(rest, io);
      case 'identity':
        return await (await import('./identity.js')).runIdentity(rest, io);
      case 'sign':
        return await (await import('./identity.js')).runSign(rest, io);
      case 'verify':
        return await (await import('./identity.js')).runVerify(rest, io);
      case 'relay':
        return await (await import('./relay.js')).runRelay(rest, io);
      case 'send':
        return await (await import('./transport.js')).runSend(rest, io);
      case 'receive':
        return await (await import('./transport.js')).runReceive(rest, io);
      case 'status':
        return await (await import('./transport.js')).runStatus(rest, io);
      case 'offices':
        return await (await import('./transport.js')).runOffices(rest, io);
      case 'app':
        return await (await import('./app.js')).runApp(rest, io);
      case 'agent':
        return await (await import('./agent.js')).runAgent(rest, io);
      case 'report':
        return await (await import('./report.js')).runReport(rest, io);
      case '--version':
      case '-v':
        io.stdout(`${CAREPLAN_LINK_VERSION}\n`);
        return EXIT_OK;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.stdout(USAGE);
        return command === undefined ? EXIT_USAGE : EXIT_OK;
      default:
        throw new UsageError({ ja: '不明なコマンドです', en: `unknown command: ${command}` });
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`${e.ja} / ${e.en}\n\n${USAGE}`);
      return EXIT_USAGE;
    }
    // Errors nobody put into words (a disk full, a bug) keep their own message.
    io.stderr(e instanceof LocalizedError ? formatCliError(e) : `エラー / error: ${(e as Error).message}\n`);
    return EXIT_USAGE;
  }
}
