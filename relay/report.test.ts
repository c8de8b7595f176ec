// Issue 15, deliver 6: `relay report --month YYYYMM`, from a store whose content is known.
import { describe, expect, it } from 'vitest';
import type { MessageMeta } from '../shared/protocol/index.js';
import { enroll, withdraw } from './enrollment.js';
import { monthReport, reportCsv } from './report.js';
import { BACKENDS, fixturePem, issueCert, openTestStore } from './testSupport.js';

const A = '1310000011'; // care manager (fixture certificate)
const B = '1310000029'; // home help (fixture certificate)
const C = '1310000037'; // enrolled, never connects
const D = '1310000045'; // enrolled, no traffic
const E = '1310000052'; // enrolled, then withdrawn

let serial = 0;
function unit(sender: string, receiver: string) {
  const messageId = `r-${String(++serial).padStart(6, '0')}`;
  const meta: MessageMeta = { messageId, sender: { office: sender, serviceType: '43' }, receiver: { office: receiver, serviceType: '11' }, sequence: '20250425120002', month: '202504', kinds: ['UPPLAN'], files: ['UPPLAN.CSV'], size: 3, sha256: 'ab'.repeat(32) };
  return { meta, payload: Buffer.from('abc'), audit: { office: sender, action: 'submit', messageId, detail: null } };
}

describe.each(BACKENDS)('the monthly report (%s)', (backend) => {
  it('counts offices enrolled and active, units per pair, and the share of linked partners', async () => {
    const t = await openTestStore(backend);
    try {
      const { store } = t;
      const at = new Date('2025-04-01T00:00:00Z');
      await enroll(store, fixturePem('care-manager.pem'), { name: 'さくら居宅' }, at);
      await enroll(store, fixturePem('home-help.pem'), { name: 'ひまわり訪問介護' }, at);
      for (const cn of [C, D, E]) await enroll(store, issueCert({ cn }).certPem, { name: `事業所${cn.slice(-2)}` }, at);
      await withdraw(store, E);
      // Mid-month times: the same local month in any time zone.
      const march = new Date('2025-03-15T03:00:00Z');
      const april = new Date('2025-04-15T03:00:00Z');
      await store.putMessages([unit(A, B)], march);
      const aprilUnits = await store.putMessages([unit(A, B), unit(A, B), unit(A, C), unit(B, A)], april);
      // B downloads A's two April units in April (A's download of B's unit comes in May).
      for (const m of aprilUnits.filter((m) => m.receiver.office === B)) await store.markDelivered(m.cursor, new Date('2025-04-16T03:00:00Z'));
      await store.markDelivered(aprilUnits.find((m) => m.receiver.office === A)!.cursor, new Date('2025-05-15T03:00:00Z'));

      const r = await monthReport(store, '202504');
      expect([r.enrolled, r.active, r.activeShare]).toEqual([4, 2, 0.5]);
      expect(r.pairs).toEqual([
        { sender: A, receiver: B, units: 2 },
        { sender: A, receiver: C, units: 1 },
        { sender: B, receiver: A, units: 1 },
      ]);
      expect(r.offices.map((o) => [o.office, o.enrolled, o.active, o.sent, o.received, o.partners, o.linkedPartners, o.linkedShare])).toEqual([
        [A, true, true, 3, 1, 2, 1, 0.5],
        [B, true, true, 1, 2, 1, 1, 1],
        [C, true, false, 0, 1, 1, 1, 1],
        [D, true, false, 0, 0, 0, 0, null],
      ]);
      expect(r.from).toMatch(/^2025-04-01T00:00:00[+-]\d\d:\d\d$/);

      // March: one unit A→B, never downloaded in March.
      const march2 = await monthReport(store, '202503');
      expect([march2.active, march2.pairs]).toEqual([1, [{ sender: A, receiver: B, units: 1 }]]);
      // May: only A's download.
      expect((await monthReport(store, '202505')).offices.filter((o) => o.active).map((o) => o.office)).toEqual([A]);

      const csv = reportCsv(r);
      expect(csv.startsWith('\ufeff事業所番号/office,')).toBe(true);
      const lines = csv.slice(1).split('\r\n');
      expect(lines[1]).toBe(`${A},さくら居宅,1,1,3,1,2,1,0.5`);
      expect(lines.slice(6, 10)).toEqual(['送信元/sender,送信先/receiver,件数/units', `${A},${B},2`, `${A},${C},1`, `${B},${A},1`]);
    } finally {
      await t.dispose();
    }
  });
});
