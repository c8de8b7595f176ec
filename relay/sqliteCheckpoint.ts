// Checkpoints of the SQLite relay's write-ahead log, on a worker thread with a connection of its
// own. SQLite's automatic checkpoint runs inside the commit that passes 1000 pages, on the event
// loop, and with synchronous = NORMAL it fsyncs the log and then the database file there: with the
// bytes of small units in the database (migration 0003) that was every ~400 units, ~30 ms each, every
// request waiting meanwhile. A PASSIVE checkpoint from another connection copies what is committed
// without blocking the writer (WAL mode), and the writer restarts the log once all of it is copied.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** A burst's log is copied into the database at most this often (ms): what waits meanwhile only makes the log longer. */
const CHECKPOINT_EVERY_MS = 500;

// CommonJS, evaluated in the worker: better-sqlite3 is loaded from the path the relay resolved.
// synchronous = NORMAL in this connection too: the log is flushed before its pages are copied and the
// database file after, before the log may be restarted (SQLite's own order; OFF would skip both).
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, busy: r.busy, log: r.log, checkpointed: r.checkpointed });
  } catch (e) {
    parentPort.postMessage({ ok: false, error: String(e && e.message || e) });
  }
});
`;

export interface CheckpointResult {
  /** Frames in the log, and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
}

/**
 * Runs checkpoints of `file`'s log on a worker thread, when nudged (after a flush of the log), at most
 * every CHECKPOINT_EVERY_MS. The owner turns the automatic checkpoint of its connection off; if the
 * worker fails, `fallBack` is called (the owner turns it on again) and nothing else happens here.
 */
export class WalCheckpointer {
  private worker: Worker | null;
  private timer: NodeJS.Timeout | null = null;
  private running: { resolve: (r: CheckpointResult) => void; reject: (e: Error) => void }[] = [];
  private exited: Promise<void>;

  constructor(file: string, private readonly fallBack: (e: Error) => void) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER, { eval: true, workerData: { driver, file } });
    // The store's close() ends it; an embedder that never closes is not kept alive by it.
    this.worker.unref();
    // One answer per request, in the order asked: the worker takes them one at a time. A checkpoint
    // that fails hands the log back to SQLite's own checkpoints: it must never grow without end.
    this.worker.on('message', (m: { ok: boolean; error?: string } & CheckpointResult) => {
      const w = this.running.shift();
      if (m.ok) return w?.resolve({ log: m.log, checkpointed: m.checkpointed });
      const e = new Error(`checkpoint failed: ${m.error}`);
      w?.reject(e);
      this.fail(e);
    });
    this.worker.on('error', (e) => this.fail(e));
    this.exited = new Promise((resolve) =>
      this.worker!.once('exit', (code) => {
        this.fail(new Error(`the checkpoint worker exited (${code})`));
        resolve();
      }),
    );
  }

  private fail(e: Error): void {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    void worker.terminate();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const w of this.running.splice(0)) w.reject(e);
    this.fallBack(e);
  }

  /** Something was written: a checkpoint within CHECKPOINT_EVERY_MS (one for all the nudges meanwhile). */
  nudge(): void {
    if (this.timer || !this.worker) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.run().catch(() => {});
    }, CHECKPOINT_EVERY_MS);
    this.timer.unref();
  }

  /** A checkpoint now (after those already asked for). */
  run(): Promise<CheckpointResult> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error('the checkpoint worker has stopped'));
    return new Promise((resolve, reject) => {
      this.running.push({ resolve, reject });
      worker.postMessage('checkpoint');
    });
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    // Held by the event loop until it has exited: a CLI awaiting close() at its top level would
    // otherwise end with nothing left to run (exit code 13) before the worker closes its connection.
    worker.ref();
    worker.postMessage('close');
    await this.exited;
  }
}
