// For tests only: one unit's Careplan-Meta as relay/API.md shows it (a single UPPLAN file from the care
// manager 1310000011 to the home-help office 1310000029), the one the protocol's schemas, the relay's
// request reading and the client's answer parsing are all tested with. Not exported from index.ts.
export const EXAMPLE_META = {
  sender: { office: '1310000011', serviceType: '43' },
  receiver: { office: '1310000029', serviceType: '11' },
  sequence: '20250425120002',
  month: '202504',
  kinds: ['UPPLAN'],
  files: ['UPPLAN_202504_1310000011_43_1310000029_11_20250425120002.CSV'],
};
