// Versioned schema migrations for both backends, run by one tool: Kysely's Migrator. It records what
// ran in kysely_migration, runs what is missing in name order, and holds a lock meanwhile — on
// PostgreSQL a database-wide advisory lock, so relay processes that start together migrate once.
// The queries themselves are plain SQL on the drivers (relay/sqliteStore.ts, relay/pgStore.ts):
// Kysely is used here only, for the migrations.
//
// Adding a migration: append an entry with the next name to the list of each dialect; never edit
// one that has shipped. SQLite migrations are idempotent (SQLite cannot run DDL in Kysely's
// transaction, so a crash between a step and its record reruns the step).
import type Database from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, sql, SqliteDialect, type Migration } from 'kysely';
import type { Pool } from 'pg';
import { prepareSchema } from './schema.js';
import { messageColumns } from './store.js';

/** The SQLite steps. The first brings any earlier relay's database (before migrations existed) to issue 11's schema. */
function sqliteMigrations(db: Database.Database): Record<string, Migration> {
  const run = (text: string) => async () => {
    db.transaction(() => db.exec(text))();
  };
  return {
    '0001-issue11-schema': { up: async () => prepareSchema(db) },
    '0002-issue15-indexes': {
      up: run(`
        -- The inbox reads only what waits: a partial index skips everything already received.
        CREATE INDEX IF NOT EXISTS messages_inbox ON messages (receiver_office, cursor) WHERE status IN ('queued', 'delivered');
        CREATE INDEX IF NOT EXISTS messages_created ON messages (created_at);
        -- Purge asks whether a segment is still used: an index probe, not a COUNT(*) over the table.
        CREATE INDEX IF NOT EXISTS messages_segment ON messages (segment);
        -- One receipt per disposition (a repeat is answered, never stored twice).
        DELETE FROM receipts WHERE id NOT IN (SELECT MIN(id) FROM receipts GROUP BY message_cursor, disposition);
        CREATE UNIQUE INDEX IF NOT EXISTS receipts_disposition ON receipts (message_cursor, disposition);
        -- Service types as rows, so that the directory filters by type through an index.
        CREATE TABLE IF NOT EXISTS office_service_types (
          service_type TEXT NOT NULL, office TEXT NOT NULL, PRIMARY KEY (service_type, office)
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO office_service_types (service_type, office)
          SELECT j.value, o.office FROM offices o, json_each(o.service_types) j;
        CREATE INDEX IF NOT EXISTS office_service_types_office ON office_service_types (office);
        CREATE INDEX IF NOT EXISTS audit_office ON audit (office, id);
        CREATE INDEX IF NOT EXISTS audit_message ON audit (message_id);
        CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
      `),
    },
    // Units up to 64 KiB keep their bytes here, written in the transaction of their row (segment
    // '' in messages): one flush of the log makes a burst durable, without a segment file to flush
    // and its folder too. Rows from before keep naming their segment files, which are read as before.
    // A table of its own rather than a column of messages: the pages of payloads stay out of
    // every query that reads messages.
    '0003-payloads-in-database': {
      up: run(`CREATE TABLE IF NOT EXISTS message_payloads (cursor INTEGER PRIMARY KEY, data BLOB NOT NULL);`),
    },
  };
}

/** The PostgreSQL steps: everything the relay keeps lives in these tables (no file anywhere). */
const POSTGRES_MIGRATIONS: Record<string, string[]> = {
  '0001-initial': [
    // A payload is written in chunks while its upload is read, before any message row points to it;
    // committed turns true in the transaction that inserts the message. Ciphertext does not
    // compress: EXTERNAL keeps PostgreSQL from trying.
    `CREATE TABLE payloads (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      size bigint NOT NULL DEFAULT 0,
      committed boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX payloads_uncommitted ON payloads (created_at) WHERE NOT committed`,
    `CREATE TABLE payload_chunks (
      payload_id bigint NOT NULL REFERENCES payloads (id) ON DELETE CASCADE,
      seq integer NOT NULL,
      data bytea NOT NULL,
      PRIMARY KEY (payload_id, seq)
    )`,
    `ALTER TABLE payload_chunks ALTER COLUMN data SET STORAGE EXTERNAL`,
    `CREATE TABLE messages (
      cursor bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      ${messageColumns({ text: 'text', int: 'bigint', time: 'timestamptz' })},
      payload_id bigint NOT NULL REFERENCES payloads (id),
      UNIQUE (sender_office, id)
    )`,
    `CREATE INDEX messages_inbox ON messages (receiver_office, cursor) WHERE status IN ('queued', 'delivered')`,
    `CREATE INDEX messages_receiver ON messages (receiver_office, cursor)`,
    `CREATE INDEX messages_sender ON messages (sender_office, cursor)`,
    `CREATE INDEX messages_id ON messages (id, receiver_office, cursor)`,
    `CREATE INDEX messages_created ON messages (created_at)`,
    `CREATE INDEX messages_payload ON messages (payload_id)`,
    `CREATE TABLE receipts (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      message_cursor bigint NOT NULL REFERENCES messages (cursor) ON DELETE CASCADE,
      message_id text NOT NULL, disposition text NOT NULL, reason text, at text NOT NULL,
      statement text NOT NULL, signature text NOT NULL,
      UNIQUE (message_cursor, disposition)
    )`,
    `CREATE TABLE offices (
      office text PRIMARY KEY, name text NOT NULL, certificate text NOT NULL, last_seen timestamptz NOT NULL
    )`,
    `CREATE TABLE office_service_types (
      service_type text NOT NULL, office text NOT NULL REFERENCES offices (office) ON DELETE CASCADE,
      PRIMARY KEY (service_type, office)
    )`,
    `CREATE INDEX office_service_types_office ON office_service_types (office)`,
    `CREATE TABLE office_certificates (
      office text NOT NULL REFERENCES offices (office) ON DELETE CASCADE,
      fingerprint text NOT NULL, pem text NOT NULL,
      not_before timestamptz NOT NULL, not_after timestamptz NOT NULL,
      first_seen timestamptz NOT NULL, last_seen timestamptz NOT NULL,
      state text NOT NULL DEFAULT 'active',
      PRIMARY KEY (office, fingerprint)
    )`,
    `CREATE TABLE audit (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL, office text, action text NOT NULL, message_id text, detail text
    )`,
    `CREATE INDEX audit_office ON audit (office, id)`,
    `CREATE INDEX audit_message ON audit (message_id)`,
    `CREATE INDEX audit_at ON audit (at)`,
    // Counters that every relay process shares. UNLOGGED: not crash-safe and not replicated, which a
    // rate limit does not need; writing them costs no WAL flush.
    `CREATE UNLOGGED TABLE rate_buckets (office text PRIMARY KEY, tokens double precision NOT NULL, at_ms double precision NOT NULL, allowed boolean NOT NULL)`,
  ],
  // The directory matches any part of an office number or name: a trigram index serves that. pg_trgm
  // ships with PostgreSQL and is a trusted extension, but a database may lack it or the right to
  // create it: then the search scans the offices (correct, only slower), and the notice says why.
  // The extension goes to public where possible, so that dropping one relay schema never takes it
  // (and the other schemas' indexes) along.
  '0002-directory-search': [
    `DO $$
     DECLARE ns text;
     BEGIN
       IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
         BEGIN
           CREATE EXTENSION pg_trgm SCHEMA public;
         EXCEPTION WHEN OTHERS THEN
           BEGIN
             CREATE EXTENSION pg_trgm;
           EXCEPTION WHEN OTHERS THEN
             RAISE NOTICE 'pg_trgm cannot be created (%): the directory search scans the offices', SQLERRM;
           END;
         END;
       END IF;
       SELECT extnamespace::regnamespace::text INTO ns FROM pg_extension WHERE extname = 'pg_trgm';
       IF ns IS NOT NULL THEN
         EXECUTE format('CREATE INDEX offices_search ON offices USING gin ((office || '' '' || name) %s.gin_trgm_ops)', quote_ident(ns));
       END IF;
     END $$`,
  ],
  // Every message still waiting may belong to one busy office. Planned as if office and status were
  // independent, the inbox query read all of that office's waiting messages and sorted them (21 ms
  // at 100,000 messages) instead of walking messages_inbox in cursor order and stopping at the
  // limit (1.2 ms); statistics on the two columns together tell the planner.
  '0003-inbox-statistics': [`CREATE STATISTICS messages_receiver_status (dependencies, mcv) ON receiver_office, status FROM messages`, `ANALYZE messages`],
};

async function migrate(db: Kysely<unknown>, migrations: Record<string, Migration>, schema?: string): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`relay database migration${failed ? ` ${failed}` : ''} failed: ${(error as Error).message ?? String(error)}`, { cause: error });
  }
}

/**
 * Brings a SQLite relay database to the latest schema. Kysely runs on the store's own connection and
 * is let go afterwards without destroy(), which would close it.
 */
export async function migrateSqlite(db: Database.Database): Promise<void> {
  await migrate(new Kysely<unknown>({ dialect: new SqliteDialect({ database: db }) }), sqliteMigrations(db));
}

/**
 * Brings a PostgreSQL relay schema (the connection's current schema, from its search_path) to the
 * latest version. The pool is the store's; Kysely is let go without destroy(), which would end it.
 */
export async function migratePostgres(pool: Pool, schema: string): Promise<void> {
  const steps = Object.fromEntries(
    Object.entries(POSTGRES_MIGRATIONS).map(([name, statements]) => [
      name,
      {
        up: async (db: Kysely<unknown>) => {
          for (const s of statements) await sql.raw(s).execute(db);
        },
      } satisfies Migration,
    ]),
  );
  await migrate(new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) }), steps, schema);
}
