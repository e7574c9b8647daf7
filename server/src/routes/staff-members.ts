import {
  MemberNumberParamSchema,
  MembersExportQuerySchema,
  MembersQuerySchema,
  NoteCreateSchema,
  TagNameSchema,
} from '@joren/shared'
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../middleware/env.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { jsonBody, paramsOf, queryOf } from './validation.ts'

const TagIdParamSchema = z.object({ id: z.coerce.number().int().positive() })
const MemberTagParamSchema = MemberNumberParamSchema.extend({
  tagId: z.coerce.number().int().positive(),
})

/** Pulls the next chunk only when the client has read the last one: a slow download never piles up. */
function streamOf(chunks: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  const iterator = chunks[Symbol.asyncIterator]()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next()
      if (next.done) controller.close()
      else controller.enqueue(encoder.encode(next.value))
    },
    async cancel() {
      await iterator.return?.()
    },
  })
}

/** /api/staff/members: find members, read one, note and tag them. */
export const staffMembersRoute = new Hono<AppEnv>()
  .get('/', requirePermission('members.read'), queryOf(MembersQuerySchema), async (c) =>
    c.json(await c.var.services.members.list(c.req.valid('query'))),
  )
  .get(
    '/export.csv',
    requirePermission('members.list_export'),
    queryOf(MembersExportQuerySchema),
    async (c) => {
      const { fileName, chunks } = await c.var.services.members.exportCsv(
        c.var.staff,
        c.req.valid('query'),
      )
      return c.body(streamOf(chunks), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${fileName}"`,
        'cache-control': 'no-store',
      })
    },
  )
  .get(
    '/:memberNumber',
    requirePermission('members.read'),
    paramsOf(MemberNumberParamSchema),
    async (c) => c.json(await c.var.services.members.detail(c.req.valid('param').memberNumber)),
  )
  .post(
    '/:memberNumber/notes',
    requirePermission('members.note'),
    paramsOf(MemberNumberParamSchema),
    jsonBody(NoteCreateSchema),
    async (c) => {
      const { memberNumber } = c.req.valid('param')
      const { body } = c.req.valid('json')
      const id = await c.var.services.members.addNote(c.var.staff, memberNumber, body)
      return c.json({ id }, 201)
    },
  )
  .put(
    '/:memberNumber/tags/:tagId',
    requirePermission('members.tag'),
    paramsOf(MemberTagParamSchema),
    async (c) => {
      const { memberNumber, tagId } = c.req.valid('param')
      await c.var.services.members.tagMember(c.var.staff, memberNumber, tagId, true)
      return c.body(null, 204)
    },
  )
  .delete(
    '/:memberNumber/tags/:tagId',
    requirePermission('members.tag'),
    paramsOf(MemberTagParamSchema),
    async (c) => {
      const { memberNumber, tagId } = c.req.valid('param')
      await c.var.services.members.tagMember(c.var.staff, memberNumber, tagId, false)
      return c.body(null, 204)
    },
  )

/** /api/staff/tags: list, create, rename and delete tags. */
export const staffTagsRoute = new Hono<AppEnv>()
  .get('/', requirePermission('tags.read'), async (c) =>
    c.json({ tags: await c.var.services.members.listTags() }),
  )
  .post('/', requirePermission('tags.manage'), jsonBody(TagNameSchema), async (c) =>
    c.json(await c.var.services.members.createTag(c.var.staff, c.req.valid('json').name), 201),
  )
  .patch(
    '/:id',
    requirePermission('tags.manage'),
    paramsOf(TagIdParamSchema),
    jsonBody(TagNameSchema),
    async (c) =>
      c.json(
        await c.var.services.members.renameTag(
          c.var.staff,
          c.req.valid('param').id,
          c.req.valid('json').name,
        ),
      ),
  )
  .delete('/:id', requirePermission('tags.manage'), paramsOf(TagIdParamSchema), async (c) => {
    await c.var.services.members.deleteTag(c.var.staff, c.req.valid('param').id)
    return c.body(null, 204)
  })
