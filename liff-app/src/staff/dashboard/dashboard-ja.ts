import type { RFM_FREQUENCY_BANDS, RFM_RECENCY_BANDS } from '@joren/shared'

type Recency = (typeof RFM_RECENCY_BANDS)[number]
type Frequency = (typeof RFM_FREQUENCY_BANDS)[number]

const yen = (n: number) => `¥${n.toLocaleString('ja-JP')}`
const people = (n: number) => `${n.toLocaleString('ja-JP')}人`

export const dashboardJa = {
  title: 'ダッシュボード',
  intro: (timeZone: string) =>
    `選んだ期間の数字を、直前の同じ日数の期間と比べます（日付は店舗の時間帯 ${timeZone}）。`,
  period: {
    label: '期間',
    last30: '直近30日',
    last90: '直近90日',
    thisMonth: '今月',
    lastMonth: '先月',
    from: '開始日',
    to: '終了日',
    show: '表示',
    range: (from: string, to: string) => `${from} 〜 ${to}`,
    previous: (from: string, to: string) => `比較: ${from} 〜 ${to}`,
  },
  loading: '集計中…',
  csv: 'CSV',
  csvLabel: (what: string) => `${what}をCSVでダウンロード`,
  previousValue: (value: string) => `前期間 ${value}`,
  none: '—',
  yen,
  people,
  count: (n: number) => `${n.toLocaleString('ja-JP')}件`,
  percent: (ratio: number) => `${(ratio * 100).toFixed(1)}%`,
  figuresTitle: '期間の数字',
  figures: {
    friends: {
      label: '友だち',
      definition: '期間の終わりに公式アカウントを友だち追加している会員の数。',
    },
    newFriends: { label: '新しい友だち', definition: '期間中にはじめて友だち追加した会員の数。' },
    blocked: {
      label: 'ブロック',
      definition: '期間中にブロックし、いまもブロックしたままの会員の数。',
    },
    reachable: {
      label: '配信できる人',
      definition: 'いま配信を届けられる会員（友だちで、お知らせの受け取りに同意）の数。',
    },
    buyers: {
      label: '購入者',
      definition: '期間中に1回以上購入した会員の数（返品されたものは除く）。',
    },
    purchases: {
      label: '購入件数',
      definition: '期間中の購入の件数（完了したもの、返品を除く）。',
    },
    revenueYen: { label: '売上', definition: '期間中の購入金額の合計（税込・円、返品を除く）。' },
    averageOrderYen: { label: '平均客単価', definition: '売上 ÷ 購入件数（四捨五入）。' },
    repeatRate: {
      label: 'リピート率',
      definition: '期間中に2回以上購入した会員 ÷ 期間中の購入者。',
    },
    returningShare: {
      label: '再来店の割合',
      definition: '期間の前にも購入したことがある購入者 ÷ 期間中の購入者。',
    },
    dormant: {
      label: '休眠',
      definition: (days: number) =>
        `期間の終わりの時点で、最後の購入から${days}日を超えて購入していない会員の数（ブロックした人を含む）。`,
    },
    reactivated: {
      label: '復帰',
      definition: (days: number) =>
        `期間中に購入した会員のうち、その前の購入から${days}日を超えて空いていた人の数。`,
    },
  },
  ltv: {
    title: '12か月LTV（購入者1人あたりの購入額）',
    definition:
      '終了日までの12か月に1回以上購入した会員それぞれの購入額合計の平均と中央値（円、四捨五入）。',
    mean: '平均',
    median: '中央値',
    buyers: (n: number) => `対象の購入者 ${n.toLocaleString('ja-JP')}人`,
    window: (from: string, to: string) => `${from} 〜 ${to}`,
    trend: '12か月LTVの推移（各月末時点）',
    trendSummary: (points: string) => `月末ごとの12か月LTV: ${points}`,
    monthEnd: '時点（月末）',
    shortMonth: (month: string) => `${Number(month.slice(5, 7))}月`,
  },
  cohorts: {
    title: '初回購入月ごとの継続（コホート）',
    definition:
      '初回購入の月ごとの会員が、その何か月後にも購入したかの割合。0か月目は初回購入の月（100%）。',
    cohort: '初回購入月',
    size: '人数',
    monthsSince: (k: number) => (k === 0 ? '初月' : `${k}か月後`),
    shortMonthsSince: (k: number) => `${k}`,
    cell: (retained: number, size: number) =>
      `${retained.toLocaleString('ja-JP')}人 / ${size.toLocaleString('ja-JP')}人`,
    empty: '直近12か月に初回購入した会員はいません。',
    curve: '平均継続率（初回購入からの月数）',
    curveDefinition:
      'その月数に達したコホートすべてを合わせた、購入した人の割合（人数で重み付け）。',
    curveSummary: (points: string) => `初回購入からの月数ごとの平均継続率: ${points}`,
    rate: '継続率',
  },
  rfm: {
    title: 'RFM（最終購入からの日数 × 購入回数）',
    definition:
      '今日時点の、最後の購入からの日数と累計購入回数で分けた会員数と累計購入額。セルを押すとその条件のセグメントを開きます。',
    recency: '最終購入',
    frequency: '購入回数',
    members: '人数',
    revenue: '累計購入額',
    recencyBands: {
      '0-30': '30日以内',
      '31-90': '31〜90日',
      '91-180': '91〜180日',
      '181-365': '181〜365日',
      '366+': '366日以上',
    } satisfies Record<Recency, string>,
    frequencyBands: {
      '1': '1回',
      '2': '2回',
      '3-4': '3〜4回',
      '5-9': '5〜9回',
      '10+': '10回以上',
    } satisfies Record<Frequency, string>,
    open: (recency: string, frequency: string, members: string) =>
      `最終購入 ${recency}・購入 ${frequency}: ${members}（セグメントを開く）`,
    segmentName: (recency: string, frequency: string) => `RFM 最終購入${recency}・${frequency}`,
    empty: 'まだ購入の記録がありません。',
  },
  csvColumns: {
    figure: '指標',
    current: '期間',
    previous: '前期間',
    definition: '定義',
    to: '時点',
    month: '初回購入月',
  },
}

export type DashboardMessages = typeof dashboardJa
