import type { HomeMessages } from './home-ja.ts'

/** The member home screen's messages in English. */
export const homeEn: HomeMessages = {
  title: 'Menu',
  hello: (name) => (name ? `Hello, ${name}` : 'Hello'),
  welcome: (shop) => `Your member menu for ${shop}.`,
  hints: {
    card: 'Show it when you pay',
    profile: 'Birthday, area, interests, news',
    coupons: 'Your coupons and points exchange',
    points: 'Balance, tier and history',
    referral: 'Invite friends, both get a reward',
  },
}
