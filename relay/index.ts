// The relay's public entry: everything outside relay/ that runs or embeds the linkage service
// imports it from here. The development PKI for the demo is the other entry, relay/dev.ts, kept
// apart because importing this file loads the SQLite store (better-sqlite3). openStore opens either
// backend ({ dataDir } for SQLite, { databaseUrl } for PostgreSQL) and loads pg only for the latter.
export { API_VERSION, startRelay, type RelayOptions, type RunningRelay } from './server.js';
export { openStore, type AuditEvent, type AuditQuery, type OfficeRecord, type RelayStore, type StoreLocation, type StoredMessage } from './store.js';
export { SqliteStore } from './sqliteStore.js';
export { allOffices, enroll, EnrollmentError, ENROLLMENT_POLICIES, readOfficeList, serviceTypes, withdraw, type EnrollmentPolicy, type EnrollResult } from './enrollment.js';
export { monthBounds, monthReport, reportCsv, type MonthReport } from './report.js';
export { relayLogger } from './observe.js';
