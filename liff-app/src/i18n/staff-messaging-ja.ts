/** The staff console's 「メッセージ配信」 settings and the composer's reach explanation, in Japanese. */
export const staffMessagingJa = {
  title: 'メッセージ配信',
  intro:
    'LINE公式アカウントのプッシュメッセージは、プランの月間無料メッセージ数（無料プランは200通）を消費します。上限に達すると一斉配信も送れなくなるため、自動メッセージは必要なものだけにしてください。',
  who: 'お知らせ（一斉配信・ステップ配信）を送る相手',
  whoOptions: {
    everyone: '友だち全員（おすすめ）',
    opt_in: '受け取りを選んだ人だけ',
  },
  whoHelp: {
    everyone:
      '友だち追加はお店からのお知らせを受け取る同意です。ブロックした人と、ミニアプリで「お知らせを受け取らない」を選んだ人には送りません。',
    opt_in:
      'ミニアプリで「お知らせを受け取る」を選んだ人にだけ送ります。「受け取らない」を選んだ人の選択は、どちらの設定でも守られます。',
  },
  automatic: '自動メッセージ',
  receipt: 'お買い上げ明細（レシート）',
  receiptOptions: {
    off: '送らない',
    on: '毎回送る',
    changed: 'ポイントかランクが変わったときだけ',
  },
  receiptCost: '1回の来店につき1通（月の無料メッセージ数を消費）',
  receiptHelp:
    '会員はミニアプリでいつでもポイントと明細を確認できます。無料プランでは「送らない」をおすすめします。',
  tierUp: '会員ランクアップのお知らせ',
  tierUpCost:
    'ランクアップ1回につき1通（明細を送るときは明細に含めて1通・月の無料メッセージ数を消費）',
  stampReward: 'スタンプカード達成のお知らせ（特典クーポン付き）',
  stampRewardCost: 'カード達成1回につき1通（月の無料メッセージ数を消費）',
  referralNote:
    '友だち紹介のお知らせは「友だち紹介」の設定で切り替えられます（紹介1件につき2通）。',
  replyNote: '返信（応答メッセージ）は無料で、この設定に関係なく届きます。',
  save: '保存する',
  saving: '保存中…',
  saved: 'メッセージ配信の設定を保存しました',
  readOnly: '設定の変更はオーナーと管理者のみ行えます。',
  // The composer
  reachTitle: (segment: number, reachable: number) =>
    `対象 ${segment.toLocaleString('ja-JP')}人のうち、配信できるのは ${reachable.toLocaleString('ja-JP')}人です`,
  reachAll: (segment: number) => `対象の ${segment.toLocaleString('ja-JP')}人全員に配信できます`,
  reachCapNote: '1人あたり週の上限は設定されていません（配信ルールで設定できます）。',
}

export type StaffMessagingMessages = typeof staffMessagingJa
