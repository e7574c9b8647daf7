import { SegmentCountRequestSchema, SegmentCreateSchema, SegmentUpdateSchema } from '@joren/shared'
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../middleware/env.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { jsonBody, paramsOf } from './validation.ts'

const IdParamSchema = z.object({ id: z.coerce.number().int().positive() })

/** /api/staff/segments: built-in and saved segments, and the live count with a sample. */
export const staffSegmentsRoute = new Hono<AppEnv>()
  .get('/', requirePermission('segments.read'), async (c) =>
    c.json(await c.var.services.segments.list()),
  )
  .post(
    '/count',
    requirePermission('segments.read'),
    jsonBody(SegmentCountRequestSchema),
    async (c) => c.json(await c.var.services.segments.count(c.req.valid('json').rules)),
  )
  .get('/:id', requirePermission('segments.read'), paramsOf(IdParamSchema), async (c) =>
    c.json(await c.var.services.segments.get(c.req.valid('param').id)),
  )
  .post('/', requirePermission('segments.manage'), jsonBody(SegmentCreateSchema), async (c) =>
    c.json(await c.var.services.segments.create(c.var.staff, c.req.valid('json')), 201),
  )
  .put(
    '/:id',
    requirePermission('segments.manage'),
    paramsOf(IdParamSchema),
    jsonBody(SegmentUpdateSchema),
    async (c) =>
      c.json(
        await c.var.services.segments.update(
          c.var.staff,
          c.req.valid('param').id,
          c.req.valid('json'),
        ),
      ),
  )
  .delete('/:id', requirePermission('segments.manage'), paramsOf(IdParamSchema), async (c) => {
    await c.var.services.segments.remove(c.var.staff, c.req.valid('param').id)
    return c.body(null, 204)
  })
