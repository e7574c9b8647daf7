import type { Role } from '@joren/shared'

/**
 * What each role may use, to show only what works. The server enforces the same matrix
 * (server/src/domain/staff/permissions.ts); this copy only decides what the screens offer.
 */
const ROLES_FOR = {
  'members.read': ['owner', 'admin', 'staff'],
  'tags.read': ['owner', 'admin', 'staff'],
  'tags.manage': ['owner', 'admin'],
  'settings.write': ['owner', 'admin'],
  'audit.read': ['owner', 'admin'],
  'staff.list': ['owner', 'admin'],
  'staff.invite': ['owner'],
  'staff.role': ['owner'],
  'staff.remove': ['owner'],
  'coupons.redeem': ['owner', 'admin', 'staff'],
  'coupons.issue': ['owner', 'admin', 'staff'],
  'coupons.revoke': ['owner', 'admin'],
  'coupons.manage': ['owner', 'admin'],
  'coupons.welcome': ['owner'],
  'purchases.register': ['owner', 'admin', 'staff'],
  'purchases.read': ['owner', 'admin', 'staff'],
  'purchases.refund': ['owner', 'admin'],
  'purchases.import': ['owner', 'admin'],
  'points.adjust': ['owner', 'admin'],
  'apikeys.manage': ['owner', 'admin'],
  'loyalty.read': ['owner', 'admin', 'staff'],
  'loyalty.write': ['owner'],
} as const satisfies Record<string, readonly Role[]>

export type Permission = keyof typeof ROLES_FOR

export function can(role: Role, permission: Permission): boolean {
  return (ROLES_FOR[permission] as readonly Role[]).includes(role)
}
