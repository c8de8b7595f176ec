// The relay limits each office's request rate and answers 429 with Retry-After when it is exceeded.
// A burst of arrivals (hundreds of units after a holiday) needs more requests than one window
// allows; without waiting, every refused download or receipt became "pending" and the office needed
// several receive runs. The gate waits as the relay asks and tries again, within a budget per run, so
// one run takes everything that is there while a relay that keeps refusing cannot hold it for ever.
import { RelayError } from './relayClient.js';

export interface RateLimitOptions {
  /** Waits this long; injectable so tests do not really wait. */
  sleep?: (ms: number) => Promise<void>;
  /** The longest single wait, whatever Retry-After says (default 60 s). */
  maxWaitMs?: number;
  /** All waits of one run together (default 5 minutes); after that a 429 is passed on. */
  budgetMs?: number;
}

/** When the relay answers 429 without Retry-After. */
const DEFAULT_WAIT_MS = 1_000;
/** Even "Retry-After: 0" waits this long, so a relay that keeps refusing still spends the budget. */
const MIN_WAIT_MS = 250;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class RateLimitGate {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxWaitMs: number;
  private readonly budgetMs: number;
  /** How long this gate has waited so far. */
  waitedMs = 0;

  constructor(options: RateLimitOptions = {}) {
    this.sleep = options.sleep ?? realSleep;
    this.maxWaitMs = options.maxWaitMs ?? 60_000;
    this.budgetMs = options.budgetMs ?? 300_000;
  }

  /** Runs one relay call, waiting out 429 answers as long as the budget lasts. */
  async run<T>(call: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await call();
      } catch (e) {
        if (!(e instanceof RelayError && e.status === 429)) throw e;
        const wait = Math.min(Math.max(e.retryAfterMs ?? DEFAULT_WAIT_MS, MIN_WAIT_MS), this.maxWaitMs);
        if (this.waitedMs + wait > this.budgetMs) throw e;
        this.waitedMs += wait;
        await this.sleep(wait);
      }
    }
  }
}
