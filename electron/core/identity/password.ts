// Where the PKCS#12 password comes from: an environment variable named in the config or on the
// command line, or a prompt on an interactive terminal (the OS keychain is planned for the app).
import { createInterface } from 'node:readline';
import { IdentityError } from './errors.js';

export function passwordFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') throw new IdentityError('PASSWORD_MISSING', `環境変数 / environment variable ${name}`);
  return value;
}

/** Asks on the terminal without echoing what is typed. */
export async function promptPassword(question: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  if (!input.isTTY) throw new IdentityError('PASSWORD_MISSING', '--password-env を指定してください / use --password-env');
  const rl = createInterface({ input, output, terminal: true });
  const muted = rl as unknown as { _writeToOutput: (s: string) => void };
  output.write(question);
  muted._writeToOutput = () => {};
  try {
    return await new Promise<string>((resolve) => rl.question('', resolve));
  } finally {
    rl.close();
    output.write('\n');
  }
}
