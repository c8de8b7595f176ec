// The files of one send unit are taken from the export folder together. Care software writes a unit's
// files one after another (第6表, then 第7表, then 補足情報); the agent rings at the moment the first
// one settles, when the others, written a few milliseconds later, are still a few milliseconds short of
// their window. Taking the first alone would split the unit: a bad file rejected on its own (one error
// card) and its companions later held as incomplete (a second card) — so a file waits until every file
// of its unit that is in the folder has settled. A companion written after the first was taken still
// joins it in processing/ (the incomplete-unit wait covers that).
import { parseFileName } from '../../shared/validator/fileName.js';
import { unitKey } from '../../shared/validator/units.js';
import type { SpecCatalog } from '../../shared/spec/model.js';
import type { FileMeta } from '../../shared/report/types.js';

/** The names to take now: those whose whole unit (as far as it is in the folder) has settled. */
export function settledUnits(names: readonly string[], keyOf: (name: string) => string, settled: ReadonlySet<string>): string[] {
  const waiting = new Set<string>();
  for (const name of names) if (!settled.has(name)) waiting.add(keyOf(name));
  return names.filter((name) => settled.has(name) && !waiting.has(keyOf(name)));
}

/**
 * A spec name's unit key (sender, receiver, sequence), remembered. One instance serves the whole agent:
 * the export folder's names (which files go together) and processing/'s (which files are one unit to
 * check), so a file's name is parsed once, not again after its claim (it keeps its name). What a pass
 * did not look up is forgotten at the pass's end (sweep): a folder's names change little between passes.
 */
export class UnitKeys {
  /** Looked up in this pass, and in the pass before (kept while still looked up). */
  private current = new Map<string, string | null>();
  private previous = new Map<string, string | null>();

  constructor(
    private readonly catalog: SpecCatalog,
    private readonly parse: (name: string, catalog: SpecCatalog) => { meta: FileMeta | null } = parseFileName,
  ) {}

  /** The unit key of a name, or null when the name names no unit. */
  unitOf(name: string): string | null {
    let key = this.current.get(name);
    if (key !== undefined) return key;
    key = this.previous.get(name);
    if (key === undefined) {
      const meta = this.parse(name, this.catalog).meta;
      key = meta ? unitKey(meta) : null;
    }
    this.current.set(name, key);
    return key;
  }

  /** The unit key, where a name the scan took for a spec name but that names no unit is a unit of its own. */
  of(name: string): string {
    return this.unitOf(name) ?? `file:${name}`;
  }

  /** The end of a pass: names not looked up in it are forgotten. */
  sweep(): void {
    this.previous = this.current;
    this.current = new Map();
  }
}
