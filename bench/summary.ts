// bench-results/summary.json: one number per goal of issue 16, so where the project stands is
// one file, not five logs. Each stage writes its own keys as soon as they are measured (read, merge,
// write: the stages run one after another), so a stage that fails leaves only its own keys null,
// with the reason, and everything measured before it stays. `npm run bench` (bench/all.ts) starts
// from a fresh file and prints the table at the end.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../client/paths.js';
import { median } from './stats.js';

interface Goal {
  stage: Stage;
  /** What the number is, for the table. */
  what: string;
  op: '>=' | '<=';
  value: number;
}

// relay-scale: the relay's scaling table (bench/relayScale.ts), printed in the output; it records no summary key.
export type Stage = 'cli' | 'validator' | 'parse' | 'identity' | 'relay' | 'relay-scale' | 'agent';

/** Every key: the project ÷ its floor measured in the same run, unless the name says otherwise. */
export const GOALS = {
  validate_large_vs_floor: { stage: 'validator', what: 'validatePath ÷ floor in CPU time, 50 MB file', op: '>=', value: 1.0 },
  validate_small_files_vs_floor: { stage: 'validator', what: 'checkPaths ÷ floor in CPU time, ~5,000 small files', op: '>=', value: 0.8 },
  seal_10k_vs_floor: { stage: 'identity', what: 'seal ÷ Node-crypto floor, 10 KB', op: '>=', value: 0.5 },
  open_10k_vs_floor: { stage: 'identity', what: 'open ÷ Node-crypto floor, 10 KB', op: '>=', value: 0.5 },
  relay_10k_vs_floor: { stage: 'relay', what: 'relay ÷ bare mTLS HTTPS, 10 KB units', op: '>=', value: 0.8 },
  relay_5m_vs_floor: { stage: 'relay', what: 'relay ÷ bare mTLS HTTPS, 5 MB units', op: '>=', value: 0.7 },
  agent_burst_units_per_s: { stage: 'agent', what: 'agent burst, units/s (settle included)', op: '>=', value: 100 },
  agent_p95_beyond_settle_ms: { stage: 'agent', what: 'agent p95 latency beyond the settle window, ms', op: '<=', value: 1000 },
  cli_check_cpu_s: { stage: 'cli', what: 'CPU s of `check` on one small file', op: '<=', value: 0.15 },
  // Issue 11: linear ⇒ about 4, quadratic ⇒ about 16; 8 (their geometric mean) leaves room for GC of kept records, not for n².
  parse_4m_vs_1m_ratio: { stage: 'parse', what: 'CSV parse CPU, 4 MB ÷ 1 MB adversarial input (max over paths)', op: '<=', value: 8 },
} as const satisfies Record<string, Goal>;

export type SummaryKey = keyof typeof GOALS;
export const SUMMARY_KEYS = Object.keys(GOALS) as SummaryKey[];

export interface Detail {
  stage: Stage;
  what: string;
  goal: string;
  /** One value per round; the key's value is their median. */
  rounds: number[];
  min: number | null;
  median: number | null;
  max: number | null;
  met: boolean | null;
  /** Why there is no value (the stage failed or did not run), or what to know about the value. */
  reason: string | null;
  /** Anything else the stage wants kept beside the number (its floor's own figures, for example). */
  extra?: Record<string, unknown>;
}

export type Summary = { [K in SummaryKey]: number | null } & { details: Record<SummaryKey, Detail>; node: string; updated: string };

export function summaryFile(): string {
  return join(packageRoot(), 'bench-results', 'summary.json');
}

const goalText = (k: SummaryKey) => `${GOALS[k].op} ${GOALS[k].value}`;

function emptyDetail(k: SummaryKey, reason: string | null): Detail {
  return { stage: GOALS[k].stage, what: GOALS[k].what, goal: goalText(k), rounds: [], min: null, median: null, max: null, met: null, reason };
}

function fresh(reason: string): Summary {
  // The numbers first, so the file opens on what matters.
  const s = {} as Summary;
  for (const k of SUMMARY_KEYS) s[k] = null;
  s.node = process.version;
  s.updated = new Date().toISOString();
  s.details = {} as Summary['details'];
  for (const k of SUMMARY_KEYS) s.details[k] = emptyDetail(k, reason);
  return s;
}

export function readSummary(): Summary {
  try {
    const s = JSON.parse(readFileSync(summaryFile(), 'utf8')) as Summary;
    // A file from an older bench lacks newer keys: they start empty.
    const blank = fresh('not measured');
    return { ...blank, ...s, details: { ...blank.details, ...s.details } };
  } catch {
    return fresh('not measured');
  }
}

function write(s: Summary): void {
  const file = summaryFile();
  mkdirSync(join(file, '..'), { recursive: true });
  s.updated = new Date().toISOString();
  s.node = process.version;
  // tmp + rename: a stage killed mid-write must not leave half a file for the next one to merge into.
  writeFileSync(`${file}.tmp`, JSON.stringify(s, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
}

/** Starts a new summary: every key null until a stage measures it. */
export function resetSummary(): void {
  write(fresh('its stage has not run yet'));
}

/** Records a key's rounds (its value is their median) and whether that meets its goal. */
export function recordRounds(key: SummaryKey, rounds: number[], extra?: Record<string, unknown>, note?: string): void {
  const s = readSummary();
  const ok = rounds.filter((x) => Number.isFinite(x));
  if (ok.length === 0) {
    s[key] = null;
    s.details[key] = { ...emptyDetail(key, note ?? 'no round produced a number'), ...(extra ? { extra } : {}) };
  } else {
    const m = median(ok);
    const g = GOALS[key];
    s[key] = m;
    s.details[key] = {
      ...emptyDetail(key, null),
      rounds: ok,
      min: Math.min(...ok),
      median: m,
      max: Math.max(...ok),
      met: g.op === '>=' ? m >= g.value : m <= g.value,
      reason: note ?? (ok.length < rounds.length ? `${rounds.length - ok.length} of ${rounds.length} rounds failed` : null),
      ...(extra ? { extra } : {}),
    };
  }
  write(s);
}

/** Marks keys as not measured, with the reason; keys already measured in this run are left alone unless `force`. */
export function recordFailure(keys: SummaryKey[], reason: string, force = false): void {
  const s = readSummary();
  for (const k of keys) {
    if (!force && s[k] !== null) continue;
    s[k] = null;
    s.details[k] = emptyDetail(k, reason);
  }
  write(s);
}

export const keysOf = (stage: Stage) => SUMMARY_KEYS.filter((k) => GOALS[k].stage === stage);

const num = (x: number | null) => (x === null ? '-' : Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2));

/** The table: every key with min/median/max over its rounds, its goal, and met or missed. */
export function printSummaryTable(s: Summary = readSummary()): void {
  const rows = SUMMARY_KEYS.map((k) => {
    const d = s.details[k];
    const verdict = d.met === null ? 'NO VALUE' : d.met ? 'met' : 'MISSED';
    return [k, String(d.rounds.length), num(d.min), num(d.median), num(d.max), d.goal, verdict, d.reason ?? ''];
  });
  const head = ['key', 'rounds', 'min', 'median', 'max', 'goal', 'verdict', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i >= 1 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  console.log(line(head));
  console.log('-'.repeat(widths.reduce((a, b) => a + b + 2, 0)));
  for (const r of rows) console.log(line(r));
  console.log(`(${summaryFile()})`);
}
