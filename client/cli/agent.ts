// careplan-link agent: the hands-free exchange as a plain Node process, until SIGINT/SIGTERM.
import { localIsoWithOffset } from '../../shared/time.js';
import { Agent } from '../agent/agent.js';
import type { Session } from '../transport/session.js';
import { EXIT_OK, parse, UsageError, type Io } from './run.js';
import { withSession } from './transport.js';

export async function runAgent(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { config: { type: 'string' } });
  if (typeof values.config !== 'string') throw new UsageError({ ja: '--config で事業所の設定ファイルを指定してください', en: '--config is required' });
  if (positionals.length) throw new UsageError({ ja: '余分な引数があります', en: `unexpected arguments: ${positionals.join(' ')}` });
  return withSession(values.config, io, (session) => runUntilStopped(session, io), 'agent');
}

async function runUntilStopped(session: Session, io: Io): Promise<number> {
  const agent = new Agent(session);
  const original = agent.log.bind(agent);
  agent.log = (event: string, detail = '') => {
    original(event, detail);
    // The console is read by a person at the office: local time, with its offset so it stays unambiguous.
    io.stdout(`${localIsoWithOffset()} ${event}${detail ? ` ${detail}` : ''}\n`);
  };
  // Listen before saying we are up: a SIGTERM right after the line below would otherwise end the
  // process without stopping the agent.
  const stopped = new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  await agent.start();
  io.stdout(
    `careplan-link agent: ${session.config.office} 書き出しフォルダを見張っています / watching ${session.config.folders.export}\n` +
      `  状態 / status: ${session.spool.root}/agent-status.json   ログ / log: ${session.spool.root}/logs/agent.log\n` +
      `  すぐ受信するには / to receive now: touch ${session.spool.root}/receive-now\n`,
  );
  await stopped;
  await agent.stop();
  io.stdout('careplan-link agent: 停止しました / stopped\n');
  return EXIT_OK;
}
