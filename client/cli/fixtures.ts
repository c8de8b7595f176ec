import { localMonth } from '../../shared/time.js';
import { isValidMonth } from '../../shared/validator/calendar.js';
import { writeFixtures } from '../fixturesWriter.js';
import { EXIT_OK, parse, UsageError, type Io } from './run.js';

export async function runFixtures(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    out: { type: 'string' },
    month: { type: 'string' },
    users: { type: 'string', default: '3' },
    seed: { type: 'string' },
  });
  if (positionals.length) throw new UsageError({ ja: '余分な引数があります', en: `unexpected arguments: ${positionals.join(' ')}` });
  if (!values.out) throw new UsageError({ ja: '--out で出力先フォルダを指定してください', en: '--out is required' });
  const month = (values.month as string | undefined) ?? localMonth();
  if (!isValidMonth(month)) throw new UsageError({ ja: '--month は YYYYMM です', en: `--month must be YYYYMM: ${month}` });
  if (month < '202504') throw new UsageError({ ja: '--month は 202504 以降です（第4.1版の適用開始）', en: '--month must be 202504 or later (edition 4.1)' });
  const users = Number(values.users);
  if (!Number.isInteger(users) || users < 1 || users > 100000) throw new UsageError({ ja: '--users は 1〜100000 の整数です', en: '--users must be an integer from 1 to 100000' });
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  try {
    const written = await writeFixtures(values.out as string, { month, users, ...(seed !== undefined ? { seed } : {}) });
    io.stdout(`${written.length} 個のファイルを書き出しました / wrote ${written.length} files to ${values.out}\n`);
    return EXIT_OK;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EEXIST') {
      io.stderr(`同じ名前のファイルがすでにあります（上書きしません） / a file of that name already exists (not overwritten): ${err.path}\n`);
      return 2;
    }
    throw e;
  }
}
