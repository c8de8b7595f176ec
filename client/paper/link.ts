// Is a partner 連携中 (in the relay's directory with a certificate valid now, that we trust) or 未連携?
// The send step asks fresh for each unit (a partner may have joined a minute ago); screens use the
// cached answer of the directory (client/app/partners.ts).
import type { DirectoryEntry } from '../../shared/protocol/directory.js';
import { currentCertificatePem, recipientCertificate, SendError } from '../transport/sender.js';
import type { Session } from '../transport/session.js';

export type LinkState = 'linked' | 'unlinked';

/** From a directory entry alone (no chain check): listed, with a current certificate valid now. */
export function entryLinked(entry: DirectoryEntry | undefined, now: Date = new Date()): boolean {
  if (!entry) return false;
  try {
    currentCertificatePem(entry);
  } catch {
    return false;
  }
  // A relay before issue 11 lists no validity: its current certificate is all we know.
  const current = entry.certificates?.find((c) => c.current);
  return !current || (new Date(current.notBefore) <= now && now <= new Date(current.notAfter));
}

/**
 * The send step's decision. Linked when the recipient's certificate can be used (the same check the
 * sealing makes: listed, valid now, chains to our trust anchors, not revoked). Unlinked when the
 * directory says no (not listed, no valid or trusted certificate): such a unit goes on paper. No
 * connection (and no certificate kept from before) is neither: the error is thrown, and the unit
 * waits as it always has, because a partner we cannot look up may well be linked.
 */
export async function linkStateForSending(s: Session, office: string): Promise<LinkState> {
  try {
    await recipientCertificate(s, office);
    return 'linked';
  } catch (e) {
    if (e instanceof SendError) return 'unlinked';
    throw e;
  }
}

/**
 * Data or paper for this unit? Data when it is already sealed (in the outbox or sent: the decision was
 * made) or its partner is linked; paper when the partner is not. When the directory cannot be asked,
 * data: the sealing then fails as before and the unit waits to be sent again.
 */
export async function routeOf(s: Session, messageId: string, partner: string): Promise<'data' | 'paper'> {
  if (s.spool.exists('sent', `${messageId}.json`) || s.spool.exists('outbox', `${messageId}.json`)) return 'data';
  try {
    return (await linkStateForSending(s, partner)) === 'unlinked' ? 'paper' : 'data';
  } catch {
    return 'data';
  }
}
