import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EXIT_PIPE_CLOSED, quietOnClosedPipe } from './pipes.js';
import { bridgePorts, listenOn, PortError } from './ports.js';
import { UsageError } from './run.js';

describe('the offices\' page ports', () => {
  it('count up from --port and step over the relay\'s port', () => {
    expect(bridgePorts(5170, 2, 8443)).toEqual([5170, 5171]);
    expect(bridgePorts(8442, 2, 8443)).toEqual([8442, 8444]);
    expect(bridgePorts(8443, 2, 8443)).toEqual([8444, 8445]);
  });

  it('0 lets the system pick each one', () => {
    expect(bridgePorts(0, 2, 8443)).toEqual([0, 0]);
  });

  it('refuses to run past 65535', () => {
    expect(bridgePorts(65534, 2, 8443)).toEqual([65534, 65535]);
    expect(() => bridgePorts(65535, 2, 8443)).toThrow(UsageError);
    expect(() => bridgePorts(65534, 2, 65535)).toThrow(UsageError);
  });
});

describe('a port that cannot be opened', () => {
  const errno = (code: string) => Object.assign(new Error(`listen ${code}`), { code });

  it('names the flag to change, in Japanese and English, with a hint', async () => {
    const e = (await listenOn(8443, '--relay-port', () => Promise.reject(errno('EADDRINUSE'))).catch((x: unknown) => x)) as PortError;
    expect(e).toBeInstanceOf(PortError);
    expect(e.code).toBe('port_in_use');
    expect(e.ja).toBe('ポート 8443 は使用中です。--relay-port で別の番号を指定してください');
    expect(e.en).toBe('Port 8443 is already in use: choose another number with --relay-port');
    expect(e.hint?.ja).toContain('--relay-port 0');
    const refused = (await listenOn(80, '--port', () => Promise.reject(errno('EACCES'))).catch((x: unknown) => x)) as PortError;
    expect(refused.code).toBe('port_refused');
    expect(refused.ja).toContain('--port');
  });

  it('passes other errors through as they are', async () => {
    const other = errno('ENOMEM');
    await expect(listenOn(1, '--port', () => Promise.reject(other))).rejects.toBe(other);
  });
});

describe('output to a reader that went away', () => {
  const pipeError = (code: string) => Object.assign(new Error(`write ${code}`), { code });

  it('EPIPE (or EOF on Windows pipes): stops writing and exits once, with the command\'s code if it has one', () => {
    for (const code of ['EPIPE', 'EOF']) {
      const stream = new PassThrough();
      const exits: number[] = [];
      const out = quietOnClosedPipe(stream, (c) => exits.push(c));
      out.write('first\n');
      const saved = process.exitCode;
      process.exitCode = undefined;
      try {
        stream.emit('error', pipeError(code));
        stream.emit('error', pipeError(code));
        expect(exits).toEqual([EXIT_PIPE_CLOSED]);
        expect(out.closed).toBe(true);
        out.write('dropped\n');
        expect(String(stream.read())).toBe('first\n');
      } finally {
        process.exitCode = saved;
      }
    }
    const stream = new PassThrough();
    const exits: number[] = [];
    quietOnClosedPipe(stream, (c) => exits.push(c));
    const saved = process.exitCode;
    process.exitCode = 1;
    try {
      stream.emit('error', pipeError('EPIPE'));
    } finally {
      process.exitCode = saved;
    }
    expect(exits).toEqual([1]);
  });

  it('any other write error is not hidden', () => {
    const stream = new PassThrough();
    quietOnClosedPipe(stream, () => undefined);
    expect(() => stream.emit('error', pipeError('ENOSPC'))).toThrow('write ENOSPC');
  });
});
