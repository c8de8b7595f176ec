// Every generation and every measurement runs in its own child process, so memory peaks do not mix.
// The child is the benchmark's entry script started with `child <what> ...`; its result comes back
// over IPC (or is printed, when the child is started by hand for profiling).
import { fork } from 'node:child_process';
import { generateUpplan } from './generate.js';
import { measurePhase } from './measure.js';
import { generateSmallFiles } from './smallFiles.js';
import type { Phase } from './phases.js';

/** The child's side: `gen <dir> <targetBytes>`, `genFiles <dir> <count>` or `<phase> <file>`. */
export async function childMain(args: string[]): Promise<void> {
  const [what, a, b] = args;
  let out: unknown;
  if (what === 'gen') out = generateUpplan(a!, Number(b));
  else if (what === 'genFiles') out = generateSmallFiles(a!, Number(b));
  else out = await measurePhase(what as Phase, a!);
  if (process.send) {
    await new Promise<void>((resolve, reject) => process.send!(out, (err: Error | null) => (err ? reject(err) : resolve())));
  } else {
    console.log(JSON.stringify(out, null, 2));
  }
}

/** Runs `entry child ...args` with --expose-gc and resolves with the message it sent. */
export function spawnChild<T>(entry: string, args: string[], extraExecArgv: string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(entry, ['child', ...args], { execArgv: ['--expose-gc', ...extraExecArgv], stdio: 'inherit' });
    let got: T | undefined;
    child.on('message', (m) => (got = m as T));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0 && got !== undefined) resolve(got);
      else reject(new Error(`child ${args.join(' ')} failed (exit ${code ?? signal})`));
    });
  });
}
