// The lists' words (受信, 帳票, 予定と実績, 履歴): people by name, the filters, 新着, and the
// provider's own words for the 第6表 it receives and returns. Spread into ja.ts.
export const listsJa = {
  person: '利用者',
  personAll: 'すべての利用者',
  personNamed: '{name} 様',
  personUnnamed: '氏名不明（補足情報がまだありません）',
  monthAll: 'すべての月',
  listSearch: '探す（利用者名・フリガナ・番号・帳票名）',
  listSearchNone: '条件に合うものはありません。',
  listShown: '{shown} 件 / 全 {total} 件',
  newMark: '新着',
  markAllSeen: '新着 {n} 件をすべて確認済みにする',
  personNoMonth: '月の指定なし',
  // The provider's point of view (居宅サービス事業所): the 第6表 it gets is its 提供票.
  provPlan: '提供票（届いた予定）',
  provActual: '提供票（返した実績）',
  provSikyu: '提供票別表（第7表）',
  provCompareIntro: '居宅介護支援事業所から届いた予定（提供票）と、こちらから返した実績を並べて、違うところを示します。',
  provPlanned: '届いた予定',
  provReturned: '返した実績',
  stImportedToFolder: '取り込みフォルダに保存しました',
  otherProviderNote: '薄い色の行はほかの事業所のサービスです。利用票は利用者に渡す控えなので、その月のすべての事業所の予定が載ります（標準仕様 4.1 出力単位）。',
  otherProviderRow: 'ほかの事業所',
  folderTypeHint: 'ブラウザではこのパソコンのフォルダを選ぶ画面を開けないため、場所を文字で入れてください（例: C:\\ケアソフト\\書き出し）。デスクトップアプリでは「参照…」で選べます。',
};
