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

/** The names to take now: those whose whole unit (as far as it is in the folder) has settled. */
export function settledUnits(names: readonly string[], keyOf: (name: string) => string, settled: ReadonlySet<string>): string[] {
  const waiting = new Set<string>();
  for (const name of names) if (!settled.has(name)) waiting.add(keyOf(name));
  return names.filter((name) => settled.has(name) && !waiting.has(keyOf(name)));
}

/** A spec name's unit key (sender, receiver, sequence), remembered: a folder's names change little between passes. */
export class UnitKeys {
  private readonly keys = new Map<string, string>();

  constructor(private readonly catalog: SpecCatalog) {}

  of(name: string): string {
    let key = this.keys.get(name);
    if (key === undefined) {
      const meta = parseFileName(name, this.catalog).meta;
      // A name the scan took for a spec name but that names no unit is a unit of its own.
      key = meta ? unitKey(meta) : `file:${name}`;
      this.keys.set(name, key);
    }
    return key;
  }

  /** Forgets names no longer in the folder. */
  keepOnly(names: ReadonlySet<string>): void {
    for (const n of this.keys.keys()) if (!names.has(n)) this.keys.delete(n);
  }
}
