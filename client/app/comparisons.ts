// Plan against actual: a planned ticket (UPPLAN) beside the actuals returned for it (UPJSK), per
// user and month, between the same two offices, with the differences a care manager checks.
import { readFileSync } from 'node:fs';
import { ApiError, type Handlers } from '../../shared/api/methods.js';
import type { ComparisonCandidate } from '../../shared/api/types.js';
import { comparePlanActual, ticketGrids, ticketLines } from '../../shared/ticket/ticket.js';
import { readRecords } from '../../shared/ticket/records.js';
import { parseFileName } from '../../shared/validator/fileName.js';
import { decodeMs932 } from '../check/ms932.js';
import type { BackendContext, Open } from './context.js';
import { comparisonKey, docKey } from './opened.js';
import type { Partners } from './partners.js';
import type { Receiving } from './receiving.js';

export class Comparisons {
  constructor(
    private readonly ctx: BackendContext,
    private readonly partners: Partners,
    private readonly receiving: Receiving,
  ) {}

  /**
   * Pairs a planned ticket (UPPLAN) with returned actuals (UPJSK) per user and month, between the same
   * two offices: for each user the newest actuals, against the newest plan that has that user in it
   * (a correction sent for one user must not become everyone's plan).
   */
  private candidates(open: Open): ComparisonCandidate[] {
    const { s } = open;
    const parsed = this.receiving.documents(open).flatMap((d) => {
      const meta = parseFileName(d.ref.file, s.catalog).meta!;
      if (meta.kind !== 'UPPLAN' && meta.kind !== 'UPJSK') return [];
      let users: Set<string>;
      try {
        users = new Set(ticketLines(readRecords(readFileSync(d.path), decodeMs932)).map((l) => `${l.insurer}|${l.insured}|${l.month}`));
      } catch {
        return [];
      }
      const pair = [meta.sender.office, meta.receiver.office].sort().join('|');
      return [{ d, meta, pair, users }];
    });
    const newestFirst = (x: (typeof parsed)[number], y: (typeof parsed)[number]) => y.meta.sequence.localeCompare(x.meta.sequence);
    const plans = parsed.filter((x) => x.meta.kind === 'UPPLAN').sort(newestFirst);
    const actuals = parsed.filter((x) => x.meta.kind === 'UPJSK').sort(newestFirst);
    const out: ComparisonCandidate[] = [];
    const seen = new Set<string>();
    const people = this.receiving.people.resolver(open);
    for (const a of actuals) {
      const partner = a.meta.sender.office === s.config.office ? a.meta.receiver.office : a.meta.sender.office;
      for (const user of [...a.users].sort()) {
        const key = `${a.pair}|${user}`;
        if (seen.has(key)) continue;
        const plan = plans.find((p) => p.pair === a.pair && p.users.has(user));
        if (!plan) continue;
        seen.add(key);
        const [insurer, insured, month] = user.split('|') as [string, string, string];
        const c = { partner: { office: partner, name: this.partners.nameOf(partner) }, month, insurer, insured, planFile: plan.d.ref.file, actualFile: a.d.ref.file };
        // Actuals that arrived are news until compared; the ones we returned ourselves are not.
        const isNew = a.d.ref.source === 'arrival' && !this.receiving.opened.has(comparisonKey(c));
        out.push({ ...c, person: people.person(insurer, insured), isNew });
      }
    }
    return out;
  }

  readonly handlers: Pick<Handlers, 'listComparisons' | 'compare' | 'markAllOpened'> = {
    listComparisons: async () => this.candidates(this.ctx.need()),

    // 「すべて確認済みにする」: every arrived file (受信 and 帳票 share their marks) or every comparison.
    markAllOpened: async ({ list }) => {
      const open = this.ctx.need();
      const keys =
        list === 'comparisons'
          ? this.candidates(open).filter((c) => c.isNew).map(comparisonKey)
          : this.receiving
              .documents(open)
              .filter((d) => d.ref.source === 'arrival')
              .map((d) => docKey('arrival', d.ref.file));
      return { opened: this.receiving.opened.add(keys) };
    },

    compare: async (r) => {
      const open = this.ctx.need();
      const c = this.candidates(open).find((x) => x.planFile === r.planFile && x.actualFile === r.actualFile && x.insurer === r.insurer && x.insured === r.insured && x.month === r.month);
      if (!c) throw new ApiError('no_comparison', '比べる予定と実績が見つかりません', 'No plan and actuals to compare');
      const docs = this.receiving.documents(open);
      const lines = (file: string) => ticketLines(readRecords(readFileSync(docs.find((d) => d.ref.file === file)!.path), decodeMs932)).filter((l) => l.insurer === r.insurer && l.insured === r.insured && l.month === r.month);
      const actual = lines(c.actualFile);
      const providers = new Set(actual.map((l) => l.provider));
      const plan = lines(c.planFile).filter((l) => providers.has(l.provider));
      this.receiving.opened.add([comparisonKey(c)]);
      const comparison = comparePlanActual(plan, actual)[0] ?? { insurer: r.insurer, insured: r.insured, month: r.month, differences: [], planUnits: 0, actualUnits: 0 };
      const named = (g: ReturnType<typeof ticketGrids>[number] | undefined) => (g ? { ...g, person: c.person, ownOffice: open.s.config.office } : null);
      return { candidate: { ...c, isNew: false }, comparison, planGrid: named(ticketGrids(plan)[0]), actualGrid: named(ticketGrids(actual)[0]) };
    },
  };
}
