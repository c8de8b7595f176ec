// The relay's public entry: everything outside relay/ that runs or embeds the linkage service
// imports it from here. The development PKI for the demo is the other entry, relay/dev.ts, kept
// apart because importing this file loads the SQLite store (better-sqlite3).
export { API_VERSION, startRelay, type RelayOptions, type RunningRelay } from './server.js';
export { SqliteStore, type AuditEvent, type RelayStore, type StoredMessage } from './store.js';
