import { ROLES } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { can, ROLES_FOR } from './permissions.ts'

describe('role matrix', () => {
  it('gives owners everything, admins all but staff management, staff the daily work', () => {
    const matrix = Object.fromEntries(
      Object.keys(ROLES_FOR).map((p) => [
        p,
        ROLES.filter((role) => can(role, p as keyof typeof ROLES_FOR)).join(','),
      ]),
    )
    expect(matrix).toEqual({
      'staff.me': 'owner,admin,staff',
      'members.read': 'owner,admin,staff',
      'members.list_export': 'owner,admin',
      'members.tag': 'owner,admin,staff',
      'members.note': 'owner,admin,staff',
      'tags.read': 'owner,admin,staff',
      'settings.read': 'owner,admin,staff',
      'settings.write': 'owner,admin',
      'tags.manage': 'owner,admin',
      'audit.read': 'owner,admin',
      'staff.list': 'owner,admin',
      'staff.invite': 'owner',
      'staff.role': 'owner',
      'staff.remove': 'owner',
      'coupons.redeem': 'owner,admin,staff',
      'coupons.issue': 'owner,admin,staff',
      'coupons.revoke': 'owner,admin',
      'coupons.manage': 'owner,admin',
      'coupons.welcome': 'owner',
      'dashboard.read': 'owner,admin',
      'purchases.register': 'owner,admin,staff',
      'purchases.read': 'owner,admin,staff',
      'purchases.refund': 'owner,admin',
      'purchases.import': 'owner,admin',
      'points.adjust': 'owner,admin',
      'apikeys.manage': 'owner,admin',
      'loyalty.read': 'owner,admin,staff',
      'loyalty.write': 'owner',
      'surveys.read': 'owner,admin,staff',
      'surveys.manage': 'owner,admin',
      'support.inbox': 'owner,admin,staff',
      'support.manage': 'owner,admin',
      'alerts.read': 'owner,admin,staff',
      'segments.read': 'owner,admin',
      'segments.manage': 'owner,admin',
      'broadcasts.read': 'owner,admin',
      'broadcasts.send': 'owner,admin',
      'webhook.read': 'owner,admin',
      'referrals.read': 'owner,admin,staff',
      'referrals.manage': 'owner,admin',
      'members.export': 'owner',
      'members.erase': 'owner',
      'privacy.write': 'owner',
    })
  })
})
