// The operator's overview for a month (`careplan-link relay report --month YYYYMM`): the regional
// adoption picture a municipality asks for.
//   - enrolled: offices in the directory with a certificate that is not withdrawn;
//   - active: offices that sent a unit, or downloaded one for the first time, in the month;
//   - pairs: units stored per sender and receiver in the month;
//   - partners: per office, the offices it exchanged units with in the month (either way), and how
//     many of those were active themselves — the share of its partners that actually use the linkage.
// The month is the local calendar month (the machine's zone, Asia/Tokyo for the service). It reads
// the messages the store still holds: months older than the retention period (90 days by default)
// come out empty, so a municipality's report is made each month.
import { localIsoWithOffset } from '../shared/time.js';
import { allOffices } from './enrollment.js';
import type { RelayStore } from './store.js';

export interface OfficeUse {
  office: string;
  name: string;
  enrolled: boolean;
  active: boolean;
  sent: number;
  received: number;
  partners: number;
  linkedPartners: number;
  /** linkedPartners / partners, 0..1 (null without partners). */
  linkedShare: number | null;
}

export interface MonthReport {
  month: string;
  from: string;
  to: string;
  enrolled: number;
  active: number;
  /** Active among the enrolled, 0..1 (null when none is enrolled). */
  activeShare: number | null;
  pairs: { sender: string; receiver: string; units: number }[];
  offices: OfficeUse[];
}

const MONTH = /^(\d{4})(0[1-9]|1[0-2])$/;

/** The local month's first instant and the next month's. */
export function monthBounds(month: string): { from: Date; to: Date } | null {
  const m = MONTH.exec(month);
  if (!m) return null;
  const [y, mo] = [Number(m[1]), Number(m[2])];
  return { from: new Date(y, mo - 1, 1), to: new Date(y, mo, 1) };
}

const share = (part: number, whole: number): number | null => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);

export async function monthReport(store: RelayStore, month: string): Promise<MonthReport> {
  const bounds = monthBounds(month);
  if (!bounds) throw new RangeError(`not a month (YYYYMM): ${month}`);
  const [directory, traffic] = await Promise.all([allOffices(store), store.traffic(bounds.from, bounds.to)]);
  const active = new Set<string>();
  const sent = new Map<string, number>();
  const received = new Map<string, number>();
  const partners = new Map<string, Set<string>>();
  const partner = (a: string, b: string) => partners.set(a, (partners.get(a) ?? new Set()).add(b));
  for (const t of traffic) {
    if (t.units > 0) active.add(t.sender);
    if (t.downloads > 0) active.add(t.receiver);
    sent.set(t.sender, (sent.get(t.sender) ?? 0) + t.units);
    received.set(t.receiver, (received.get(t.receiver) ?? 0) + t.units);
    if (t.units > 0) {
      partner(t.sender, t.receiver);
      partner(t.receiver, t.sender);
    }
  }
  const names = new Map(directory.map((o) => [o.office, o.name]));
  const enrolled = new Set(directory.filter((o) => o.certificates.some((c) => c.state === 'active')).map((o) => o.office));
  const everyone = [...new Set([...enrolled, ...active, ...partners.keys()])].sort();
  const offices = everyone.map((office): OfficeUse => {
    const mine = [...(partners.get(office) ?? [])];
    const linked = mine.filter((p) => active.has(p)).length;
    return {
      office,
      name: names.get(office) ?? '',
      enrolled: enrolled.has(office),
      active: active.has(office),
      sent: sent.get(office) ?? 0,
      received: received.get(office) ?? 0,
      partners: mine.length,
      linkedPartners: linked,
      linkedShare: share(linked, mine.length),
    };
  });
  const activeEnrolled = [...enrolled].filter((o) => active.has(o)).length;
  return {
    month,
    from: localIsoWithOffset(bounds.from),
    to: localIsoWithOffset(bounds.to),
    enrolled: enrolled.size,
    active: active.size,
    activeShare: share(activeEnrolled, enrolled.size),
    pairs: traffic.filter((t) => t.units > 0).map((t) => ({ sender: t.sender, receiver: t.receiver, units: t.units })),
    offices,
  };
}

const cell = (v: string | number | boolean | null): string => {
  const s = v === null ? '' : typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * The report as CSV (UTF-8 with a BOM, for Excel): the offices' table, a blank line, the pairs'
 * table. Headers Japanese first with the English key after a slash.
 */
export function reportCsv(r: MonthReport): string {
  const rows: (string | number | boolean | null)[][] = [
    ['事業所番号/office', '事業所名/name', '登録/enrolled', '利用/active', '送信件数/sent', '受信件数/received', '連携先数/partners', '利用中の連携先/linkedPartners', '連携率/linkedShare'],
    ...r.offices.map((o) => [o.office, o.name, o.enrolled, o.active, o.sent, o.received, o.partners, o.linkedPartners, o.linkedShare]),
    [],
    ['送信元/sender', '送信先/receiver', '件数/units'],
    ...r.pairs.map((p) => [p.sender, p.receiver, p.units]),
  ];
  return '\ufeff' + rows.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
