import {
  InviteAcceptSchema,
  InviteCreateSchema,
  RoleChangeSchema,
  SetupClaimSchema,
  StaffIdParamSchema,
  type InviteCreated,
} from '@joren/shared'
import { Hono, type Context } from 'hono'
import type { AppEnv } from '../deps.ts'
import { StaffNotFound } from '../domain/staff/errors.ts'
import {
  acceptInvite,
  changeRole,
  claimOwner,
  createInvite,
  removeStaff,
  staffDisplayName,
  toStaff,
  type StaffDeps,
} from '../domain/staff/staff.ts'
import { requireLineUser } from '../middleware/line-auth.ts'
import { rateLimit } from '../middleware/rate-limit.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { parseBody, parseInput } from './validation.ts'

function staffDeps(c: Context<AppEnv>): StaffDeps {
  const { repositories, ids, clock } = c.var.deps
  return { staff: repositories.staff, audit: repositories.audit, ids, now: () => clock.now() }
}

/**
 * /api/staff: who am I, the first owner, invitations and the staff list. Each route carries its
 * own guard (this app shares the /api/staff prefix with members, tags and settings).
 */
export const staffAccountRoute = new Hono<AppEnv>()
  .get('/me', requirePermission('staff.me'), async (c) => {
    const record = await c.var.deps.repositories.staff.findById(c.var.staff.id)
    if (!record) throw new StaffNotFound()
    return c.json({ staff: toStaff(record) })
  })
  .post('/setup', requireLineUser, rateLimit('owner_setup'), async (c) => {
    const { code } = await parseBody(c, SetupClaimSchema)
    const lineUserId = c.var.lineUserId
    const member = await c.var.deps.repositories.members.findByLineUserId(lineUserId)
    const displayName = staffDisplayName(member?.displayName, c.var.lineName, 'owner')
    const owner = await claimOwner(staffDeps(c), { lineUserId, displayName }, code)
    return c.json({ staff: toStaff(owner) }, 201)
  })
  .post('/invites', requirePermission('staff.invite'), async (c) => {
    const { role } = await parseBody(c, InviteCreateSchema)
    const invite: InviteCreated = await createInvite(staffDeps(c), c.var.staff, role)
    return c.json(invite, 201)
  })
  .post('/invites/accept', requireLineUser, rateLimit('invite_accept'), async (c) => {
    const { code } = await parseBody(c, InviteAcceptSchema)
    const lineUserId = c.var.lineUserId
    const member = await c.var.deps.repositories.members.findByLineUserId(lineUserId)
    const joined = await acceptInvite(
      staffDeps(c),
      { lineUserId, memberName: member?.displayName ?? null, tokenName: c.var.lineName },
      code,
    )
    return c.json({ staff: toStaff(joined) }, 201)
  })
  .get('/staff', requirePermission('staff.list'), async (c) => {
    const list = await c.var.deps.repositories.staff.list()
    return c.json({ staff: list.map(toStaff) })
  })
  .patch('/staff/:id', requirePermission('staff.role'), async (c) => {
    const { id } = parseInput(StaffIdParamSchema, c.req.param())
    const { role } = await parseBody(c, RoleChangeSchema)
    const updated = await changeRole(staffDeps(c), c.var.staff, id, role)
    return c.json({ staff: toStaff(updated) })
  })
  .delete('/staff/:id', requirePermission('staff.remove'), async (c) => {
    const { id } = parseInput(StaffIdParamSchema, c.req.param())
    await removeStaff(staffDeps(c), c.var.staff, id)
    return c.body(null, 204)
  })
