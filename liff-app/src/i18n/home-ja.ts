/** The member home screen's messages in Japanese (loaded with the home screen). */
export const homeJa = {
  title: 'メニュー',
  hello: (name: string | null) => (name ? `${name} さん、こんにちは` : 'こんにちは'),
  welcome: (shop: string) => `${shop}の会員メニューです。`,
  /** Under each screen's name on its tile; one per `Messages['menu']` entry. */
  hints: {
    card: 'お会計のときに見せてください',
    profile: '誕生日・地域・興味・お知らせ設定',
    coupons: '使えるクーポン・ポイント交換',
    points: '残高・会員ランク・履歴',
    referral: 'お友だちを紹介して特典を受け取る',
  },
}

export type HomeMessages = typeof homeJa
