// The utility process's entry (bundled to dist/electron-main/backend.cjs): main forks it with
// utilityProcess.fork and sends one `init` message with the MessagePort attached; the back end is
// served on that port until main says stop. The password arrives only in that message, never in
// argv or the environment, and is never logged.
// First: the thread pool's size is read when the pool starts (platform/threadPool.ts).
import '../../platform/threadPool.js';
import type { MessageEvent } from 'electron';
import { backendInitSchema } from '../port/protocol.js';
import { serveBackend } from './host.js';
// Spec data other than the shipped one (CAREPLAN_LINK_SPECS) is read strictly (client/check/specs.ts).
import '../../client/check/strictSpecs.js';

const parentPort = process.parentPort;

parentPort.once('message', (e: MessageEvent) => {
  const init = backendInitSchema.safeParse(e.data);
  const port = e.ports[0];
  if (!init.success || !port) {
    process.stderr.write('careplan-link back end: the first message from main is not an init with a port\n');
    process.exit(2);
  }
  // A moment for the last message (`stopped`) to leave before the process ends.
  void serveBackend(init.data, port).then(({ closed }) => closed.then(() => setTimeout(() => process.exit(0), 200)));
});
