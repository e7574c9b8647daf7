import type { Role } from '@joren/shared'
import { createMiddleware } from 'hono/factory'
import { ROLES_FOR, type Permission } from '../domain/staff/permissions.ts'
import type { AppEnv } from './env.ts'
import { requireLineUser } from './line-auth.ts'

/**
 * Staff routes: a verified LIFF ID token whose `sub` is on the staff with one of `roles` (any role
 * when none is given). Sets `c.var.staff`. The role is read per request, so a change applies at
 * once. Not staff: 403 `not_staff`; another role: 403 `forbidden_role`.
 */
export function requireStaff(...roles: Role[]) {
  return createMiddleware<AppEnv>(async (c, next) =>
    requireLineUser(c, async () => {
      c.set('staff', await c.var.services.signIn.staff(c.var.lineUserId, roles))
      await next()
    }),
  )
}

/** `requireStaff` with the roles the matrix in domain/staff/permissions.ts allows. */
export function requirePermission(permission: Permission) {
  return requireStaff(...ROLES_FOR[permission])
}
