// Where the PKCS#12 password comes from: an environment variable named in the config or on the
// command line, or a prompt on an interactive terminal (the OS keychain is planned for the app).
import { createInterface } from 'node:readline';
import { IdentityError } from '../../pki/errors.js';

export function passwordFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  // An empty value is a (weak but) real password; only a missing variable is an error.
  if (value === undefined) throw new IdentityError('PASSWORD_MISSING', `環境変数 / environment variable ${name}`);
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
    return await new Promise<string>((resolve, reject) => {
      rl.question('', resolve);
      // Ctrl-C / Ctrl-D ends the prompt without an answer.
      rl.once('close', () => reject(new IdentityError('PASSWORD_MISSING', '入力が中断されました / input aborted')));
      rl.once('SIGINT', () => rl.close());
    });
  } finally {
    rl.close();
    output.write('\n');
  }
}
