import {
  BroadcastDraftSchema,
  BroadcastIdParamSchema,
  BroadcastListQuerySchema,
  BroadcastSendSchema,
  BroadcastTestSendSchema,
  type BroadcastAttribution,
  type BroadcastEstimate,
  type BroadcastList,
  type BroadcastSummary,
  type BroadcastProgress,
  type BroadcastResponse,
  type BroadcastResult,
} from '@joren/shared'
import { Hono, type Context } from 'hono'
import { broadcastDeps } from '../broadcast-services.ts'
import type { AppEnv } from '../deps.ts'
import {
  broadcastAttribution,
  broadcastProgress,
  broadcastResult,
  cancelBroadcast,
  createBroadcast,
  estimateBroadcast,
  pauseBroadcast,
  resumeBroadcast,
  sendBroadcast,
  testSendBroadcast,
  toView,
  updateBroadcast,
  type BroadcastDeps,
} from '../domain/broadcasts/engine.ts'
import { BroadcastNotFound } from '../domain/broadcasts/errors.ts'
import type { StoredBroadcast } from '../domain/broadcasts/store.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { parseBody, parseInput } from './validation.ts'

function depsOf(c: Context<AppEnv>): BroadcastDeps {
  const d = c.var.deps
  return broadcastDeps({
    db: d.db,
    atomic: d.atomic,
    repositories: d.repositories,
    messenger: d.messenger,
    clock: d.clock,
    ids: d.ids,
    logger: d.logger,
    links: {
      liffId: d.config.LIFF_ID ?? null,
      publicUrl: d.config.PUBLIC_URL,
      timeZone: d.config.SHOP_TIMEZONE,
    },
    dispatch: (id) => d.dispatchBroadcast(id),
    startPlan: (id, token) => d.startBroadcastPlan(id, token),
  })
}

const idOf = (c: Context<AppEnv>) => parseInput(BroadcastIdParamSchema, c.req.param()).id

const reply = (b: StoredBroadcast): BroadcastResponse => ({ broadcast: toView(b) })

async function audit(
  c: Context<AppEnv>,
  action: string,
  b: StoredBroadcast,
  after: unknown = { status: b.status },
): Promise<void> {
  const { repositories, clock } = c.var.deps
  await repositories.audit.record(
    {
      staffId: c.var.staff.id,
      action,
      targetType: 'broadcast',
      targetId: String(b.id),
      before: null,
      after,
    },
    clock.now(),
  )
}

/** /api/staff/broadcasts: compose, estimate, test, send, watch and measure segment broadcasts. */
export const staffBroadcastsRoute = new Hono<AppEnv>()
  .get('/', requirePermission('broadcasts.read'), async (c) => {
    const q = parseInput(BroadcastListQuerySchema, c.req.query())
    const list = await depsOf(c).store.list(q.status, q.limit)
    return c.json({
      broadcasts: list.map((b) => {
        const {
          messages: _m,
          holdoutPercent: _h,
          attributionDays: _a,
          error: _e,
          audience,
          ...summary
        } = toView(b)
        return {
          ...summary,
          // Up to 100,000 member numbers stay in the detail; the list shows how many.
          audience:
            audience.kind === 'members'
              ? { kind: 'members' as const, memberCount: audience.memberNumbers.length }
              : audience,
        } satisfies BroadcastSummary
      }),
    } satisfies BroadcastList)
  })
  .post('/', requirePermission('broadcasts.send'), async (c) => {
    const draft = await parseBody(c, BroadcastDraftSchema)
    const b = await createBroadcast(depsOf(c), draft, c.var.staff.id)
    await audit(c, 'broadcast.create', b, { title: b.title })
    return c.json(reply(b), 201)
  })
  /** Estimate for an unsaved draft (the composer's live numbers). */
  .post('/estimate', requirePermission('broadcasts.send'), async (c) => {
    const draft = await parseBody(c, BroadcastDraftSchema)
    const estimate: BroadcastEstimate = await estimateBroadcast(depsOf(c), {
      id: 0,
      audience: draft.audience,
      holdoutPercent: draft.holdoutPercent,
      scheduledAt: draft.scheduledAt,
    })
    return c.json(estimate)
  })
  .get('/:id', requirePermission('broadcasts.read'), async (c) => {
    const b = await depsOf(c).store.find(idOf(c))
    if (!b) throw new BroadcastNotFound()
    return c.json(reply(b))
  })
  .put('/:id', requirePermission('broadcasts.send'), async (c) => {
    const id = idOf(c)
    const draft = await parseBody(c, BroadcastDraftSchema)
    const b = await updateBroadcast(depsOf(c), id, draft)
    await audit(c, 'broadcast.update', b, { title: b.title })
    return c.json(reply(b))
  })
  .get('/:id/estimate', requirePermission('broadcasts.read'), async (c) => {
    const deps = depsOf(c)
    const b = await deps.store.find(idOf(c))
    if (!b) throw new BroadcastNotFound()
    return c.json(await estimateBroadcast(deps, b))
  })
  .post('/:id/test', requirePermission('broadcasts.send'), async (c) => {
    const id = idOf(c)
    const { staffIds } = await parseBody(c, BroadcastTestSendSchema)
    return c.json(await testSendBroadcast(depsOf(c), id, staffIds))
  })
  .post('/:id/send', requirePermission('broadcasts.send'), async (c) => {
    const id = idOf(c)
    const { confirmOverQuota } = await parseBody(c, BroadcastSendSchema)
    const b = await sendBroadcast(depsOf(c), id, { confirmOverQuota })
    await audit(c, 'broadcast.send', b, { status: b.status, confirmOverQuota })
    return c.json(reply(b))
  })
  .post('/:id/pause', requirePermission('broadcasts.send'), async (c) => {
    const b = await pauseBroadcast(depsOf(c), idOf(c))
    await audit(c, 'broadcast.pause', b)
    return c.json(reply(b))
  })
  .post('/:id/resume', requirePermission('broadcasts.send'), async (c) => {
    const b = await resumeBroadcast(depsOf(c), idOf(c))
    await audit(c, 'broadcast.resume', b)
    return c.json(reply(b))
  })
  .post('/:id/cancel', requirePermission('broadcasts.send'), async (c) => {
    const b = await cancelBroadcast(depsOf(c), idOf(c))
    await audit(c, 'broadcast.cancel', b)
    return c.json(reply(b))
  })
  .get('/:id/progress', requirePermission('broadcasts.read'), async (c) => {
    const progress: BroadcastProgress = await broadcastProgress(depsOf(c), idOf(c))
    return c.json(progress)
  })
  .get('/:id/result', requirePermission('broadcasts.read'), async (c) => {
    const result: BroadcastResult = await broadcastResult(depsOf(c), idOf(c))
    return c.json(result)
  })
  .get('/:id/attribution', requirePermission('broadcasts.read'), async (c) => {
    const attribution: BroadcastAttribution = await broadcastAttribution(depsOf(c), idOf(c))
    return c.json(attribution)
  })
