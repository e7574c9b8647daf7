import type { Messages } from '../i18n/ja.ts'

/**
 * The mini-app's paths, apart from the route table (routes.ts), which lazy-imports every screen:
 * screens link with `href` and list the menu from here, so no screen imports the table that
 * imports it.
 */
export const BASE = '/liff'

export type SkeletonKind = 'card' | 'page'

export const href = (path: string) => (path === '/' ? `${BASE}/` : BASE + path)

/** The home screen's tiles, in order, each labelled from `Messages['menu']`. */
export const MENU: readonly { path: string; menu: keyof Messages['menu'] }[] = [
  { path: '/card', menu: 'card' },
  { path: '/profile', menu: 'profile' },
  { path: '/coupons', menu: 'coupons' },
  { path: '/points', menu: 'points' },
  { path: '/referral', menu: 'referral' },
]

/** The menu entry a route's path stands for, if it is one. */
export const menuOf = (path: string) => MENU.find((m) => m.path === path)?.menu
