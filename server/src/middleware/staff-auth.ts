import type { Role } from '@joren/shared'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../deps.ts'
import { ForbiddenRole, NotStaff } from '../domain/auth/errors.ts'
import { ROLES_FOR, type Permission } from '../domain/staff/permissions.ts'
import { verifyBearer } from './line-auth.ts'

/**
 * Staff routes: a verified LIFF ID token whose `sub` is on the staff with one of `roles` (any role
 * when none is given). Sets `c.var.staff`. The role is read per request, so a change applies at
 * once. Not staff: 403 `not_staff`; another role: 403 `forbidden_role`.
 */
export function requireStaff(...roles: Role[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = await verifyBearer(c)
    const record = await c.var.deps.repositories.staff.findByLineUserId(token.lineUserId)
    if (!record) throw new NotStaff()
    if (roles.length > 0 && !roles.includes(record.role)) throw new ForbiddenRole()
    c.set('staff', {
      id: record.id,
      lineUserId: record.lineUserId,
      displayName: record.displayName,
      role: record.role,
    })
    await next()
  })
}

/** `requireStaff` with the roles the matrix in domain/staff/permissions.ts allows. */
export function requirePermission(permission: Permission) {
  return requireStaff(...ROLES_FOR[permission])
}
