import type { ComponentType } from 'preact'
import type { Messages } from '../i18n/ja.ts'
import type { ScreenProps } from './screen-props.ts'

export const BASE = '/liff'

export type SkeletonKind = 'card' | 'page'

export interface MemberRoute {
  /** Below /liff: `/card` is https://…/liff/card and the LIFF URL https://liff.line.me/<id>/card. */
  path: string
  screen: () => Promise<{ default: ComponentType<ScreenProps> }>
  /** What paints while the screen's code and data load. */
  skeleton: SkeletonKind
  /** A tile on the home screen, labelled from `Messages['menu']`. */
  menu?: keyof Messages['menu']
}

/** Every screen of the mini-app. Adding one is one line here (plus its messages). */
export const ROUTES: readonly MemberRoute[] = [
  { path: '/', screen: () => import('./screens/home-screen.tsx'), skeleton: 'page' },
  {
    path: '/card',
    screen: () => import('./screens/card-screen.tsx'),
    skeleton: 'card',
    menu: 'card',
  },
  {
    path: '/profile',
    screen: () => import('./screens/profile-screen.tsx'),
    skeleton: 'page',
    menu: 'profile',
  },
  {
    path: '/coupons',
    screen: () => import('./screens/coupons-screen.tsx'),
    skeleton: 'page',
    menu: 'coupons',
  },
  {
    path: '/points',
    screen: () => import('./screens/points-screen.tsx'),
    skeleton: 'page',
    menu: 'points',
  },
  {
    path: '/referral',
    screen: () => import('./screens/referral-screen.tsx'),
    skeleton: 'page',
    menu: 'referral',
  },
  {
    path: '/privacy',
    screen: () => import('./screens/privacy-screen.tsx'),
    skeleton: 'page',
  },
  {
    path: '/coupons/exchange',
    screen: () => import('./screens/exchange-screen.tsx'),
    skeleton: 'page',
  },
  {
    path: '/coupons/:id',
    screen: () => import('./screens/coupon-screen.tsx'),
    skeleton: 'page',
  },
  {
    path: '/surveys/:id',
    screen: () => import('./surveys/survey-screen.tsx'),
    skeleton: 'page',
  },
]

export const href = (path: string) => (path === '/' ? `${BASE}/` : BASE + path)
