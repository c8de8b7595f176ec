// The export folder as the agent sees it, for the send screen's panel: files waiting to be taken, units
// held back or waiting for their other files, files that are never sent (and why), the units in the
// errors folder and what went out lately — including what the agent sent by itself.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Handlers } from '../../shared/api/methods.js';
import type { ExportFolderState, Text } from '../../shared/api/types.js';
import { japanesePart } from '../agent/errorsText.js';
import { isSendableName } from '../check/clerkWording.js';
import type { BackendContext } from './context.js';
import type { ErrorUnits } from './errorUnits.js';
import type { History } from './history.js';
import { ignoredWhy } from './sendChecks.js';

/** How many of the latest sends the panel lists. */
const RECENT = 5;

/** The agent's reasons are 「日本語 / English」 in one string: split for the two languages. */
export function splitReason(reason: string): Text {
  const ja = japanesePart(reason);
  return { ja, en: ja === reason ? reason : reason.slice(ja.length + 3) };
}

export class ExportFolder {
  constructor(
    private readonly ctx: BackendContext,
    private readonly history: History,
    private readonly errors: ErrorUnits,
  ) {}

  readonly handlers: Pick<Handlers, 'exportFolderState'> = {
    exportFolderState: async () => {
      const { s, agent, records } = this.ctx.need();
      const dir = s.config.folders.export;
      const waiting: ExportFolderState['waiting'] = [];
      const ignored: string[] = [];
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (!e.isFile()) continue;
        if (!isSendableName(e.name, s.catalog)) ignored.push(e.name);
        else waiting.push({ name: e.name, since: statSync(join(dir, e.name)).mtime.toISOString() });
      }
      const { status } = agent;
      return {
        path: dir,
        autoSend: agent.settings.autoSend,
        waiting: waiting.sort((a, b) => a.name.localeCompare(b.name)),
        held: status.held.map((h) => ({ unit: h.unit, files: h.files, reason: splitReason(h.reason), since: h.since })),
        incomplete: status.incomplete.map(({ unit, files, missing, since }) => ({ unit, files, missing, since })),
        ignored: ignoredWhy(ignored.sort(), s.catalog),
        errorUnits: this.errors.units(s).length,
        recent: this.history.entries(s, records, { direction: 'sent' }).slice(0, RECENT),
      };
    },
  };
}
