import {
  SegmentCountRequestSchema,
  SegmentCreateSchema,
  SegmentUpdateSchema,
  type SegmentCountResponse,
  type SegmentListResponse,
} from '@joren/shared'
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { broadcastStore } from '../broadcast-services.ts'
import type { AppEnv } from '../deps.ts'
import { DomainError } from '../domain/errors.ts'
import {
  BuiltInSegmentNotDeletable,
  BuiltInSegmentRulesFixed,
  SegmentNotFound,
  ThresholdsNotApplicable,
} from '../domain/segments/errors.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { parseBody, parseInput } from './validation.ts'

const IdParamSchema = z.object({ id: z.coerce.number().int().positive() })

/** Deleting it would leave a broadcast with nobody to send to. */
class SegmentInUse extends DomainError {
  constructor(titles: string[]) {
    const names = titles
      .slice(0, 3)
      .map((t) => `「${t}」`)
      .join('、')
    const more = titles.length > 3 ? `ほか${titles.length - 3}件` : ''
    super(
      409,
      'segment_in_use',
      `このセグメントは配信${names}${more}で使われているため削除できません。配信の対象を変えるか、配信を中止してから削除してください。`,
      undefined,
      { broadcasts: titles.length },
    )
  }
}

function repositoryOf(c: Context<AppEnv>) {
  return c.var.deps.repositories.segments
}

async function audit(
  c: Context<AppEnv>,
  action: string,
  id: number,
  before: unknown,
  after: unknown,
): Promise<void> {
  const { repositories, clock } = c.var.deps
  await repositories.audit.record(
    { staffId: c.var.staff.id, action, targetType: 'segment', targetId: String(id), before, after },
    clock.now(),
  )
}

/** /api/staff/segments: built-in and saved segments, and the live count with a sample. */
export const staffSegmentsRoute = new Hono<AppEnv>()
  .get('/', requirePermission('segments.read'), async (c) => {
    const segments = repositoryOf(c)
    await segments.ensureBuiltIns(c.var.deps.clock.now())
    return c.json<SegmentListResponse>({ segments: await segments.list() })
  })
  .post('/count', requirePermission('segments.read'), async (c) => {
    const { rules } = await parseBody(c, SegmentCountRequestSchema)
    const { clock, config } = c.var.deps
    const now = clock.now()
    const counts = await repositoryOf(c).count(rules, { now, timeZone: config.SHOP_TIMEZONE })
    return c.json<SegmentCountResponse>({ ...counts, at: now })
  })
  .get('/:id', requirePermission('segments.read'), async (c) => {
    const { id } = parseInput(IdParamSchema, c.req.param())
    const segments = repositoryOf(c)
    await segments.ensureBuiltIns(c.var.deps.clock.now())
    const segment = await segments.find(id)
    if (!segment) throw new SegmentNotFound()
    return c.json(segment)
  })
  .post('/', requirePermission('segments.manage'), async (c) => {
    const input = await parseBody(c, SegmentCreateSchema)
    const segment = await repositoryOf(c).create(
      { ...input, createdBy: c.var.staff.id },
      c.var.deps.clock.now(),
    )
    await audit(c, 'segment.create', segment.id, null, segment)
    return c.json(segment, 201)
  })
  .put('/:id', requirePermission('segments.manage'), async (c) => {
    const { id } = parseInput(IdParamSchema, c.req.param())
    const patch = await parseBody(c, SegmentUpdateSchema)
    const segments = repositoryOf(c)
    const before = await segments.find(id)
    if (!before) throw new SegmentNotFound()
    if (before.builtIn !== null) {
      if (patch.rules !== undefined) throw new BuiltInSegmentRulesFixed()
      if (patch.thresholds !== undefined && patch.thresholds.key !== before.builtIn)
        throw new ThresholdsNotApplicable()
    } else if (patch.thresholds !== undefined) {
      throw new ThresholdsNotApplicable()
    }
    const updated = await segments.update(
      id,
      { name: patch.name, stored: patch.rules ?? patch.thresholds },
      c.var.deps.clock.now(),
    )
    if (!updated) throw new SegmentNotFound()
    await audit(c, 'segment.update', id, before, updated)
    return c.json(updated)
  })
  .delete('/:id', requirePermission('segments.manage'), async (c) => {
    const { id } = parseInput(IdParamSchema, c.req.param())
    const segments = repositoryOf(c)
    const before = await segments.find(id)
    if (!before) throw new SegmentNotFound()
    if (before.builtIn !== null) throw new BuiltInSegmentNotDeletable()
    const using = await broadcastStore(c.var.deps).activeUsingSegment(id)
    if (using.length > 0) throw new SegmentInUse(using.map((b) => b.title))
    if (!(await segments.remove(id))) throw new SegmentNotFound()
    await audit(c, 'segment.delete', id, before, null)
    return c.body(null, 204)
  })
