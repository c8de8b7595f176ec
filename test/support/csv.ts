// For tests only: what the streaming CSV reader makes of a text pushed in the given chunks.
import { CsvReader, type CsvIssue, type CsvRecord, type LineEndingStats } from '../../shared/validator/csv.js';

export interface ParsedCsv {
  records: CsvRecord[];
  issues: CsvIssue[];
  endings: LineEndingStats;
  recordsRead: number;
  linesRead: number;
  unterminated: boolean;
}

/** Every record and issue, the line-ending statistics and the counts, after `end()`; `fastRecords` false reads every record with the state machine alone. */
export function parseCsv(chunks: string[], fastRecords = true): ParsedCsv {
  const records: CsvRecord[] = [];
  const issues: CsvIssue[] = [];
  const reader = new CsvReader(
    (r) => records.push(r),
    (i) => issues.push(i),
    fastRecords,
  );
  for (const c of chunks) reader.push(c);
  reader.end();
  return {
    records,
    issues,
    endings: { ...reader.endings },
    recordsRead: reader.recordsRead,
    linesRead: reader.linesRead,
    unterminated: reader.unterminated,
  };
}
