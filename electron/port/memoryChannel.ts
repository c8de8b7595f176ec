// Two linked in-memory ports that behave like Electron's MessageChannelMain where it matters to the
// code under test: each message is a structured clone (nothing shared by reference, functions refused),
// delivered asynchronously, and queued until the receiving side calls start(); closing one side emits
// `close` on both. Used by the tests of main, the back end host and the fake electron module.
import { EventEmitter } from 'node:events';
import type { PortLike } from './protocol.js';

class MemoryPort extends EventEmitter implements PortLike {
  peer: MemoryPort | null = null;
  private started = false;
  private closed = false;
  private readonly queue: unknown[] = [];

  postMessage(message: unknown): void {
    if (this.closed) return;
    const copy = structuredClone(message);
    const peer = this.peer;
    setImmediate(() => peer?.deliver(copy));
  }

  private deliver(data: unknown): void {
    if (this.closed) return;
    if (!this.started) this.queue.push(data);
    else this.emit('message', { data, ports: [] });
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const data of this.queue.splice(0)) this.emit('message', { data, ports: [] });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
    const peer = this.peer;
    if (peer && !peer.closed) setImmediate(() => peer.close());
  }
}

export function memoryChannel(): { port1: PortLike & EventEmitter; port2: PortLike & EventEmitter } {
  const port1 = new MemoryPort();
  const port2 = new MemoryPort();
  port1.peer = port2;
  port2.peer = port1;
  return { port1, port2 };
}
