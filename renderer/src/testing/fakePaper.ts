// The fake back end's paper part (issue 14): partner status, the 印刷・FAX sheets and the invitation.
import type { AppApi } from '../../../shared/api/methods.js';
import type { PaperView, PartnerLink } from '../../../shared/api/types.js';

export const PAPER_PARTNER = '1310000045';

/** `starred` holds the stars set through the fake's setFavourite, so partnerLinks answers as the back end would. */
export function paperFakes(
  linked: string,
  unlinked: string,
  starred: ReadonlyMap<string, boolean> = new Map(),
): Pick<AppApi, 'partnerLinks' | 'listPaper' | 'openPaper' | 'setPaperFaxed' | 'makeInvitation'> {
  const links: PartnerLink[] = [
    { office: linked, name: 'ひまわり訪問介護', state: 'linked', favourite: true },
    { office: unlinked, name: 'さくらデイサービス', state: 'unlinked', favourite: false },
    { office: PAPER_PARTNER, name: 'あおぞら訪問看護', state: 'unlinked', favourite: false },
  ];
  let view: PaperView = {
    folder: 'C:\\ケアプラン\\書き出し\\印刷・FAX',
    sheets: [
      { id: `202504-${unlinked}-1`, month: '202504', partner: { office: unlinked, name: 'さくらデイサービス' }, units: 2, kinds: ['UP1KYO', 'UPPLAN', 'UPSIKYU'], pages: 9, fileName: `202504_さくらデイサービス_${unlinked}.pdf`, madeAt: '2025-04-25T03:00:00.000Z', faxedAt: null },
    ],
    months: [{ month: '202504', byData: { units: 2, partners: [linked] }, byPaper: { units: 2, partners: [unlinked] } }],
  };
  return {
    partnerLinks: async ({ offices }) => {
      const now = links.map((l) => ({ ...l, favourite: starred.get(l.office) ?? l.favourite }));
      return structuredClone(offices ? now.filter((l) => offices.includes(l.office)) : now);
    },
    listPaper: async () => structuredClone(view),
    openPaper: async ({ id }) => ({ path: id ? `${view.folder}\\202504\\${view.sheets[0]!.fileName}` : view.folder, opened: true }),
    setPaperFaxed: async ({ id, faxed }) => {
      view = { ...view, sheets: view.sheets.map((s) => (s.id === id ? { ...s, faxedAt: faxed ? '2025-04-26T01:00:00.000Z' : null } : s)) };
      return structuredClone(view);
    },
    makeInvitation: async ({ office }) => ({ path: `${view.folder}\\ご案内\\連携のご案内_${office}.pdf`, opened: true }),
  };
}
