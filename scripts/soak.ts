// npm run soak [-- --minutes 5 --seed 1 --keep]: a bounded, repeatable fault soak on loopback. A relay
// (careplan-link relay --port 0, then the same port again) and two agents (a care manager and a home-help
// provider) exchange generated units while the relay, the agents and one-shot CLI commands (send,
// receive) are killed with SIGKILL at seeded random moments and started again. A "care software" takes
// each arrived file out of the import folder, as the real one does, so a unit delivered twice is seen
// twice. After a quiet period with everything running it counts units sent, received, lost and
// duplicated (by name and content hash), half-written files and stuck entries, prints a table, writes
// bench-results/soak.json, and exits 0 only when nothing was lost, duplicated, half-written or stuck.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCatalog } from '../client/check/specs.js';
import { makeOffice, PASSWORD_ENV, PKI, Proc, random, ROOT, sleep, type OfficeId } from './soakProcesses.js';
import { arrived, journalDuplicates, list, sha256, stuckEntries, tally, UnitMaker, type Direction, type SoakUnit, type Take } from './soakUnits.js';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '5' }, seed: { type: 'string', default: '1' }, keep: { type: 'boolean', default: false } } });
const minutes = Number(values.minutes);
const seed = Number(values.seed);
if (!(minutes >= 1 && minutes <= 10)) throw new Error('--minutes は 1〜10 です / --minutes must be 1-10');
if (!Number.isInteger(seed)) throw new Error('--seed は整数です / --seed must be an integer');

const MIN_KILLS = 100;
/** Aimed for, so that the minimum is met even when restarts take longer than planned. */
const TARGET_KILLS = Math.max(150, 30 * minutes);
const t0 = Date.now();
const budgetMs = minutes * 60_000;
const quietMaxMs = Math.min(120_000, Math.max(45_000, budgetMs / 4));
const chaosEnd = t0 + budgetMs - quietMaxMs;

const work = mkdtempSync(join(tmpdir(), 'cpl-soak-'));
const logs = join(work, 'logs');
mkdirSync(logs);
const events: string[] = [];
const note = (line: string) => {
  const l = `${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s ${line}`;
  events.push(l);
  writeFileSync(join(work, 'events.log'), events.join('\n') + '\n');
};

// One seeded stream per actor: the schedule of each does not shift when another draws more numbers.
const chaosRng = random(seed);
const dropRng: Record<Direction, ReturnType<typeof random>> = { 'cm-hh': random(seed + 1), 'hh-cm': random(seed + 2) };
const takeRng = random(seed + 3);

let relayPort = 0;
const relay = new Proc('relay', () => ['relay', '--port', String(relayPort), '--data', join(work, 'relay-data'), '--tls-cert', join(PKI, 'relay-server.pem'), '--tls-key', join(PKI, 'relay-server.key.pem'), '--client-ca', join(PKI, 'ca.pem'), '--rate-per-minute', '100000'], logs, 'careplan-link relay: https://');
const AGENT_READY = 'careplan-link agent:';

/** The relay again on its port (the offices' configs name it); a port still closing is tried again. */
async function startRelay(): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await relay.start();
      return;
    } catch (e) {
      if (attempt >= 20) throw e;
      await sleep(250);
    }
  }
}

const out = await relay.start();
relayPort = Number(out.match(/https:\/\/127\.0\.0\.1:(\d+)/)![1]);
const relayUrl = `https://127.0.0.1:${relayPort}`;
const office = { 'care-manager': makeOffice(work, 'care-manager', relayUrl), 'home-help': makeOffice(work, 'home-help', relayUrl) };
const agents: Record<OfficeId, Proc> = {
  'care-manager': new Proc('agent-care-manager', () => ['agent', '--config', office['care-manager'].config], logs, AGENT_READY),
  'home-help': new Proc('agent-home-help', () => ['agent', '--config', office['home-help'].config], logs, AGENT_READY),
};
const clis: Record<OfficeId, Proc> = {
  'care-manager': new Proc('cli-care-manager', () => cliArgs('care-manager'), logs),
  'home-help': new Proc('cli-home-help', () => cliArgs('home-help'), logs),
};
/** The command each office's next CLI episode runs: send (flushes the outbox) or receive. */
const cliCommand: Record<OfficeId, 'send' | 'receive'> = { 'care-manager': 'receive', 'home-help': 'receive' };
function cliArgs(id: OfficeId): string[] {
  return [cliCommand[id], '--config', office[id].config, ...(cliCommand[id] === 'send' ? ['--retries', '1'] : [])];
}
const all = [relay, ...Object.values(agents), ...Object.values(clis)];
const abort = async () => {
  for (const p of all) await p.kill();
  process.exit(130);
};
process.once('SIGINT', () => void abort());

const cli = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'careplan-link.js'), ...args], { env: { ...process.env, ...PASSWORD_ENV }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

await Promise.all(Object.values(agents).map((a) => a.start()));
// Each agent announces its office; the first unit needs the partner's certificate from the directory.
for (;;) {
  const r = cli(['offices', '--config', office['care-manager'].config]);
  if (r.stdout.includes('1310000029') && r.stdout.includes('1310000011')) break;
  if (Date.now() - t0 > 60_000) throw new Error('the offices did not reach the directory');
  await sleep(300);
}
note(`relay ${relayUrl}, agents up, work folder ${work}`);

// --- The care software on both sides: drops units into the export folder, takes arrivals away. ---
const catalog = loadCatalog();
const maker = new UnitMaker(catalog);
const units: SoakUnit[] = [];
const takes: Take[] = [];
let producing = true;
let taking = true;
const FROM: Record<Direction, OfficeId> = { 'cm-hh': 'care-manager', 'hh-cm': 'home-help' };

async function produce(direction: Direction, meanGapMs: number): Promise<void> {
  const rng = dropRng[direction];
  while (producing && Date.now() < chaosEnd) {
    await sleep(rng.between(Math.round(meanGapMs * 0.2), Math.round(meanGapMs * 1.8)));
    if (!producing || Date.now() >= chaosEnd) break;
    const u = maker.next(direction);
    for (const f of u.files) writeFileSync(join(office[FROM[direction]].export, f.name), f.data);
    units.push(u);
  }
}

let taken = 0;
function takeArrivals(): void {
  for (const id of Object.keys(office) as OfficeId[]) {
    for (const name of list(office[id].import)) {
      // A file still being written (.cpl-tmp-…, or an older receiver's <name>.<id>.part) is not a file yet.
      if (name.endsWith('.part') || name.startsWith('.')) continue;
      const target = join(office[id].taken, `${String(++taken).padStart(6, '0')}-${name}`);
      try {
        renameSync(join(office[id].import, name), target);
      } catch {
        continue;
      }
      takes.push({ office: id, name, hash: sha256(readFileSync(target)) });
    }
  }
}

async function take(): Promise<void> {
  while (taking) {
    takeArrivals();
    await sleep(takeRng.between(200, 1200));
  }
}

const producers = [produce('cm-hh', 2_500), produce('hh-cm', 3_000)];
const taker = take();

// --- The faults. Restarts run in the background, so a slow start does not slow the kills down and
// several programs may be down at once; only a program at work (printed its ready line) is killed. ---
let crashes = 0;
let cliRuns = 0;
/** Programs being restarted, or an office in a CLI episode: not to be killed or restarted by anyone else. */
const busy = new Set<Proc>();
const background: Promise<void>[] = [];

/** A program that ended by itself (not by our kill) is a finding; it is counted and started again. */
async function keepRunning(): Promise<void> {
  for (const p of [relay, ...Object.values(agents)]) {
    if (p.alive || busy.has(p)) continue;
    crashes++;
    note(`${p.name} exited by itself (${p.child?.exitCode ?? p.child?.signalCode ?? 'not started'})`);
    if (p === relay) await startRelay();
    else await p.start();
  }
}

async function restart(p: Proc, delayMs: number): Promise<void> {
  try {
    await sleep(delayMs);
    if (p === relay) await startRelay();
    else await p.start();
  } catch (e) {
    note(`${p.name} did not start again: ${(e as Error).message}`);
  } finally {
    busy.delete(p);
  }
}

/** A clerk's command while that office's agent is down (never two writers on one spool), killed after a while. */
async function cliEpisode(id: OfficeId, command: 'send' | 'receive', killAfterMs: number, restartDelayMs: number): Promise<void> {
  try {
    cliCommand[id] = command;
    await clis[id].start();
    cliRuns++;
    await Promise.race([clis[id].exited(), sleep(killAfterMs)]);
    if (await clis[id].kill()) note(`kill -9 cli ${command} ${id} after ${killAfterMs} ms`);
  } finally {
    await restart(agents[id], restartDelayMs);
  }
}

const kills = () => all.reduce((n, p) => n + p.kills, 0);
/** Who is killed, weighted: the relay, either agent, or an office's agent followed by a CLI command. */
const VICTIMS = ['relay', 'care-manager', 'cli', 'relay', 'home-help', 'cli', 'relay', 'care-manager', 'cli', 'home-help'] as const;
while (Date.now() < chaosEnd) {
  const perKill = (chaosEnd - Date.now()) / Math.max(1, TARGET_KILLS - kills());
  // Every draw is made whatever happens next, so the seeded stream stays the same.
  const gap = Math.round((chaosRng.between(20, 180) / 100) * Math.max(50, perKill));
  const start = chaosRng.between(0, VICTIMS.length - 1);
  const restartDelay = chaosRng.between(0, 800);
  const cliOffice = chaosRng.pick(['care-manager', 'home-help'] as const);
  const cliCommandNow = chaosRng.pick(['send', 'receive'] as const);
  const cliKillAfter = chaosRng.between(100, 2_500);
  await sleep(gap);
  if (Date.now() >= chaosEnd) break;
  // The drawn victim, or the next one in the list that is at work (a program still starting is passed over).
  const targetOf = (v: (typeof VICTIMS)[number]) => (v === 'relay' ? relay : agents[v === 'cli' ? cliOffice : v]);
  const victim = [...VICTIMS.slice(start), ...VICTIMS.slice(0, start)].find((v) => !busy.has(targetOf(v)) && targetOf(v).ready);
  if (!victim) continue;
  const target = targetOf(victim);
  busy.add(target);
  if (await target.kill()) note(`kill -9 ${target.name}${victim === 'cli' ? ' (for the CLI)' : ''}`);
  background.push(victim === 'cli' ? cliEpisode(cliOffice, cliCommandNow, cliKillAfter, restartDelay) : restart(target, restartDelay));
  await keepRunning();
}
await Promise.all(background);

// --- Quiet: everything running, no new units; wait until all has arrived and nothing is left over. ---
producing = false;
await Promise.all(producers);
await keepRunning();
const quietStart = Date.now();
note(`quiet: ${units.length} units dropped, ${kills()} kills`);
const stuckNow = () => Object.fromEntries((Object.keys(office) as OfficeId[]).map((id) => [id, stuckEntries(office[id])]));
const stuckCount = (s: ReturnType<typeof stuckNow>) => Object.values(s).reduce((n, o) => n + Object.values(o).reduce((m, xs) => m + xs.length, 0), 0);
let converged = false;
while (Date.now() - quietStart < quietMaxMs) {
  await keepRunning();
  takeArrivals();
  if (units.every((u) => arrived(u, takes)) && stuckCount(stuckNow()) === 0) {
    converged = true;
    break;
  }
  await sleep(1_000);
}
const quietMs = Date.now() - quietStart;
const stuck = stuckNow();

// Duplicates the relay holds: one sender's sequence under more than one message.
const relayDuplicates: string[] = [];
for (const id of Object.keys(office) as OfficeId[]) {
  const r = cli(['status', '--config', office[id].config, '--format', 'json']);
  if (r.status !== 0) {
    relayDuplicates.push(`status failed for ${id}: ${r.stderr.trim()}`);
    continue;
  }
  const bySeq = new Map<string, number>();
  for (const m of (JSON.parse(r.stdout) as { messages: { sequence: string }[] }).messages) bySeq.set(m.sequence, (bySeq.get(m.sequence) ?? 0) + 1);
  for (const [s, c] of bySeq) if (c > 1) relayDuplicates.push(`${id}#${s}×${c}`);
}

taking = false;
await taker;
for (const a of Object.values(agents)) await a.stop();
takeArrivals();
await relay.stop();

// --- The count. ---
const journalDups = (Object.keys(office) as OfficeId[]).flatMap((id) => journalDuplicates(office[id].spool).map((k) => `${id}:${k}`));
const { rows, unknownContent } = tally(units, takes, journalDups, relayDuplicates);
const leftInImport = (Object.keys(office) as OfficeId[]).flatMap((id) => list(office[id].import).map((n) => `${id}/import/${n}`));
const halfWritten = {
  // What a care software could take for a file: a partial name of the old receiver, a .tmp, anything else
  // not taken by the stand-in (it takes every finished file).
  partFiles: leftInImport.filter((n) => !/\/\.cpl-tmp-[^/]*$/.test(n)),
  unknownContent,
};
// The file layer's own tmp files (.cpl-tmp-…, no extension): a kill mid-write leaves one; the receiver
// removes it after 5 minutes. Reported, not failed: no care software takes a dot-file without an extension.
const tmpLeftovers = leftInImport.filter((n) => /\/\.cpl-tmp-[^/]*$/.test(n));
const killsBy = Object.fromEntries(all.map((p) => [p.name, p.kills]));
const total = { sent: rows.reduce((n, r) => n + r.sent, 0), received: rows.reduce((n, r) => n + r.received, 0), lost: rows.reduce((n, r) => n + r.lost, 0), duplicated: rows.reduce((n, r) => n + r.duplicated, 0) };
const halfCount = halfWritten.partFiles.length + halfWritten.unknownContent.length;
const stuckTotal = stuckCount(stuck);
const failures = [
  total.lost ? `lost ${total.lost}` : '',
  total.duplicated ? `duplicated ${total.duplicated}` : '',
  halfCount ? `half-written ${halfCount}` : '',
  stuckTotal ? `stuck ${stuckTotal}` : '',
  kills() < MIN_KILLS ? `only ${kills()} kills (at least ${MIN_KILLS})` : '',
  crashes ? `${crashes} programs exited by themselves` : '',
  relayDuplicates.some((x) => x.startsWith('status failed')) ? 'status failed' : '',
].filter(Boolean);

const result = {
  seed,
  minutes,
  seconds: Math.round((Date.now() - t0) / 1000),
  quietSeconds: Math.round(quietMs / 1000),
  converged,
  kills: { total: kills(), ...killsBy },
  starts: Object.fromEntries(all.map((p) => [p.name, p.starts])),
  cliRuns,
  crashes,
  units: rows,
  total,
  halfWritten,
  tmpLeftovers,
  stuck,
  duplicates: { relay: relayDuplicates, journal: journalDups },
  pass: failures.length === 0,
  failures,
  work,
};
// bench-results/ (git ignores it), beside the other benchmarks' results.
mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
const file = join(ROOT, 'bench-results', 'soak.json');
writeFileSync(file, JSON.stringify(result, null, 2) + '\n');

const pad = (s: string | number, n: number) => String(s).padStart(n);
console.log(
  [
    `careplan-link soak — seed ${seed}, ${minutes} 分 / min, ${result.seconds} 秒 / s (静穏 / quiet ${result.quietSeconds} s${converged ? '' : ', 収束せず / did not converge'})`,
    '',
    '方向 / direction          送信 sent  受信 received  欠落 lost  重複 duplicated',
    ...rows.map((r) => `${r.direction === 'cm-hh' ? '居宅→訪問 care-manager→home-help' : '訪問→居宅 home-help→care-manager'}  ${pad(r.sent, 4)}  ${pad(r.received, 8)}  ${pad(r.lost, 6)}  ${pad(r.duplicated, 8)}`),
    '',
    `kill -9: ${kills()}（${Object.entries(killsBy).map(([k, v]) => `${k} ${v}`).join(', ')}）  CLI 実行 / runs ${cliRuns}  自然終了 / exited by themselves ${crashes}`,
    `途中書きのファイル / half-written files: ${halfCount}   滞留 / stuck entries: ${stuckTotal}   取込フォルダの一時ファイル / tmp leftovers (.cpl-tmp-*): ${tmpLeftovers.length}`,
    '',
    failures.length ? `不合格 / FAIL: ${failures.join(', ')}  （作業フォルダ / work folder: ${work}）` : '合格 / PASS',
    `結果 / results: ${file}`,
  ].join('\n'),
);
if (failures.length === 0 && !values.keep) rmSync(work, { recursive: true, force: true });
process.exit(failures.length ? 1 : 0);
