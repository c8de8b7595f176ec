// The fake back end's errors folder and export folder (issue 13): a unit with a wrong date for
// 佐藤 ハナ in errors/, a unit waiting for its 第7表, an Excel file.
import type { ErrorsView, ExportFolderState } from '../../../shared/api/types.js';

const HOME_HELP = '1310000029';

/** The export folder as the agent sees it: a unit waiting for its 第7表, an Excel file, one sent by the agent. */
export const folderState: ExportFolderState = {
  path: 'C:\\CareSoft\\export',
  autoSend: true,
  waiting: [],
  held: [],
  incomplete: [{ unit: '1310000011_43>1310000029_11#20250425120005', files: ['UPPLAN_202504_1310000011_43_1310000029_11_20250425120005.CSV'], missing: ['第7表（UPSIKYU）がありません'], since: '2025-04-25T02:10:00.000Z' }],
  ignored: [{ name: '4月分.xlsx', reason: { ja: 'Excel のファイルは送れません。介護ソフトから CSV で出力してください', en: 'Excel files cannot be sent. Export the data as CSV from the care software' } }],
  errorUnits: 1,
  // The recent sends are the fake history's (fakeApi.ts fills them in).
  recent: [],
};

/** One unit in the errors folder: a wrong date in 佐藤 ハナ's 第6表. */
export const errorsView: ErrorsView = {
  folder: 'C:\\CareSoft\\export\\errors',
  acknowledgedAt: null,
  units: [
    {
      key: '1310000011_43>1310000029_11#20250425120002',
      files: ['UPHOSOKU_202504_1310000011_43_1310000029_11_20250425120002.CSV', 'UPPLAN_202504_1310000011_43_1310000029_11_20250425120002.CSV', 'UPSIKYU_202504_1310000011_43_1310000029_11_20250425120002.CSV'],
      partner: { office: HOME_HELP, name: 'ひまわり訪問介護' },
      sequence: '20250425120002',
      kinds: ['UPPLAN', 'UPSIKYU', 'UPHOSOKU'],
      people: ['佐藤 ハナ 様'],
      problems: [
        {
          file: 'UPPLAN_202504_1310000011_43_1310000029_11_20250425120002.CSV',
          kind: '第6表 サービス利用票（予定）',
          row: 1,
          field: 'サービス利用日',
          person: '佐藤 ハナ 様',
          what: { ja: '1件目（佐藤 ハナ 様） 「サービス利用日」: 正しい日付（YYYYMMDD）ではありません: 20250431', en: 'record 1 (佐藤 ハナ 様) "サービス利用日": Not a valid date (YYYYMMDD): 20250431' },
          fix: { ja: '西暦8桁で、存在する日付にしてください（例: 20250401）。 介護ソフトで直して、もう一度書き出してください。', en: 'Use an existing date. Fix it in the care software and export it again.' },
        },
      ],
      at: '2025-04-25T02:00:00.000Z',
      acknowledged: false,
    },
  ],
};

