/**
 * Starter FAQ sets per shop type: the questions customers of such a shop ask most, in natural
 * Japanese, for a shop to pick at set-up and edit. The parts in 【】 are the shop's own facts
 * (hours, prices, rules): entries are created switched off, so the bot answers with them only
 * after staff have filled them in and switched them on.
 *
 * These are product content, not evaluation data: the FAQ figures are measured on
 * test/faq/heldout, which has its own entries.
 */
export interface StarterEntry {
  key: string
  /** The topic, for the picker. */
  title: string
  questions: string[]
  answer: string
}

export interface StarterSet {
  type: string
  name: string
  entries: StarterEntry[]
}

const common = {
  hours: (hours: string): StarterEntry => ({
    key: 'hours',
    title: '営業時間',
    questions: ['営業時間を教えてください', '何時から何時まで開いていますか'],
    answer: `営業時間は【${hours}】です。`,
  }),
  holidays: (days: string): StarterEntry => ({
    key: 'holidays',
    title: '定休日',
    questions: ['定休日はいつですか', 'お休みの日を教えてください'],
    answer: `定休日は【${days}】です。祝日は【通常どおり営業】しています。`,
  }),
  parking: {
    key: 'parking',
    title: '駐車場',
    questions: ['駐車場はありますか', '車で行っても大丈夫ですか'],
    answer:
      '【店舗前に◯台分】の駐車場がございます。満車の際は近くのコインパーキングをご利用ください。',
  },
  payment: (methods: string): StarterEntry => ({
    key: 'payment',
    title: 'お支払い方法',
    questions: ['支払い方法を教えてください', 'クレジットカードは使えますか'],
    answer: `現金のほか、【${methods}】がご利用いただけます。`,
  }),
  points: {
    key: 'points',
    title: 'ポイント',
    questions: ['ポイントはたまりますか', 'ポイントの使い方を教えてください'],
    answer:
      'お会計【100円ごとに1ポイント】たまり、【1ポイント1円】として次回からお使いいただけます。お会計の際にLINEの会員証をご提示ください。',
  },
  coupons: {
    key: 'coupons',
    title: 'クーポン',
    questions: ['クーポンはありますか', 'クーポンの使い方を教えてください'],
    answer:
      'LINEのトークで「クーポン」と送ると、お使いいただけるクーポンをお届けします。お会計の前にスタッフにお見せください。',
  },
  membership: {
    key: 'membership',
    title: '会員登録',
    questions: ['会員登録はどうすればいいですか', '会員になると何がありますか'],
    answer:
      'このLINEアカウントを友だち追加いただくと会員登録が完了します。会員証・ポイント・クーポンはトーク画面下のメニューからご利用いただけます。',
  },
} satisfies Record<string, StarterEntry | ((arg: string) => StarterEntry)>

export const STARTER_SETS: readonly StarterSet[] = [
  {
    type: 'cafe',
    name: 'カフェ・喫茶店',
    entries: [
      common.hours('9:00〜18:00（ラストオーダー 17:30）'),
      common.holidays('毎週火曜日'),
      common.parking,
      {
        key: 'reservation',
        title: '席の予約',
        questions: ['席の予約はできますか', '予約の方法を教えてください'],
        answer:
          'お席のご予約はお電話またはこのトークで【前日まで】承ります。【土日のランチタイム】はご予約をお受けしていません。',
      },
      {
        key: 'takeout',
        title: 'テイクアウト',
        questions: ['テイクアウトはできますか', '持ち帰りできるメニューはありますか'],
        answer: '【ドリンクと焼き菓子】はお持ち帰りいただけます。',
      },
      {
        key: 'wifi',
        title: 'Wi-Fi・電源',
        questions: ['Wi-Fiはありますか', '電源は使えますか'],
        answer: '無料Wi-Fiがございます。【カウンター席】に電源コンセントがあります。',
      },
      common.payment('クレジットカード、交通系IC、QRコード決済'),
      {
        key: 'allergy',
        title: 'アレルギー',
        questions: ['アレルギー表示はありますか', '卵や乳を使っていないメニューはありますか'],
        answer:
          'メニューごとの特定原材料を記載した一覧表をご用意しています。ご注文の際に店員にお声がけください。',
      },
      {
        key: 'kids',
        title: 'お子さま連れ',
        questions: ['子連れでも入れますか', 'ベビーカーで入れますか'],
        answer: 'お子さま連れ歓迎です。【お子さま用の椅子】もございます。',
      },
      common.points,
      common.coupons,
    ],
  },
  {
    type: 'salon',
    name: '美容室・サロン',
    entries: [
      common.hours('10:00〜20:00（カットの最終受付 19:00）'),
      common.holidays('毎週月曜日'),
      {
        key: 'booking',
        title: '予約方法',
        questions: ['予約はどうやってしますか', '当日予約はできますか'],
        answer:
          'ご予約はこのLINEのメニュー「予約する」またはお電話で承ります。当日でも空きがあればご予約いただけます。',
      },
      {
        key: 'booking_change',
        title: '予約の変更・キャンセル',
        questions: ['予約の変更はできますか', 'キャンセルしたいです'],
        answer:
          '予約の変更・キャンセルは【前日の19時】までにご連絡ください。当日のキャンセルは【キャンセル料】がかかります。',
      },
      {
        key: 'price',
        title: '料金',
        questions: ['カットの料金はいくらですか', '料金表を見たいです'],
        answer:
          'カットは【5,500円】、カラーは【7,700円〜】です。詳しくはメニュー表をご覧ください。',
      },
      {
        key: 'duration',
        title: '所要時間',
        questions: ['施術時間はどのくらいですか', 'カラーは何時間かかりますか'],
        answer: '目安はカットが【約1時間】、カット＋カラーが【約2時間】です。',
      },
      {
        key: 'stylist',
        title: '指名',
        questions: ['指名はできますか', '担当者を選べますか'],
        answer:
          'スタイリストのご指名ができます（指名料【550円】）。ご予約の際にお申し付けください。',
      },
      common.parking,
      common.payment('クレジットカード、QRコード決済'),
      {
        key: 'first_visit',
        title: '初回割引',
        questions: ['初回の割引はありますか', '新規クーポンはありますか'],
        answer: '初めてのお客さまは【カット・カラー20%オフ】になります。ご予約時にお伝えください。',
      },
      common.membership,
    ],
  },
  {
    type: 'apparel',
    name: 'アパレル・雑貨（店舗と通販）',
    entries: [
      common.hours('11:00〜20:00（年始を除き無休）'),
      {
        key: 'returns',
        title: '返品・交換',
        questions: ['返品はできますか', '交換はできますか'],
        answer:
          'ご購入から【14日以内】で、タグ付きの未使用品に限り、レシートをお持ちいただければ返品・交換を承ります。【セール品】は対象外です。',
      },
      {
        key: 'shipping',
        title: '送料・お届け日数',
        questions: ['送料はいくらですか', '届くまで何日かかりますか'],
        answer:
          '通販の送料は【全国一律600円、10,000円以上で無料】です。ご注文から【2〜4日】でお届けします。',
      },
      {
        key: 'size',
        title: 'サイズ',
        questions: ['サイズの選び方を教えてください', 'サイズが合わなかったらどうなりますか'],
        answer: '商品ページに実寸を記載しています。サイズ交換は【1回まで無料】で承ります。',
      },
      {
        key: 'hold',
        title: '取り置き',
        questions: ['取り置きはできますか', '商品をキープしてもらえますか'],
        answer:
          '店頭商品のお取り置きは【3日間】承ります。このトークで商品名・色・サイズをお知らせください。',
      },
      {
        key: 'gift',
        title: 'ギフト包装',
        questions: ['ギフト包装はできますか', 'ラッピングは有料ですか'],
        answer:
          'ギフトラッピングは【無料】で承ります。お会計時またはご注文時にお申し付けください。',
      },
      common.payment(
        'クレジットカード、電子マネー、QRコード決済（通販は代金引換・コンビニ払いも）',
      ),
      common.points,
      common.membership,
      {
        key: 'order_status',
        title: '注文の発送状況',
        questions: ['注文した商品はいつ届きますか', '発送状況を確認したいです'],
        answer:
          '発送時に追跡番号を記載したメールをお送りしています。届かない場合はご注文番号をこのトークでお知らせください。',
      },
    ],
  },
  {
    type: 'bakery',
    name: 'パン屋・菓子店',
    entries: [
      common.hours('7:00〜18:00（売り切れ次第閉店）'),
      common.holidays('毎週日曜日・月曜日'),
      {
        key: 'preorder',
        title: '予約・取り置き',
        questions: ['パンの予約はできますか', '取り置きをお願いできますか'],
        answer: '【前日の17時】までにLINEかお電話でご予約いただければ、お取り置きします。',
      },
      {
        key: 'bake_times',
        title: '焼き上がり時間',
        questions: ['焼き上がり時間を教えてください', '焼きたては何時ですか'],
        answer: '【食パンは10:00と14:00、クロワッサンは8:00と12:00】に焼き上がります。',
      },
      {
        key: 'allergy',
        title: 'アレルギー',
        questions: ['アレルギー表示はありますか', '卵を使っていないパンはありますか'],
        answer:
          '各商品のプライスカードに特定原材料を表示しています。同じ工房で製造しているため、微量が混入する可能性があります。',
      },
      {
        key: 'cake',
        title: 'ケーキの予約',
        questions: ['誕生日ケーキは注文できますか', 'ホールケーキの予約はできますか'],
        answer: 'ホールケーキは【3日前】までのご予約制です。お名前入りのプレートもお付けできます。',
      },
      common.parking,
      common.payment('交通系IC、QRコード決済'),
      {
        key: 'storage',
        title: '保存方法',
        questions: ['パンの保存方法を教えてください', '冷凍できますか'],
        answer:
          '当日中がいちばんおいしく召し上がれます。翌日以降は1枚ずつラップで包んで冷凍し、凍ったままトーストしてください。',
      },
      common.points,
    ],
  },
  {
    type: 'restaurant',
    name: '飲食店・居酒屋',
    entries: [
      common.hours('11:30〜14:00、17:00〜22:00（ラストオーダー 21:30）'),
      common.holidays('毎週水曜日'),
      {
        key: 'reservation',
        title: '予約',
        questions: ['予約はできますか', '何人まで入れますか'],
        answer:
          'ご予約はお電話またはこのトークで承ります。【最大20名さま】までご利用いただけます。',
      },
      {
        key: 'private_room',
        title: '個室・貸切',
        questions: ['個室はありますか', '貸切はできますか'],
        answer: '【6名さま用の個室】がございます。貸切は【20名さま】からご相談ください。',
      },
      {
        key: 'smoking',
        title: '喫煙',
        questions: ['タバコは吸えますか', '禁煙ですか'],
        answer: '店内は【全席禁煙】です。',
      },
      {
        key: 'allergy',
        title: 'アレルギー',
        questions: ['アレルギー対応はできますか', '食べられないものがあるのですが'],
        answer: 'ご予約の際にアレルギーや苦手な食材をお知らせください。できる限り対応いたします。',
      },
      {
        key: 'takeout',
        title: 'テイクアウト',
        questions: ['テイクアウトはできますか', '持ち帰りできますか'],
        answer: '【お弁当と一部の料理】はお持ち帰りいただけます。お電話でのご予約がおすすめです。',
      },
      common.parking,
      common.payment('クレジットカード、電子マネー、QRコード決済'),
      common.coupons,
      common.points,
    ],
  },
]

export function starterSet(type: string): StarterSet | null {
  return STARTER_SETS.find((s) => s.type === type) ?? null
}
