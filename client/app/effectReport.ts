// The monthly 効果レポート: the office's history (effectSources.ts) through the pure report
// (shared/effect/), with the estimate's assumptions from the app's settings. The app's screen, its CSV
// and `careplan-link report` all come through reportFor(), so they always agree.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Handlers } from '../../shared/api/methods.js';
import { DEFAULT_ASSUMPTIONS, storedAssumptionsSchema, type EffectAssumptions } from '../../shared/effect/assumptions.js';
import { effectReportCsv, effectReportFileName } from '../../shared/effect/csv.js';
import { buildEffectReport, type EffectReport } from '../../shared/effect/report.js';
import type { SpecCatalog } from '../../shared/spec/model.js';
import type { OfficeConfig } from '../transport/config.js';
import type { BackendContext } from './context.js';
import { dataUnits, paperUnits, type FilePlaces, type PaperSend } from './effectSources.js';
import type { SpoolRecords } from './spoolRecords.js';

export interface ReportSources {
  config: OfficeConfig;
  records: SpoolRecords;
  places: FilePlaces;
  catalog: SpecCatalog;
  paper: readonly PaperSend[];
  assumptions: EffectAssumptions;
}

export function reportFor(src: ReportSources, month: string, now = new Date()): EffectReport {
  const units = [...dataUnits(src.records.outbox('sent'), src.records.inbox('received'), src.places, src.catalog), ...paperUnits(src.paper, src.catalog)];
  return buildEffectReport({ office: src.config.office, officeName: src.config.name ?? null, month, units, assumptions: src.assumptions, now });
}

/** The folders an office config implies: sent/ inside the export folder, the app's archive beside the config when it is the app's. */
export function placesOf(config: OfficeConfig, sentFolder = 'sent', earlierExportDirs: string[] = []): FilePlaces {
  return {
    sentRoots: [config.folders.export, ...earlierExportDirs].map((d) => join(d, sentFolder)),
    archiveRoot: join(dirname(config.path), 'archive', 'received'),
    importDir: config.folders.import,
  };
}

/**
 * The assumptions kept in the app's settings file beside an office config (the app writes office.json
 * and app-settings.json in one folder); the defaults when there is none (an office run by the CLI alone).
 */
export function assumptionsBeside(configPath: string): EffectAssumptions {
  try {
    const raw = JSON.parse(readFileSync(join(dirname(configPath), 'app-settings.json'), 'utf8')) as { effectAssumptions?: unknown };
    return raw.effectAssumptions === undefined ? { ...DEFAULT_ASSUMPTIONS } : storedAssumptionsSchema.parse(raw.effectAssumptions);
  } catch {
    return { ...DEFAULT_ASSUMPTIONS };
  }
}

export class EffectReports {
  constructor(
    private readonly ctx: BackendContext,
    /** Units that went on paper, as the paper path records them. */
    private readonly paper: () => readonly PaperSend[],
  ) {}

  private report(month: string): EffectReport {
    const { s, records, agent } = this.ctx.need();
    const places = placesOf(s.config, agent.settings.folders.sent, this.ctx.prefs.previousExportDirs ?? []);
    return reportFor({ config: s.config, records, places, catalog: s.catalog, paper: this.paper(), assumptions: this.assumptions() }, month);
  }

  assumptions(): EffectAssumptions {
    return this.ctx.prefs.effectAssumptions ?? { ...DEFAULT_ASSUMPTIONS };
  }

  readonly handlers: Pick<Handlers, 'effectReport' | 'effectReportCsv' | 'effectReportPdf' | 'saveEffectAssumptions'> = {
    effectReport: async ({ month }) => this.report(month),

    effectReportCsv: async ({ month }) => {
      const r = this.report(month);
      return { fileName: effectReportFileName(r, 'csv'), csv: effectReportCsv(r) };
    },

    effectReportPdf: async ({ month }) => {
      const r = this.report(month);
      // PDFKit and the font are loaded when a PDF is asked for, not with the back end.
      const { effectReportPdf } = await import('./effectPdf.js');
      return { fileName: effectReportFileName(r, 'pdf'), base64: (await effectReportPdf(r)).toString('base64') };
    },

    saveEffectAssumptions: async (a) => {
      // Back to the cited defaults: stored as absent, so a later correction of a default reaches this office too.
      const reset = (Object.keys(DEFAULT_ASSUMPTIONS) as (keyof EffectAssumptions)[]).every((k) => a[k] === DEFAULT_ASSUMPTIONS[k]);
      const { effectAssumptions: _old, ...rest } = this.ctx.prefs;
      this.ctx.savePrefs(reset ? rest : { ...rest, effectAssumptions: a });
      return this.assumptions();
    },
  };
}
