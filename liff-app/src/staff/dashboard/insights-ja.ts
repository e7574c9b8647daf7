import type { COUPON_SOURCE_GROUPS, MessageEconomy } from '@joren/shared'

type Source = (typeof COUPON_SOURCE_GROUPS)[number]

/** The dashboard's campaign, coupon, satisfaction and message-economy sections (Japanese). */
export const insightsJa = {
  loading: '配信と満足度を集計中…',
  satisfaction: {
    title: '満足度（NPS・CSAT）と回答率',
    definition: '終了日の月までの6か月。月は店舗の時間帯で数えます。',
    month: '月',
    nps: 'NPS',
    npsDefinition:
      'NPS = (9〜10点の推奨者 − 0〜6点の批判者) ÷ 推奨度の回答数 × 100（−100〜100、四捨五入）。',
    csat: 'CSAT',
    csatDefinition: 'CSAT = 星の評価（1〜5）で4以上をつけた回答 ÷ 星の評価の回答。',
    responseRate: '回答率',
    responseRateDefinition:
      '回答率 = その月にアンケートに答えた会員（重複なし） ÷ 月末の友だち数。',
    responses: '推奨度の回答数',
    promoters: '推奨者',
    passives: '中立者',
    detractors: '批判者',
    respondents: '回答した会員',
    friends: '月末の友だち',
    chart: 'NPS の推移',
    chartSummary: (points: string) => `月ごとの NPS: ${points}`,
    rateChart: 'CSAT と回答率の推移',
    rateSummary: (points: string) => `月ごとの CSAT と回答率: ${points}`,
    shortMonth: (month: string) => `${Number(month.slice(5, 7))}月`,
  },
  coupons: {
    title: 'クーポンの利用率（発行元ごと）',
    definition:
      '期間中に発行したクーポンのうち、いままでに使われた割合。発行元はクーポンを出した仕組みです。',
    source: '発行元',
    issued: '発行',
    issuedDefinition: '期間中（店舗の時間帯の日付）に発行したクーポンの数。',
    redeemed: '利用',
    redeemedDefinition: 'そのうち、いままでに店頭で使われた数。',
    rate: '利用率',
    rateDefinition: '利用率 = 利用 ÷ 発行（発行がなければ —）。',
    sources: {
      welcome: '友だち追加',
      survey: 'アンケート',
      broadcast: '配信',
      journey: 'ステップ配信',
      exchange: 'ポイント交換',
      manual: 'スタッフ付与',
      referral: '紹介',
      stamp_card: 'スタンプカード',
    } satisfies Record<Source, string>,
  },
  campaigns: {
    title: '配信とステップ配信の効果',
    definition:
      '配信は送信開始から、ステップ配信は各会員の開始から、計測期間内の購入を、送らなかった対照群（ホールドアウト）と比べます。',
    empty: 'まだ配信もステップ配信もありません。',
    kind: { broadcast: '配信', journey: 'ステップ配信' },
    name: '名前',
    started: '送信開始',
    window: '計測期間',
    windowDays: (days: number) => `${days}日`,
    reached: '届いた人',
    reachedDefinition:
      '配信: 送信できた受信者の数。ステップ配信: 開始した会員のうち対照群でない人の数。',
    heldOut: '対照群',
    heldOutDefinition: 'わざと送らなかった会員の数（比較のため）。',
    coupons: 'クーポン利用',
    couponsDefinition: 'その配信・ステップで発行されたクーポンのうち使われた数（計測期間内）。',
    purchases: '購入',
    purchasesDefinition: '届いた人の、計測期間内の購入件数（返品を除く）。',
    revenue: '売上',
    revenueDefinition: '届いた人の、計測期間内の購入金額の合計。',
    lift: 'リフト',
    liftDefinition:
      'リフト = 届いた人の購入率 − 対照群の購入率（ポイント差）。括弧内は95%信頼区間。',
    noHoldout: '対照群なし',
    openClick: 'LINE の開封・クリック',
    opened: '開封',
    openedDefinition: 'LINE が数えた、メッセージを開いた人の数（ユニーク）。',
    clicked: 'クリック',
    clickedDefinition: 'LINE が数えた、メッセージ内のリンクを開いた人の数（ユニーク）。',
    fewerThan20: '20人未満',
    notPolled: '未集計',
    step: (n: number) => `ステップ${n + 1}`,
    asOf: (date: string) => `${date} 時点`,
    openClickNote:
      '開封・クリックは LINE が集計した数です（数時間おきに取得。LINE は20人未満の数を出さないため「20人未満」と表示します）。',
    points: (difference: number) =>
      `${difference >= 0 ? '+' : ''}${(difference * 100).toFixed(1)}pt`,
    interval: (lo: number, hi: number) => `(${(lo * 100).toFixed(1)}〜${(hi * 100).toFixed(1)}pt)`,
  },
  economy: {
    title: 'メッセージの費用',
    definition:
      '今月（店舗の時間帯）の送信数と料金の見込み。上の「メッセージ通数」が LINE の数えた値です。',
    pushes: '今月のプッシュ',
    pushesDefinition:
      'このシステムが今月 LINE に送ったプッシュ・配信の通数（受信者ごとに1通）。無料の応答は含みません。',
    replies: '今月の応答（無料）',
    repliesDefinition: '応答メッセージ（返信トークンで送るもの）は通数に数えられず無料です。',
    plan: '料金プラン',
    planDefinition: 'LINE が返す今月の上限通数から判断したプラン（2023年6月以降の料金）。',
    plans: {
      communication: 'コミュニケーションプラン（無料・200通）',
      light: 'ライトプラン（5,000円・5,000通）',
      standard: 'スタンダードプラン（15,000円・30,000通）',
      other: 'そのほかのプラン',
      unknown: '不明（LINE が答えませんでした）',
    } satisfies Record<MessageEconomy['plan'], string>,
    overage: '追加メッセージ料金',
    overageDefinition:
      'スタンダードプランだけが上限を超えて送れます。超えた通数 × 3円（最も高い単価での見込み）。',
    overageNone: '（スタンダードプラン以外は上限を超えて送れません）',
    cost: '今月の費用（見込み）',
    costDefinition: 'プランの月額 + 追加メッセージ料金（税抜）。',
    returning: '今月の再来店客',
    returningDefinition: '今月購入した会員のうち、今月より前にも購入したことがある人の数。',
    perReturning: '再来店客1人あたりの費用',
    perReturningDefinition: '今月の費用 ÷ 今月の再来店客（四捨五入）。',
    over: (n: number) => `${n.toLocaleString('ja-JP')}通`,
  },
  csvColumns: { item: '項目', value: '値', definition: '定義', kind: '種類' },
}

export type InsightMessages = typeof insightsJa
