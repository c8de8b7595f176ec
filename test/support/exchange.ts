// For client tests only: a real relay (in-process, real TLS, port 0) on a fresh SQLite store in a new
// folder, and the fixture offices' sessions on it, each with its office config written in that
// folder. It lives in test/ because client code may reach relay/ only from the composition roots
// (eslint-rules/layers.js); the client's own test helpers (client/transport/testOffices.ts) do not.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { SqliteStore, startRelay, type RelayOptions, type RunningRelay } from '../../relay/index.js';
import { announce, openSession, type Session } from '../../client/transport/session.js';
import { FIXTURE_OFFICES, fixturePem, TEST_ENV, writeOfficeConfig, type ConfigOptions, type FixtureOffice } from '../../client/transport/testOffices.js';

/** The relay's server certificate from the fixture PKI, and the fixture CA for its clients. */
export const relayTls = (): RelayOptions['tls'] => ({ key: fixturePem('relay-server.key.pem'), cert: fixturePem('relay-server.pem'), clientCa: fixturePem('ca.pem') });

export interface OpenOptions extends ConfigOptions {
  /** The fixture office whose number and service type the config names; default the id itself. */
  as?: FixtureOffice;
}

export interface Exchange {
  /** The test's folder: the relay's data in `relay/`, each office's config and folders `<id>/` beside it. */
  dir: string;
  relay: RunningRelay;
  store: SqliteStore;
  /** A session of office `id` (its fixture `<id>.p12` unless `options.p12`), closed by `close()`. */
  open(id: string, options?: OpenOptions): Session;
  /** Sessions of these fixture offices, each announced to the relay's directory. */
  announced<const Ids extends FixtureOffice[]>(...ids: Ids): Promise<{ [K in keyof Ids]: Session }>;
  /** Closes the sessions opened here, then the relay and its store. */
  close(): Promise<void>;
}

/** A relay on a new store in a new folder named `prefix…`; `options` as for startRelay (rate, limits, tls). */
export async function startExchange(prefix: string, options: Partial<Omit<RelayOptions, 'store' | 'port'>> = {}): Promise<Exchange> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const store = new SqliteStore(join(dir, 'relay'));
  const relay = await startRelay({ store, port: 0, tls: relayTls(), ...options });
  const sessions: Session[] = [];
  const open = (id: string, { as, ...config }: OpenOptions = {}): Session => {
    const { office, serviceType } = FIXTURE_OFFICES[as ?? (id as FixtureOffice)];
    const session = openSession(writeOfficeConfig(dir, id, office, serviceType, relay.url, config), TEST_ENV);
    sessions.push(session);
    return session;
  };
  return {
    dir,
    relay,
    store,
    open,
    async announced<const Ids extends FixtureOffice[]>(...ids: Ids) {
      const opened = ids.map((id) => open(id));
      for (const s of opened) await announce(s);
      return opened as { [K in keyof Ids]: Session };
    },
    async close() {
      for (const s of sessions) s.close();
      await relay.close();
      store.close();
    },
  };
}

/**
 * For a describe block: an exchange started before its tests (then `ready` runs, to open the offices
 * the tests use) and closed after them. The object returned is filled in once the tests run.
 */
export function useExchange(prefix: string, ready: (exchange: Exchange) => unknown, options: Parameters<typeof startExchange>[1] = {}): Exchange {
  const exchange = {} as Exchange;
  beforeAll(async () => {
    Object.assign(exchange, await startExchange(prefix, options));
    await ready(exchange);
  });
  afterAll(async () => {
    await exchange.close?.();
  });
  return exchange;
}
