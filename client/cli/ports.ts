// The launcher's ports: a port that is taken is said in words that name the flag to change, and the
// offices' pages never land on the relay's port.
import { LocalizedError } from '../../shared/errors.js';
import { UsageError } from './run.js';

/** A listener could not open its port; `flag` is the option that chooses it. */
export class PortError extends LocalizedError {
  override name = 'PortError';
  constructor(
    readonly port: number,
    readonly flag: string,
    cause: NodeJS.ErrnoException,
  ) {
    const inUse = cause.code === 'EADDRINUSE';
    super(
      inUse ? 'port_in_use' : 'port_refused',
      inUse
        ? { ja: `ポート ${port} は使用中です。${flag} で別の番号を指定してください`, en: `Port ${port} is already in use: choose another number with ${flag}` }
        : { ja: `ポート ${port} を開けません（${cause.code ?? cause.message}）。${flag} で別の番号を指定してください`, en: `Cannot open port ${port} (${cause.code ?? cause.message}): choose another number with ${flag}` },
      { hint: { ja: `${flag} 0 にすると空いている番号を自動で選びます`, en: `${flag} 0 picks a free port by itself` }, cause },
    );
  }
}

/** Starts a listener; a port that cannot be opened becomes a PortError naming `flag`. */
export async function listenOn<T>(port: number, flag: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE' || err.code === 'EACCES') throw new PortError(port, flag, err);
    throw e;
  }
}

/**
 * The ports of the offices' pages: --port, --port + 1, … (0: each picks a free one), stepping over the
 * relay's port. With --port 8442 and the relay on 8443 the second office would otherwise try the relay's
 * port and fail after everything else had started.
 */
export function bridgePorts(first: number, count: number, relayPort: number): number[] {
  if (first === 0) return new Array<number>(count).fill(0);
  const ports: number[] = [];
  for (let p = first; ports.length < count; p++) {
    if (p > 65535) throw new UsageError({ ja: `--port ${first} からでは ${count} 事業所分のポートが 65535 までに収まりません`, en: `--port ${first} leaves no room for ${count} offices below 65536` });
    if (p !== relayPort) ports.push(p);
  }
  return ports;
}
