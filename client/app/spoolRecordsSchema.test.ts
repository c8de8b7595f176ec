// The app reads the spool's records through the schemas their writers use: a record that does not fit
// is an error naming the file and the field (as the agent's and the sender's reads of the spool are),
// not a shape the screens would trust blindly.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Spool, SpoolRecordError } from '../transport/spool.js';
import { SpoolRecords } from './spoolRecords.js';

const header = { messageId: 'message-0001', sender: { office: '1310000011', serviceType: '43' }, receiver: { office: '1310000029', serviceType: '11' }, sequence: '20250425120002', month: '202504', kinds: ['UPPLAN'] };
const outbox = { messageId: 'message-0001', header, files: ['UPPLAN_x.CSV'], size: 10, sha256: 'a'.repeat(64), createdAt: '2025-04-25T03:00:00.000Z', attempts: 0, lastError: null };
const inbox = { messageId: 'q-0001', sender: header.sender, receiver: header.receiver, sequence: '20250425130000', month: '202504', kinds: ['UPPLAN'], sha256: 'x', state: 'quarantined', importedFiles: [], importing: [], files: ['UPPLAN_x.CSV'], signer: null, signingTime: null, reason: 'bad signature', receipts: ['quarantined'], downloadedAt: '2025-04-25T04:00:00.000Z' };

describe('spool records read by the app', () => {
  it('are parsed with their schemas: what fits comes back as written', () => {
    const spool = new Spool(mkdtempSync(join(tmpdir(), 'cpl-records-schema-')));
    writeFileSync(spool.path('sent', 'message-0001.json'), JSON.stringify({ ...outbox, acceptedAt: '2025-04-25T03:00:01.000Z' }));
    writeFileSync(spool.path('quarantine', 'q-0001.json'), JSON.stringify(inbox));
    const records = new SpoolRecords(spool);
    expect(records.outbox('sent')).toEqual([{ ...outbox, acceptedAt: '2025-04-25T03:00:01.000Z' }]);
    expect(records.inbox('quarantine')).toEqual([inbox]);
  });

  it('refuse a record that does not fit, naming the file and the field', () => {
    const spool = new Spool(mkdtempSync(join(tmpdir(), 'cpl-records-schema-')));
    const { sha256: _dropped, ...noHash } = outbox;
    writeFileSync(spool.path('outbox', 'message-0001.json'), JSON.stringify(noHash));
    writeFileSync(spool.path('received', 'q-0001.json'), JSON.stringify({ ...inbox, state: 'lost' }));
    const records = new SpoolRecords(spool);
    const e = (() => {
      try {
        records.outbox('outbox');
        return null;
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(SpoolRecordError);
    expect(e).toMatchObject({ path: spool.path('outbox', 'message-0001.json'), field: 'sha256' });
    expect(() => records.inbox('received')).toThrow(/state/);
  });
});
