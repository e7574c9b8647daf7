import type { Role } from './api/staff.ts'

/**
 * The role matrix, in one place: the server enforces it, the staff screens show only what it allows. Routes guard themselves with
 * `requireStaff(...ROLES_FOR['settings.write'])`; a change of who may do what is a change here.
 *
 * | permission      | what                                         | owner | admin | staff |
 * | --------------- | -------------------------------------------- | :---: | :---: | :---: |
 * | staff.me        | who am I (GET /api/staff/me)                 |   ✓   |   ✓   |   ✓   |
 * | members.read    | member list and detail                       |   ✓   |   ✓   |   ✓   |
 * | members.list_export | CSV export of the member list (audited) |   ✓   |   ✓   |       |
 * | members.tag     | tag / untag a member                         |   ✓   |   ✓   |   ✓   |
 * | members.note    | write notes                                  |   ✓   |   ✓   |   ✓   |
 * | tags.read       | list tags                                    |   ✓   |   ✓   |   ✓   |
 * | settings.read   | shop name and categories                     |   ✓   |   ✓   |   ✓   |
 * | settings.write  | change shop name and categories              |   ✓   |   ✓   |       |
 * | tags.manage     | create, rename, delete tags                  |   ✓   |   ✓   |       |
 * | audit.read      | the audit log                                |   ✓   |   ✓   |       |
 * | staff.list      | the staff list                               |   ✓   |   ✓   |       |
 * | staff.invite    | create invitation codes                      |   ✓   |       |       |
 * | staff.role      | change a staff member's role                 |   ✓   |       |       |
 * | staff.remove    | remove a staff member                        |   ✓   |       |       |
 * | coupons.redeem  | redeem a coupon at the register              |   ✓   |   ✓   |   ✓   |
 * | coupons.issue   | issue a coupon to a member (lists templates) |   ✓   |   ✓   |   ✓   |
 * | coupons.revoke  | revoke an issued coupon                      |   ✓   |   ✓   |       |
 * | coupons.manage  | create, edit, archive coupon templates       |   ✓   |   ✓   |       |
 * | coupons.welcome | choose the welcome coupon                    |   ✓   |       |       |
 * | purchases.register | record a purchase at the register          |   ✓   |   ✓   |   ✓   |
 * | purchases.read  | purchase history, a member's points ledger   |   ✓   |   ✓   |   ✓   |
 * | purchases.refund | refund / void a purchase (reverses points)  |   ✓   |   ✓   |       |
 * | purchases.import | CSV import of purchases                     |   ✓   |   ✓   |       |
 * | points.adjust   | manual points adjustment with a reason       |   ✓   |   ✓   |       |
 * | apikeys.manage  | create and revoke integration API keys       |   ✓   |   ✓   |       |
 * | loyalty.read    | the earning rule and tiers                   |   ✓   |   ✓   |   ✓   |
 * | loyalty.write   | change the earning rule and tiers            |   ✓   |       |       |
 * | surveys.read    | survey list and results, CSV export          |   ✓   |   ✓   |   ✓   |
 * | surveys.manage  | create, edit, open and close surveys         |   ✓   |   ✓   |       |
 * | support.inbox   | the inbox: read, reply, assign, close        |   ✓   |   ✓   |   ✓   |
 * | support.manage  | FAQ entries, keyword rules, canned replies   |   ✓   |   ✓   |       |
 * | alerts.read     | staff alerts; one's own LINE alert settings  |   ✓   |   ✓   |   ✓   |
 * | segments.read   | segments, counts and samples                 |   ✓   |   ✓   |       |
 * | segments.manage | save and edit segments and thresholds        |   ✓   |   ✓   |       |
 * | broadcasts.read | broadcasts, progress and results             |   ✓   |   ✓   |       |
 * | broadcasts.send | compose, schedule, send, pause, cancel       |   ✓   |   ✓   |       |
 * | webhook.read    | LINE events parked on arrival or dead        |   ✓   |   ✓   |       |
 * | referrals.read  | referrals, reasons, top referrers, trend     |   ✓   |   ✓   |   ✓   |
 * | referrals.manage | referral program settings                   |   ✓   |   ✓   |       |
 * | dashboard.read  | the retention dashboard and its CSVs         |   ✓   |   ✓   |       |
 * | members.export  | one member's data (JSON / CSV), shop export  |   ✓   |       |       |
 * | members.erase   | erase a member's personal data on request    |   ✓   |       |       |
 * | privacy.write   | edit the privacy policy and terms            |   ✓   |       |       |
 */
export const ROLES_FOR = {
  'staff.me': ['owner', 'admin', 'staff'],
  'members.read': ['owner', 'admin', 'staff'],
  'members.list_export': ['owner', 'admin'],
  'members.tag': ['owner', 'admin', 'staff'],
  'members.note': ['owner', 'admin', 'staff'],
  'tags.read': ['owner', 'admin', 'staff'],
  'settings.read': ['owner', 'admin', 'staff'],
  'settings.write': ['owner', 'admin'],
  'tags.manage': ['owner', 'admin'],
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
  'surveys.read': ['owner', 'admin', 'staff'],
  'surveys.manage': ['owner', 'admin'],
  'support.inbox': ['owner', 'admin', 'staff'],
  'support.manage': ['owner', 'admin'],
  'alerts.read': ['owner', 'admin', 'staff'],
  'segments.read': ['owner', 'admin'],
  'segments.manage': ['owner', 'admin'],
  'broadcasts.read': ['owner', 'admin'],
  'broadcasts.send': ['owner', 'admin'],
  'webhook.read': ['owner', 'admin'],
  'referrals.read': ['owner', 'admin', 'staff'],
  'referrals.manage': ['owner', 'admin'],
  'dashboard.read': ['owner', 'admin'],
  'members.export': ['owner'],
  'members.erase': ['owner'],
  'privacy.write': ['owner'],
} as const satisfies Record<string, readonly Role[]>

export type Permission = keyof typeof ROLES_FOR

export function can(role: Role, permission: Permission): boolean {
  return (ROLES_FOR[permission] as readonly Role[]).includes(role)
}
