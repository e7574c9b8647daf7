import type { ComponentType } from 'preact'
import type { ScreenProps } from './screen-props.ts'

import { BASE, href, type SkeletonKind } from './paths.ts'

export { BASE, href, type SkeletonKind }

export interface MemberRoute {
  /** Below /liff: `/card` is https://…/liff/card and the LIFF URL https://liff.line.me/<id>/card. */
  path: string
  screen: () => Promise<{ default: ComponentType<ScreenProps> }>
  /** What paints while the screen's code and data load. */
  skeleton: SkeletonKind
}

/** Every screen of the mini-app. Adding one is one line here (plus its messages; a home tile is
 * one more line in paths.ts MENU). */
export const ROUTES: readonly MemberRoute[] = [
  { path: '/', screen: () => import('./home/home-screen.tsx'), skeleton: 'page' },
  {
    path: '/card',
    screen: () => import('./card/card-screen.tsx'),
    skeleton: 'card',
  },
  {
    path: '/profile',
    screen: () => import('./profile/profile-screen.tsx'),
    skeleton: 'page',
  },
  {
    path: '/coupons',
    screen: () => import('./coupons/coupons-screen.tsx'),
    skeleton: 'page',
  },
  {
    path: '/points',
    screen: () => import('./points/points-screen.tsx'),
    skeleton: 'page',
  },
  {
    path: '/referral',
    screen: () => import('./referral/referral-screen.tsx'),
    skeleton: 'page',
  },
  {
    path: '/privacy',
    screen: () => import('./privacy/privacy-screen.tsx'),
    skeleton: 'page',
  },
  {
    path: '/coupons/exchange',
    screen: () => import('./points/exchange-screen.tsx'),
    skeleton: 'page',
  },
  {
    path: '/coupons/:id',
    screen: () => import('./coupons/coupon-screen.tsx'),
    skeleton: 'page',
  },
  {
    path: '/surveys/:id',
    screen: () => import('./surveys/survey-screen.tsx'),
    skeleton: 'page',
  },
]
