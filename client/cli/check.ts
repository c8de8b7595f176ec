// Only what the run needs is loaded: the report formats other than text (the default), and the service-code master
// (which reads its file strictly with zod), are imported when asked for. Starting this command is most
// of its cost on one small file (bench/cli.ts; cliModules.test.ts keeps zod and the crypto off it).
import { formatText, type Lang } from '../../shared/report/formatText.js';
import { reportHasErrors } from '../../shared/validator/index.js';
import { checkPaths, InputError } from '../check/validation.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, parse, UsageError, type Io } from './run.js';

const FORMATS = ['text', 'json', 'junit', 'sarif', 'html'] as const;

export async function runCheck(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    format: { type: 'string', default: 'text' },
    lang: { type: 'string', default: 'ja' },
    redact: { type: 'boolean', default: false },
    'service-codes': { type: 'string' },
  });
  const format = values.format as string;
  const lang = values.lang as string;
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError({ ja: '--format は text|json|junit|sarif|html のどれかです', en: '--format must be one of text, json, junit, sarif, html' });
  if (lang !== 'ja' && lang !== 'en') throw new UsageError({ ja: '--lang は ja か en です', en: '--lang must be ja or en' });
  if (positionals.length === 0) throw new UsageError({ ja: '検査するファイルかフォルダを指定してください', en: 'name at least one file or folder' });
  // A master that cannot be read stops here, before any file is checked (a LocalizedError, exit 2).
  const masterPath = values['service-codes'] as string | undefined;
  const serviceCodes = masterPath === undefined ? undefined : (await import('../check/serviceCodeFile.js')).loadServiceCodeMaster(masterPath);
  let report;
  try {
    report = await checkPaths(positionals, { redact: values.redact === true, ...(serviceCodes ? { serviceCodes } : {}) });
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr(`${e.ja} / ${e.en}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
  switch (format) {
    case 'json':
      io.stdout(JSON.stringify(report, null, 2) + '\n');
      break;
    case 'junit':
      io.stdout((await import('../../shared/report/formatJunit.js')).formatJunit(report, lang as Lang));
      break;
    case 'sarif':
      io.stdout((await import('../../shared/report/formatSarif.js')).formatSarif(report, lang as Lang));
      break;
    case 'html':
      io.stdout((await import('../../shared/report/formatHtml.js')).formatHtml(report, lang as Lang, serviceCodes ? { serviceCodes: serviceCodes.name } : {}));
      break;
    default:
      io.stdout(formatText(report, lang as Lang));
  }
  return reportHasErrors(report) ? EXIT_FINDINGS : EXIT_OK;
}
