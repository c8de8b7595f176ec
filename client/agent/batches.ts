// The units of one pass that passed their checks go out in batches: a batch is sealed and spooled
// with one group commit (Spool.writeBatch) while the batch before it is being submitted, IN_FLIGHT
// submits at a time; each receiver is looked up in the directory once per pass (passLookup). A burst
// of hundreds of units used to be sealed, spooled (about ten synchronous fsyncs each), submitted and
// filed one unit after the other, with two directory lookups per unit (issue 16).
import type { CertInfo } from '../../pki/certs.js';
import { recipientCertificate, type PreparedUnit, type RecipientLookup } from '../transport/sender.js';
import type { Session } from '../transport/session.js';

/** How many submits wait for the relay at once. */
export const IN_FLIGHT = 8;
/** A batch closes at this many units or bytes of files (what is sealed ahead is held in memory). */
export const BATCH_UNITS = 32;
export const BATCH_BYTES = 32 * 1024 * 1024;

/** A unit whose files passed their checks, ready to be sealed (`units`: as unitsFromReport made them). */
export interface ReadyUnit {
  key: string;
  paths: string[];
  units: PreparedUnit[];
}

/**
 * Sends a batch: seals and spools it, starts its submits and resolves with what is left to wait for
 * (the submits, the filing of their originals and the status of what still waits).
 */
export type SendBatch = (batch: ReadyUnit[]) => Promise<() => Promise<void>>;

/** Collects ready units into batches; the next batch is sealed while the one before is submitted. */
export class Batches {
  private batch: ReadyUnit[] = [];
  private bytes = 0;
  private previous: (() => Promise<void>) | null = null;

  constructor(private readonly send: SendBatch) {}

  async add(unit: ReadyUnit): Promise<void> {
    this.batch.push(unit);
    this.bytes += unit.units.reduce((n, u) => n + u.files.reduce((m, f) => m + f.data.length, 0), 0);
    if (this.batch.length >= BATCH_UNITS || this.bytes >= BATCH_BYTES) await this.cut();
  }

  /** Sends what is collected and waits for every batch to be done. */
  async end(): Promise<void> {
    await this.cut();
    await this.finishPrevious();
  }

  private async cut(): Promise<void> {
    const batch = this.batch;
    this.batch = [];
    this.bytes = 0;
    if (batch.length === 0) return;
    const rest = await this.send(batch);
    await this.finishPrevious();
    this.previous = rest;
  }

  private async finishPrevious(): Promise<void> {
    const previous = this.previous;
    this.previous = null;
    await previous?.();
  }
}

/**
 * The recipient lookup of one pass: each receiver is asked for once (its answer, or its failure, is
 * kept for the pass), however many units go to it. A partner who joins meanwhile is seen next pass.
 */
export function passLookup(s: Session): RecipientLookup {
  const answers = new Map<string, Promise<CertInfo>>();
  return (office) => {
    let answer = answers.get(office);
    if (!answer) {
      answer = recipientCertificate(s, office);
      // Awaited by every unit for this office; a failure must not count as unhandled before then.
      answer.catch(() => undefined);
      answers.set(office, answer);
    }
    return answer;
  };
}
