import type { ComponentType } from 'preact'
import type { StaffMessages } from '../i18n/staff-ja.ts'
import type { Permission } from './permissions.ts'

import { BASE, href } from './paths.ts'

export { BASE, href }

export interface StaffRoute {
  /** Below /staff; `:name` segments become params. */
  path: string
  screen: () => Promise<{ default: ComponentType<{ params: Record<string, string> }> }>
  /** Who may open it (the server checks again). */
  needs: Permission
  /** A navigation entry, labelled from `StaffMessages['nav']`. */
  nav?: Exclude<keyof StaffMessages['nav'], 'label'>
}

/** Every staff screen. Adding one is one line here (plus its messages). */
export const ROUTES: readonly StaffRoute[] = [
  {
    path: '/dashboard',
    screen: () => import('./dashboard/dashboard-screen.tsx'),
    needs: 'dashboard.read',
    nav: 'dashboard',
  },
  {
    path: '/inbox',
    screen: () => import('./inbox/inbox-screen.tsx'),
    needs: 'support.inbox',
    nav: 'inbox',
  },
  {
    path: '/inbox/:id',
    screen: () => import('./inbox/inbox-screen.tsx'),
    needs: 'support.inbox',
  },
  {
    path: '/faq',
    screen: () => import('./faq/faq-screen.tsx'),
    needs: 'support.manage',
    nav: 'faq',
  },
  {
    path: '/alerts',
    screen: () => import('./alerts/alerts-screen.tsx'),
    needs: 'alerts.read',
  },
  {
    path: '/members',
    screen: () => import('./members/members-screen.tsx'),
    needs: 'members.read',
    nav: 'members',
  },
  {
    path: '/members/:memberNumber',
    screen: () => import('./members/member-screen.tsx'),
    needs: 'members.read',
  },
  {
    path: '/coupons',
    screen: () => import('./coupons/coupons-screen.tsx'),
    needs: 'coupons.manage',
    nav: 'coupons',
  },
  {
    path: '/register/coupons',
    screen: () => import('./coupons/redeem-screen.tsx'),
    needs: 'coupons.redeem',
    nav: 'redeem',
  },
  {
    path: '/register/purchases',
    screen: () => import('./loyalty/register-screen.tsx'),
    needs: 'purchases.register',
    nav: 'register',
  },
  {
    path: '/purchases',
    screen: () => import('./loyalty/purchases-screen.tsx'),
    needs: 'purchases.read',
    nav: 'purchases',
  },
  {
    path: '/purchases/import',
    screen: () => import('./loyalty/import-screen.tsx'),
    needs: 'purchases.import',
  },
  {
    path: '/loyalty',
    screen: () => import('./loyalty/loyalty-screen.tsx'),
    needs: 'loyalty.read',
  },
  {
    path: '/api-keys',
    screen: () => import('./loyalty/api-keys-screen.tsx'),
    needs: 'apikeys.manage',
  },
  {
    path: '/broadcasts',
    screen: () => import('./broadcasts/list-screen.tsx'),
    needs: 'broadcasts.read',
    nav: 'broadcasts',
  },
  {
    path: '/broadcasts/new',
    screen: () => import('./broadcasts/composer-screen.tsx'),
    needs: 'broadcasts.send',
  },
  {
    path: '/broadcasts/:id/edit',
    screen: () => import('./broadcasts/composer-screen.tsx'),
    needs: 'broadcasts.send',
  },
  {
    path: '/broadcasts/:id',
    screen: () => import('./broadcasts/broadcast-screen.tsx'),
    needs: 'broadcasts.read',
  },
  {
    path: '/journeys',
    screen: () => import('./journeys/journeys-screen.tsx'),
    needs: 'broadcasts.read',
    nav: 'journeys',
  },
  {
    path: '/journeys/new',
    screen: () => import('./journeys/editor-screen.tsx'),
    needs: 'broadcasts.send',
  },
  {
    path: '/journeys/:id/edit',
    screen: () => import('./journeys/editor-screen.tsx'),
    needs: 'broadcasts.send',
  },
  {
    path: '/segments',
    screen: () => import('./segments/segments-screen.tsx'),
    needs: 'segments.read',
    nav: 'segments',
  },
  {
    path: '/surveys',
    screen: () => import('./surveys/surveys-screen.tsx'),
    needs: 'surveys.read',
    nav: 'surveys',
  },
  {
    path: '/surveys/new',
    screen: () => import('./surveys/editor-screen.tsx'),
    needs: 'surveys.manage',
  },
  {
    path: '/surveys/:id/edit',
    screen: () => import('./surveys/editor-screen.tsx'),
    needs: 'surveys.manage',
  },
  {
    path: '/surveys/:id/results',
    screen: () => import('./surveys/results-screen.tsx'),
    needs: 'surveys.read',
  },
  {
    path: '/referrals',
    screen: () => import('./referrals/referrals-screen.tsx'),
    needs: 'referrals.read',
    nav: 'referrals',
  },
  {
    path: '/tags',
    screen: () => import('./members/tags-screen.tsx'),
    needs: 'tags.read',
    nav: 'tags',
  },
  {
    path: '/staff',
    screen: () => import('./team/staff-screen.tsx'),
    needs: 'staff.list',
    nav: 'staff',
  },
  {
    path: '/settings',
    screen: () => import('./settings/settings-screen.tsx'),
    needs: 'settings.write',
    nav: 'settings',
  },
  {
    path: '/settings/texts',
    screen: () => import('./texts/texts-screen.tsx'),
    needs: 'settings.write',
  },
  {
    path: '/audit',
    screen: () => import('./audit/audit-screen.tsx'),
    needs: 'audit.read',
    nav: 'audit',
  },
]
