import type { SeededRandom } from './prng.ts'

/** The demo café's words: names, baskets, the survey, broadcasts and conversations. */

const SURNAMES = [
  '佐藤',
  '鈴木',
  '高橋',
  '田中',
  '伊藤',
  '渡辺',
  '山本',
  '中村',
  '小林',
  '加藤',
  '吉田',
  '山田',
  '佐々木',
  '山口',
  '松本',
  '井上',
  '木村',
  '林',
  '斎藤',
  '清水',
  '森',
  '池田',
  '橋本',
  '阿部',
  '石川',
  '前田',
  '藤田',
  '小川',
  '岡田',
  '長谷川',
]
const GIVEN = [
  '陽子',
  '美咲',
  '結衣',
  '彩',
  '真由美',
  '恵',
  '直子',
  '葵',
  '優子',
  '千尋',
  '翔太',
  '健一',
  '大輔',
  '拓也',
  '誠',
  '亮',
  '浩二',
  '蓮',
  '悠斗',
  '隆',
]
const HIRAGANA = [
  'さくら',
  'ゆき',
  'まゆ',
  'あや',
  'みほ',
  'ひろ',
  'けんた',
  'なつみ',
  'はるか',
  'りょう',
]
const ROMAJI = ['Yuki', 'Mao', 'Kenta', 'Aya', 'Haru', 'Sho', 'Miku', 'Taka', 'Nana', 'Ryo']

/** A LINE display name as people set them: full names, a hiragana nickname or romaji. */
export function displayName(rng: SeededRandom): string {
  const r = rng.next()
  if (r < 0.6) return `${rng.pick(SURNAMES)} ${rng.pick(GIVEN)}`
  if (r < 0.85) return rng.pick(HIRAGANA)
  return rng.pick(ROMAJI)
}

const DRINKS = [480, 520, 550, 580, 620, 680]
const FOOD = [650, 780, 880, 980]
const SWEETS = [380, 450, 520, 580]
const GOODS = [1200, 1600, 2400, 2800]

/** What a guest buys on one visit: a drink, often food or sweets, now and then beans or goods. */
export function basket(rng: SeededRandom): { amountYen: number; categories: string[] } {
  let amountYen = rng.pick(DRINKS)
  const categories = ['drink']
  if (rng.chance(0.25)) amountYen += rng.pick(DRINKS) // a second drink, for a companion
  if (rng.chance(0.35)) {
    amountYen += rng.pick(FOOD)
    categories.push('food')
  }
  if (rng.chance(0.3)) {
    amountYen += rng.pick(SWEETS)
    categories.push('sweets')
  }
  if (rng.chance(0.05)) {
    amountYen += rng.pick(GOODS)
    categories.push('goods')
  }
  return { amountYen, categories }
}

export const SURVEY_QUESTIONS = [
  {
    id: 'q1',
    type: 'nps',
    label: 'こもれびを友人やご家族にすすめる可能性はどのくらいありますか？',
    lowLabel: 'すすめない',
    highLabel: 'ぜひすすめたい',
  },
  {
    id: 'q2',
    type: 'rating',
    label: '本日のご来店の満足度を教えてください',
    lowLabel: '不満',
    highLabel: '満足',
  },
  {
    id: 'q3',
    type: 'text',
    label: 'ご意見・ご感想があればお聞かせください',
    required: false,
  },
]

const PRAISE = [
  '季節のタルトがとても美味しかったです。また来ます！',
  'スタッフの方がいつも笑顔で、居心地がいいです。',
  '窓際の席でゆっくり読書できました。',
  'カフェラテの泡がきめ細かくて好きです。',
  'テイクアウトが早くて助かっています。',
]
const NEUTRAL = [
  'お昼どきは少し混んでいて座れませんでした。',
  'Wi-Fi があると嬉しいです。',
  '新しいメニューをもう少し増やしてほしいです。',
]
const COMPLAINT = [
  'ドリンクが出てくるまで20分ほど待ちました。',
  '注文と違うケーキが出てきました。',
  'レジで会員証がうまく読み取れず、時間がかかりました。',
]

/** A free-text comment matching the score. */
export function comment(rng: SeededRandom, nps: number): string {
  return rng.pick(nps >= 9 ? PRAISE : nps >= 7 ? NEUTRAL : COMPLAINT)
}

export const DORMANT_MESSAGE =
  '{name}さま、しばらくお会いできていませんね。こもれびでは季節のドリンクをご用意してお待ちしています。\nお気軽にお立ち寄りいただけるよう、200円引きのクーポンをお届けします。'

/** The year's broadcasts (month-day, JST hour). */
export const BROADCASTS = [
  {
    date: '01-08',
    hour: 11,
    title: '新春 ポイント2倍デーのお知らせ',
    text: '{name}さま、あけましておめでとうございます。\n1月10日〜12日はポイント2倍デーです。今年もこもれびをよろしくお願いいたします。',
    coupon: false,
  },
  {
    date: '02-07',
    hour: 12,
    title: 'バレンタイン限定 ショコラタルト',
    text: 'バレンタイン限定のショコラタルトが登場しました。大切な方への贈り物にもどうぞ。クーポンをご用意しています。',
    coupon: true,
  },
  {
    date: '04-05',
    hour: 11,
    title: '春の新作 さくらラテはじめました',
    text: '{name}さま、春の新作「さくらラテ」がはじまりました。桜の季節をカフェでゆっくりお楽しみください。',
    coupon: false,
  },
  {
    date: '07-12',
    hour: 12,
    title: '夏季限定 かき氷はじめました',
    text: '暑い日が続きますね。自家製シロップのかき氷がはじまりました。10%OFFクーポンでどうぞ。',
    coupon: true,
  },
  {
    date: '10-03',
    hour: 11,
    title: '秋の新作スイーツ 和栗のモンブラン',
    text: '{name}さま、秋の新作「和栗のモンブラン」が登場しました。数量限定です。',
    coupon: false,
  },
  {
    date: '11-20',
    hour: 18,
    title: 'クリスマスケーキ ご予約受付中',
    text: 'クリスマスケーキのご予約を受け付けています。12月20日までのご予約で10%OFFになります。',
    coupon: true,
  },
]

type Line = { from: 'guest' | 'shop'; text: string }

const QUESTIONS: Line[][] = [
  [
    { from: 'guest', text: '今週の土曜日、4人で14時から席の予約はできますか？' },
    {
      from: 'shop',
      text: 'お問い合わせありがとうございます。土曜日14時、4名さまでお席をご用意できます。お名前を教えていただけますか？',
    },
    { from: 'guest', text: '田中です。よろしくお願いします！' },
    { from: 'shop', text: '田中さま、ご予約承りました。当日お待ちしております。' },
  ],
  [
    { from: 'guest', text: 'ケーキに卵や乳製品は使われていますか？子どもにアレルギーがあって…' },
    {
      from: 'shop',
      text: 'ご連絡ありがとうございます。卵・乳製品を使っていない豆乳のガトーショコラがございます。原材料の一覧は店頭でもお見せできますので、お気軽にお声がけください。',
    },
    { from: 'guest', text: 'ありがとうございます、助かります。' },
  ],
  [
    { from: 'guest', text: '年末年始の営業時間を教えてください。' },
    {
      from: 'shop',
      text: '12月31日は17時まで、1月1日〜3日はお休みをいただき、4日から通常どおり営業いたします。',
    },
  ],
  [
    { from: 'guest', text: '昨日お店に傘を忘れてしまったかもしれません。紺色の折りたたみ傘です。' },
    { from: 'shop', text: 'お預かりしております。次回ご来店の際にお声がけください。' },
    { from: 'guest', text: 'よかったです！明日取りに行きます。' },
  ],
  [
    { from: 'guest', text: 'コーヒー豆の配送はしていますか？' },
    {
      from: 'shop',
      text: '申し訳ございません、現在は店頭販売のみです。お取り置きはできますので、ご希望の豆と量をお知らせください。',
    },
  ],
]

const LOW_SCORE: Line[][] = [
  [
    {
      from: 'shop',
      text: 'アンケートへのご回答ありがとうございました。お待たせしてしまい、大変申し訳ございませんでした。差し支えなければ、ご来店の日時を教えていただけますか？',
    },
    { from: 'guest', text: '日曜のお昼です。混んでいたので仕方ないとは思いますが…' },
    {
      from: 'shop',
      text: 'ご不便をおかけしました。週末のお昼はスタッフを増やして対応いたします。次回お越しの際はお声がけくださいね。',
    },
  ],
  [
    {
      from: 'shop',
      text: 'ご意見をお寄せいただきありがとうございます。ご注文と違う商品をお出ししてしまい、申し訳ございませんでした。',
    },
    { from: 'guest', text: 'いえ、すぐ替えてもらえたので大丈夫です。' },
    {
      from: 'shop',
      text: 'お気遣いありがとうございます。今後このようなことがないよう、店内で共有いたしました。',
    },
  ],
]

export function questionThread(rng: SeededRandom): Line[] {
  return rng.pick(QUESTIONS)
}

export function lowScoreThread(rng: SeededRandom): Line[] {
  return rng.pick(LOW_SCORE)
}
