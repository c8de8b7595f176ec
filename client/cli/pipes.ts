// The CLI's output when its reader goes away: `careplan-link check … | head -1` closes the pipe after
// one line, and the next write fails with EPIPE (EOF on some Windows pipes). Node emits that as an
// 'error' event, and an 'error' nobody listens to crashes the process with a stack trace. Here the
// stream stops being written to and the process leaves quietly.

/** What a Unix shell reports for a program ended by a closed pipe (128 + SIGPIPE). */
export const EXIT_PIPE_CLOSED = 141;

const CLOSED_PIPE = new Set(['EPIPE', 'EOF']);

export interface QuietStream {
  write(s: string): void;
  readonly closed: boolean;
}

/**
 * Writes to `stream` until its reader is gone, then exits: with the command's own exit code when it has
 * finished already (the common case: a report is written once, at the end), otherwise with 141, so a
 * script with `set -o pipefail` sees that the output was cut short rather than a success. Any other
 * write error is not ours to hide and is thrown as before.
 */
export function quietOnClosedPipe(stream: NodeJS.WritableStream, exit: (code: number) => void = (code) => process.exit(code)): QuietStream {
  let closed = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (!CLOSED_PIPE.has(e.code ?? '')) throw e;
    if (closed) return;
    closed = true;
    const code = process.exitCode;
    exit(typeof code === 'number' ? code : EXIT_PIPE_CLOSED);
  });
  return {
    write(s: string) {
      if (!closed) stream.write(s);
    },
    get closed() {
      return closed;
    },
  };
}
