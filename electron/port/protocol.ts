// What Electron's main process and the back end's utility process say to each other over their
// MessagePort. Main owns windows, tray, notifications and dialogs; the utility process runs the
// AppBackend (agent, crypto, file work). Every message is parsed with these schemas on arrival, both
// ways: the calls carry the typed API's payloads (checked again with shared/api's schemas by the back
// end) and come back as the same Result envelopes the renderer has always received.
import { z } from 'zod';
import { errorBodySchema, localizedTextSchema, resultEnvelopeSchema } from '../../shared/errorSchemas.js';

const id = z.number().int().nonnegative();
const office = z.number().int().nonnegative();

/** The first message, on the utility process's parentPort, with the MessagePort attached. */
export const backendInitSchema = z
  .object({
    type: z.literal('init'),
    /** `office`: the one real office of an installation. `demo`: the embedded relay's demo offices (development only). */
    mode: z.enum(['office', 'demo']),
    dataDir: z.string().min(1),
    /** The embedded relay (demo mode). */
    relayUrl: z.string().optional(),
    setupDefaults: z.object({ relayUrl: z.string(), exportDir: z.string(), importDir: z.string() }).strict().optional(),
    /** The certificate password main decrypted with safeStorage, or null. Never logged, never in argv or env. */
    password: z.string().nullable(),
    /** safeStorage can keep a password on this PC (DPAPI on Windows). */
    persistentSecrets: z.boolean(),
    /** Background upkeep interval (tests shorten it). */
    refreshMs: z.number().int().positive().optional(),
  })
  .strict();

export type BackendInit = z.infer<typeof backendInitSchema>;

/** Main → back end. */
export const toBackendSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('call'), id, office, method: z.string().min(1).max(64), payload: z.unknown() }).strict(),
  /** The answer to an `openPath` request. */
  z.object({ type: z.literal('opened'), id, opened: z.boolean() }).strict(),
  /** Finish the agents' pass, close the spool, answer `stopped`. */
  z.object({ type: z.literal('stop') }).strict(),
]);

export type ToBackend = z.infer<typeof toBackendSchema>;

export const officeStatusSchema = z
  .object({
    phase: z.enum(['setup', 'locked', 'ready']),
    /** The home screen's attention items. */
    attention: z.number().int().nonnegative(),
    autoSend: z.boolean(),
  })
  .strict();

export type OfficeStatus = z.infer<typeof officeStatusSchema>;

/** Back end → main. */
export const fromBackendSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), offices: z.array(z.object({ id: z.string(), name: z.string() }).strict()).min(1) }).strict(),
  /** The back end could not start (its words, for a dialog). */
  z.object({ type: z.literal('failed'), error: errorBodySchema }).strict(),
  z.object({ type: z.literal('result'), id, envelope: resultEnvelopeSchema }).strict(),
  /** An OS notification; `office` is null where the back end cannot tell (demo offices share their hooks). */
  z
    .object({
      type: z.literal('notify'),
      office: office.nullable(),
      event: z.object({ kind: z.enum(['arrival', 'error', 'certificate-expiring']), title: localizedTextSchema, body: localizedTextSchema }).strict(),
    })
    .strict(),
  z.object({ type: z.literal('status'), offices: z.array(officeStatusSchema) }).strict(),
  /** Keep (a string) or forget (null) the certificate password: main encrypts it with safeStorage. */
  z.object({ type: z.literal('secret'), office, password: z.string().max(1024).nullable() }).strict(),
  z.object({ type: z.literal('loginItem'), openAtLogin: z.boolean() }).strict(),
  /** Open a folder in Explorer (the back end decides which; main only opens it). */
  z.object({ type: z.literal('openPath'), id, path: z.string().min(1).max(4096) }).strict(),
  z.object({ type: z.literal('stopped') }).strict(),
]);

export type FromBackend = z.infer<typeof fromBackendSchema>;

/**
 * The part of Electron's MessagePortMain both sides use; tests pass an in-memory pair
 * (electron/port/memoryChannel.ts) with the same behaviour: messages are copied, and queued until start().
 */
export interface PortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  start(): void;
  close(): void;
}
