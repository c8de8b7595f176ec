// Owner-only files and folders. The spool, archives, quarantine, logs, the app's office.p12 and the
// relay's database and payloads hold personal care data and a private key: on POSIX they are created
// 0600/0700. On Windows mode bits do almost nothing, so a private folder we create also gets an ACL
// that only its user can use (icacls, below); files created inside inherit it.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { onWindows } from './os.js';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Where the file layer reports what it did not manage to do (best-effort steps never throw). */
export const fileLayerLog: { warn: (line: string) => void } = { warn: (line) => console.warn(line) };

/**
 * The icacls arguments that make `target` usable by `user` only: inherited entries removed
 * (/inheritance:r) and full control granted to the user alone (/grant:r replaces the user's entries).
 * A folder's grant is inherited by what is created inside it: (OI) files, (CI) subfolders.
 *
 * Trade-off, on purpose: SYSTEM and Administrators lose their inherited access too, so a backup
 * program running as SYSTEM without backup privileges no longer reads these folders. That is the
 * point for a private key and care records; an administrator can still take ownership.
 */
export function icaclsArgs(target: string, options: { directory: boolean; user: string }): string[] {
  return [target, '/inheritance:r', '/grant:r', `${options.user}:${options.directory ? '(OI)(CI)F' : 'F'}`];
}

/** The signed-in Windows user as icacls expects it: DOMAIN\name when a domain is known. */
export function windowsUser(env: NodeJS.ProcessEnv = process.env): string {
  const name = env.USERNAME || os.userInfo().username;
  return env.USERDOMAIN ? `${env.USERDOMAIN}\\${name}` : name;
}

export interface RestrictOptions {
  directory?: boolean;
  platform?: NodeJS.Platform;
  /** Runs the command (tests inject one); resolves with an error when it failed. */
  run?: (command: string, args: string[]) => Promise<Error | null>;
}

function runCommand(command: string, args: string[]): Promise<Error | null> {
  return new Promise((resolve) => {
    execFile(command, args, { windowsHide: true, timeout: 15_000 }, (error, _stdout, stderr) => resolve(error ? new Error(`${error.message} ${String(stderr).trim()}`) : null));
  });
}

/**
 * On Windows, lets only the signed-in user use `target` (icacls, see icaclsArgs). Best effort: it
 * never throws, and a failure is logged, because a folder that stays readable by the machine's other
 * accounts is no worse than before. Elsewhere it does nothing (POSIX modes do the job). Resolves
 * with whether the ACL was set.
 */
export async function restrictToOwner(target: string, options: RestrictOptions = {}): Promise<boolean> {
  if (!onWindows(options.platform)) return false;
  let directory = options.directory;
  try {
    directory ??= fs.statSync(target).isDirectory();
    const args = icaclsArgs(target, { directory, user: windowsUser() });
    const error = await (options.run ?? runCommand)('icacls', args);
    if (error) fileLayerLog.warn(`careplan-link: could not restrict ${target} to its owner: icacls ${args.join(' ')}: ${error.message}`);
    return error === null;
  } catch (e) {
    fileLayerLog.warn(`careplan-link: could not restrict ${target} to its owner: ${(e as Error).message}`);
    return false;
  }
}

/**
 * Creates `dir` (and missing parents) owner-only: mode 0700, and on Windows the owner-only ACL on the
 * topmost folder created (what is below inherits it). A folder that already exists is left as it is:
 * it may be one the clerk chose and shares on purpose.
 */
export function ensurePrivateDir(dir: string): void {
  const created = fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (created !== undefined && onWindows()) void restrictToOwner(created, { directory: true });
}

/**
 * Makes sure a file we own (a database another library opens) exists owner-only: created empty 0600,
 * or tightened to 0600 when an older version left it readable by others.
 */
export function ensurePrivateFile(file: string): void {
  const fd = fs.openSync(file, 'a', PRIVATE_FILE_MODE);
  fs.closeSync(fd);
  if (!onWindows() && (fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, PRIVATE_FILE_MODE);
}
