import {
  InviteAcceptSchema,
  InviteCreateSchema,
  RoleChangeSchema,
  SetupClaimSchema,
  StaffIdParamSchema,
  type InviteCreated,
} from '@joren/shared'
import { Hono } from 'hono'
import { staffDisplayName, toStaff } from '../domain/staff/staff.ts'
import type { AppEnv } from '../middleware/env.ts'
import { requireLineUser } from '../middleware/line-auth.ts'
import { rateLimit } from '../middleware/rate-limit.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { jsonBody, paramsOf } from './validation.ts'

/**
 * /api/staff: who am I, the first owner, invitations and the staff list. Each route carries its
 * own guard (this app shares the /api/staff prefix with members, tags and settings).
 */
export const staffAccountRoute = new Hono<AppEnv>()
  .get('/me', requirePermission('staff.me'), async (c) =>
    c.json({ staff: toStaff(await c.var.services.staff.me(c.var.staff)) }),
  )
  .post(
    '/setup',
    requireLineUser,
    rateLimit('owner_setup'),
    jsonBody(SetupClaimSchema),
    async (c) => {
      const { lineUserId, lineName, services } = c.var
      const memberName = await services.signIn.memberName(lineUserId)
      const displayName = staffDisplayName(memberName, lineName, 'owner')
      const owner = await services.staff.claimOwner(
        { lineUserId, displayName },
        c.req.valid('json').code,
      )
      return c.json({ staff: toStaff(owner) }, 201)
    },
  )
  .post('/invites', requirePermission('staff.invite'), jsonBody(InviteCreateSchema), async (c) => {
    const invite: InviteCreated = await c.var.services.staff.createInvite(
      c.var.staff,
      c.req.valid('json').role,
    )
    return c.json(invite, 201)
  })
  .post(
    '/invites/accept',
    requireLineUser,
    rateLimit('invite_accept'),
    jsonBody(InviteAcceptSchema),
    async (c) => {
      const { lineUserId, lineName, services } = c.var
      const joined = await services.staff.acceptInvite(
        {
          lineUserId,
          memberName: await services.signIn.memberName(lineUserId),
          tokenName: lineName,
        },
        c.req.valid('json').code,
      )
      return c.json({ staff: toStaff(joined) }, 201)
    },
  )
  .get('/staff', requirePermission('staff.list'), async (c) =>
    c.json({ staff: (await c.var.services.staff.list()).map(toStaff) }),
  )
  .patch(
    '/staff/:id',
    requirePermission('staff.role'),
    paramsOf(StaffIdParamSchema),
    jsonBody(RoleChangeSchema),
    async (c) => {
      const updated = await c.var.services.staff.changeRole(
        c.var.staff,
        c.req.valid('param').id,
        c.req.valid('json').role,
      )
      return c.json({ staff: toStaff(updated) })
    },
  )
  .delete(
    '/staff/:id',
    requirePermission('staff.remove'),
    paramsOf(StaffIdParamSchema),
    async (c) => {
      await c.var.services.staff.remove(c.var.staff, c.req.valid('param').id)
      return c.body(null, 204)
    },
  )
