import type { JourneyDraft } from '@joren/shared'

/** The birthday template's coupon (created with the templates, once). */
export const BIRTHDAY_COUPON = {
  title: 'お誕生日クーポン 10%OFF',
  conditions: 'お誕生日月にご利用いただけます。他の割引との併用はできません。',
  percent: 10,
  validDays: 30,
} as const

/**
 * The journeys a shop starts from, pre-written and off until switched on. `coupon` marks the
 * step whose coupon card uses the birthday coupon template.
 */
export function journeyTemplates(birthdayCouponTemplateId: number): (JourneyDraft & {
  templateKey: string
})[] {
  return [
    {
      templateKey: 'welcome',
      name: '友だち追加後のステップ配信',
      trigger: { kind: 'follow', includeRefollow: false },
      steps: [
        {
          wait: { days: 1, hours: 0, at: '11:00' },
          messages: [
            {
              type: 'text',
              text: '{name}さま、昨日はお友だち追加ありがとうございました。\nこのアカウントでは、お得な情報やポイントのお知らせをお届けします。会員証はメニューの「会員証」からいつでも開けます。',
            },
          ],
        },
        {
          wait: { days: 2, hours: 0, at: '11:00' },
          messages: [
            {
              type: 'text',
              text: 'お買い物のたびにポイントが貯まります。いまのポイントは {points} ポイントです。\nお会計の際に会員証を見せてくださいね。',
            },
          ],
        },
        {
          wait: { days: 4, hours: 0, at: '11:00' },
          messages: [
            {
              type: 'text',
              text: '{name}さま、その後いかがでしょうか。\nご来店をスタッフ一同お待ちしております。',
            },
          ],
        },
      ],
      goal: { kind: 'purchase', days: 14 },
    },
    {
      templateKey: 'birthday',
      name: 'お誕生日クーポン',
      trigger: { kind: 'birthday', daysBefore: 7 },
      steps: [
        {
          wait: { days: 0, hours: 0, at: '10:00' },
          messages: [
            {
              type: 'text',
              text: '{name}さま、もうすぐお誕生日ですね。\n日頃の感謝をこめて、お誕生日クーポンをお届けします。ぜひお祝いにお立ち寄りください。',
            },
            { type: 'coupon', templateId: birthdayCouponTemplateId },
          ],
        },
      ],
      goal: { kind: 'purchase', days: 30 },
    },
    {
      templateKey: 'dormant',
      name: '休眠のお客様へのご案内',
      trigger: { kind: 'dormant', days: 60 },
      steps: [
        {
          wait: { days: 0, hours: 0, at: '12:00' },
          messages: [
            {
              type: 'text',
              text: '{name}さま、しばらくお会いできていませんね。お元気でお過ごしでしょうか。\n新しい商品も入荷しています。お近くにお越しの際はぜひお立ち寄りください。',
            },
          ],
        },
      ],
      goal: { kind: 'purchase', days: 30 },
    },
    {
      templateKey: 'after_purchase',
      name: 'ご購入後のお礼',
      trigger: { kind: 'after_purchase', minAmountYen: null, categories: [] },
      steps: [
        {
          wait: { days: 3, hours: 0, at: '18:00' },
          messages: [
            {
              type: 'text',
              text: '{name}さま、先日はご来店ありがとうございました。\nお買い上げいただいた商品はいかがですか。気になることがあれば、このトークでお気軽にお知らせください。',
            },
          ],
        },
      ],
      goal: { kind: 'purchase', days: 30 },
    },
    {
      templateKey: 'purchase_cycle',
      name: 'いつものご来店タイミングのリマインド',
      trigger: { kind: 'purchase_cycle', marginDays: 3, minPurchases: 3 },
      steps: [
        {
          wait: { days: 0, hours: 0, at: '10:00' },
          messages: [
            {
              type: 'text',
              text: '{name}さま、そろそろいつものお買い物のタイミングではありませんか。\nご来店をお待ちしております。',
            },
          ],
        },
      ],
      goal: { kind: 'purchase', days: 14 },
    },
    {
      templateKey: 'tier_up',
      name: 'ランクアップのお祝い',
      trigger: { kind: 'tier_up' },
      steps: [
        {
          wait: { days: 0, hours: 1, at: null },
          messages: [
            {
              type: 'text',
              text: 'おめでとうございます！{name}さまの会員ランクが「{tier}」に上がりました。\nいつもご利用ありがとうございます。これからもよろしくお願いいたします。',
            },
          ],
        },
      ],
      goal: { kind: 'none', days: 30 },
    },
    {
      templateKey: 'tier_drop',
      name: 'ランクダウン前のお知らせ',
      trigger: { kind: 'tier_drop', daysBefore: 14 },
      steps: [
        {
          wait: { days: 0, hours: 0, at: '11:00' },
          messages: [
            {
              type: 'text',
              text: '{name}さま、いつもありがとうございます。\nいまの会員ランク「{tier}」は、このままですと2週間ほどで見直しの対象になります。\nこの機会にぜひご来店ください。ランクの特典をそのままお使いいただけます。',
            },
          ],
        },
      ],
      goal: { kind: 'purchase', days: 14 },
    },
    {
      templateKey: 'survey_low_score',
      name: 'アンケートの低い評価をスタッフへ',
      trigger: { kind: 'survey_low_score', surveyId: null },
      steps: [],
      goal: { kind: 'none', days: 7 },
    },
  ]
}
