// The app back ends a shell runs, one per office window. Nothing here loads the relay's storage
// (better-sqlite3 is built for Node, not for Electron's Node): Electron's main process imports only this.
import { join, resolve } from 'node:path';
import { DEMO_PASSWORD, ensureDevSetup } from '../../relay/dev.js';
import { AppBackend, type BackendOptions, type DemoOfficeOffer } from './backend.js';
import { MemorySecretStore, type SecretStore } from './profile.js';

export interface AppBackends {
  backends: { id: string; name: string; backend: AppBackend }[];
  close(): Promise<void>;
}

/**
 * A real office's installation: one back end in the app's folder, set up against the office's own
 * linkage service on first run. No embedded relay, no demo offices.
 */
export async function startOffice(o: { dataDir: string; shell: BackendOptions['shell']; secrets: SecretStore; extra?: Partial<BackendOptions>; setupDefaults?: BackendOptions['setupDefaults'] }): Promise<AppBackends> {
  const backend = new AppBackend({ dataDir: join(resolve(o.dataDir), 'office'), shell: o.shell, secrets: o.secrets, ...(o.setupDefaults ? { setupDefaults: o.setupDefaults } : {}), ...(o.extra ?? {}) });
  await backend.start();
  return { backends: [{ id: 'office', name: 'ケアプランリンク', backend }], close: () => backend.stop() };
}

export interface DemoOptions {
  /** The embedded defaults' folder: the relay's data (and its development PKI) in relay/, the offices in offices/. */
  dataDir: string;
  /** The running embedded relay. */
  relayUrl: string;
  shell: BackendOptions['shell'];
  /** Which demo offices get a back end (default: both). */
  offices?: string[];
  secretsFor?: (officeId: string, dir: string) => SecretStore;
  extra?: Partial<BackendOptions>;
}

/** The two demo offices of the embedded relay — a care-manager office and a home-help provider — each with its own back end. */
export async function startDemoOffices(o: DemoOptions): Promise<AppBackends> {
  const dataDir = resolve(o.dataDir);
  const relayDir = join(dataDir, 'relay');
  const dev = ensureDevSetup(relayDir, o.relayUrl);
  const offers: DemoOfficeOffer[] = dev.offices.map((d) => {
    const dir = join(dataDir, 'offices', d.id);
    return { id: d.id, office: d.office, serviceType: d.serviceType, name: d.name, p12Path: join(relayDir, 'dev-pki', `${d.id}.p12`), password: DEMO_PASSWORD, relayUrl: o.relayUrl, trustPem: dev.caPem, exportDir: join(dir, 'export'), importDir: join(dir, 'import') };
  });
  const backends: AppBackends['backends'] = [];
  for (const offer of offers.filter((x) => !o.offices || o.offices.includes(x.id))) {
    const dir = join(dataDir, 'offices', offer.id, 'app');
    // The demo certificates' password is public demo material; a real office's lives only in the SecretStore.
    let secrets = o.secretsFor?.(offer.id, dir);
    if (!secrets) {
      secrets = new MemorySecretStore();
      secrets.set(DEMO_PASSWORD);
    }
    const backend = new AppBackend({ dataDir: dir, shell: o.shell, secrets, defaultTrustPem: dev.caPem, setupDefaults: { relayUrl: o.relayUrl, exportDir: offer.exportDir, importDir: offer.importDir }, demoOffices: [offer], ...(o.extra ?? {}) });
    await backend.start();
    backends.push({ id: offer.id, name: offer.name, backend });
  }
  return {
    backends,
    async close() {
      for (const b of backends) await b.backend.stop();
    },
  };
}
