import {
  MemberNumberParamSchema,
  MembersQuerySchema,
  NoteCreateSchema,
  TagNameSchema,
} from '@joren/shared'
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../deps.ts'
import {
  addNote,
  createTag,
  deleteTag,
  renameTag,
  requireMember,
  tagMember,
  type DirectoryDeps,
} from '../domain/members/directory.ts'
import { startOfDayInZone } from '../domain/time.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { parseBody, parseInput } from './validation.ts'

const TagIdParamSchema = z.object({ id: z.coerce.number().int().positive() })
const MemberTagParamSchema = MemberNumberParamSchema.extend({
  tagId: z.coerce.number().int().positive(),
})

function directoryDeps(c: Context<AppEnv>): DirectoryDeps {
  const { repositories, clock } = c.var.deps
  return { directory: repositories.directory, audit: repositories.audit, now: () => clock.now() }
}

/** /api/staff/members: find members, read one, note and tag them. */
export const staffMembersRoute = new Hono<AppEnv>()
  .get('/', requirePermission('members.read'), async (c) => {
    const query = parseInput(MembersQuerySchema, c.req.query())
    const followedSinceMs = query.followedSince
      ? startOfDayInZone(query.followedSince, c.var.deps.config.SHOP_TIMEZONE)
      : undefined
    return c.json(await c.var.deps.repositories.directory.list({ ...query, followedSinceMs }))
  })
  .get('/:memberNumber', requirePermission('members.read'), async (c) => {
    const { memberNumber } = parseInput(MemberNumberParamSchema, c.req.param())
    const { id, ...member } = await requireMember(directoryDeps(c), memberNumber)
    return c.json(member)
  })
  .post('/:memberNumber/notes', requirePermission('members.note'), async (c) => {
    const { memberNumber } = parseInput(MemberNumberParamSchema, c.req.param())
    const { body } = await parseBody(c, NoteCreateSchema)
    const id = await addNote(directoryDeps(c), c.var.staff.id, memberNumber, body)
    return c.json({ id }, 201)
  })
  .put('/:memberNumber/tags/:tagId', requirePermission('members.tag'), async (c) => {
    const { memberNumber, tagId } = parseInput(MemberTagParamSchema, c.req.param())
    await tagMember(directoryDeps(c), c.var.staff.id, memberNumber, tagId, true)
    return c.body(null, 204)
  })
  .delete('/:memberNumber/tags/:tagId', requirePermission('members.tag'), async (c) => {
    const { memberNumber, tagId } = parseInput(MemberTagParamSchema, c.req.param())
    await tagMember(directoryDeps(c), c.var.staff.id, memberNumber, tagId, false)
    return c.body(null, 204)
  })

/** /api/staff/tags: list, create, rename and delete tags. */
export const staffTagsRoute = new Hono<AppEnv>()
  .get('/', requirePermission('tags.read'), async (c) =>
    c.json({ tags: await c.var.deps.repositories.directory.listTags() }),
  )
  .post('/', requirePermission('tags.manage'), async (c) => {
    const { name } = await parseBody(c, TagNameSchema)
    return c.json(await createTag(directoryDeps(c), c.var.staff.id, name), 201)
  })
  .patch('/:id', requirePermission('tags.manage'), async (c) => {
    const { id } = parseInput(TagIdParamSchema, c.req.param())
    const { name } = await parseBody(c, TagNameSchema)
    return c.json(await renameTag(directoryDeps(c), c.var.staff.id, id, name))
  })
  .delete('/:id', requirePermission('tags.manage'), async (c) => {
    const { id } = parseInput(TagIdParamSchema, c.req.param())
    await deleteTag(directoryDeps(c), c.var.staff.id, id)
    return c.body(null, 204)
  })
