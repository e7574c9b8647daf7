import {
  BroadcastDraftSchema,
  BroadcastIdParamSchema,
  BroadcastListQuerySchema,
  BroadcastSendSchema,
  BroadcastTestSendSchema,
  FailedRecipientsQuerySchema,
  MAX_CSV_MEMBER_NUMBERS,
  type Broadcast,
  type BroadcastResponse,
} from '@joren/shared'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { PayloadTooLarge } from '../domain/errors.ts'
import type { AppEnv } from '../middleware/env.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { jsonBody, paramsOf, queryOf } from './validation.ts'

/** A draft may carry a CSV audience of up to 100,000 member numbers (~12 bytes each). */
const DRAFT_BODY_LIMIT = 64 * 1024 + MAX_CSV_MEMBER_NUMBERS * 14
const draftBodyLimit = bodyLimit({
  maxSize: DRAFT_BODY_LIMIT,
  onError: () => {
    throw new PayloadTooLarge(DRAFT_BODY_LIMIT)
  },
})

const reply = (broadcast: Broadcast): BroadcastResponse => ({ broadcast })

/** /api/staff/broadcasts: compose, estimate, test, send, watch and measure segment broadcasts. */
export const staffBroadcastsRoute = new Hono<AppEnv>()
  .get('/', requirePermission('broadcasts.read'), queryOf(BroadcastListQuerySchema), async (c) =>
    c.json(await c.var.services.broadcasts.list(c.req.valid('query'))),
  )
  .post(
    '/',
    requirePermission('broadcasts.send'),
    draftBodyLimit,
    jsonBody(BroadcastDraftSchema),
    async (c) =>
      c.json(reply(await c.var.services.broadcasts.create(c.var.staff, c.req.valid('json'))), 201),
  )
  /** Estimate for an unsaved draft (the composer's live numbers). */
  .post(
    '/estimate',
    requirePermission('broadcasts.send'),
    draftBodyLimit,
    jsonBody(BroadcastDraftSchema),
    async (c) => c.json(await c.var.services.broadcasts.estimateDraft(c.req.valid('json'))),
  )
  .get('/:id', requirePermission('broadcasts.read'), paramsOf(BroadcastIdParamSchema), async (c) =>
    c.json(reply(await c.var.services.broadcasts.get(c.req.valid('param').id))),
  )
  .put(
    '/:id',
    requirePermission('broadcasts.send'),
    draftBodyLimit,
    paramsOf(BroadcastIdParamSchema),
    jsonBody(BroadcastDraftSchema),
    async (c) =>
      c.json(
        reply(
          await c.var.services.broadcasts.update(
            c.var.staff,
            c.req.valid('param').id,
            c.req.valid('json'),
          ),
        ),
      ),
  )
  .get(
    '/:id/estimate',
    requirePermission('broadcasts.read'),
    paramsOf(BroadcastIdParamSchema),
    async (c) => c.json(await c.var.services.broadcasts.estimate(c.req.valid('param').id)),
  )
  .post(
    '/:id/test',
    requirePermission('broadcasts.send'),
    paramsOf(BroadcastIdParamSchema),
    jsonBody(BroadcastTestSendSchema),
    async (c) =>
      c.json(
        await c.var.services.broadcasts.testSend(
          c.var.staff,
          c.req.valid('param').id,
          c.req.valid('json').staffIds,
        ),
      ),
  )
  .post(
    '/:id/send',
    requirePermission('broadcasts.send'),
    paramsOf(BroadcastIdParamSchema),
    jsonBody(BroadcastSendSchema),
    async (c) =>
      c.json(
        reply(
          await c.var.services.broadcasts.send(
            c.var.staff,
            c.req.valid('param').id,
            c.req.valid('json'),
          ),
        ),
      ),
  )
  .post(
    '/:id/pause',
    requirePermission('broadcasts.send'),
    paramsOf(BroadcastIdParamSchema),
    async (c) =>
      c.json(reply(await c.var.services.broadcasts.pause(c.var.staff, c.req.valid('param').id))),
  )
  .post(
    '/:id/resume',
    requirePermission('broadcasts.send'),
    paramsOf(BroadcastIdParamSchema),
    async (c) =>
      c.json(reply(await c.var.services.broadcasts.resume(c.var.staff, c.req.valid('param').id))),
  )
  .post(
    '/:id/cancel',
    requirePermission('broadcasts.send'),
    paramsOf(BroadcastIdParamSchema),
    async (c) =>
      c.json(reply(await c.var.services.broadcasts.cancel(c.var.staff, c.req.valid('param').id))),
  )
  .get(
    '/:id/progress',
    requirePermission('broadcasts.read'),
    paramsOf(BroadcastIdParamSchema),
    async (c) => c.json(await c.var.services.broadcasts.progress(c.req.valid('param').id)),
  )
  .get(
    '/:id/result',
    requirePermission('broadcasts.read'),
    paramsOf(BroadcastIdParamSchema),
    async (c) => c.json(await c.var.services.broadcasts.result(c.req.valid('param').id)),
  )
  .get(
    '/:id/failed-recipients',
    requirePermission('broadcasts.read'),
    paramsOf(BroadcastIdParamSchema),
    queryOf(FailedRecipientsQuerySchema),
    async (c) =>
      c.json(
        await c.var.services.broadcasts.failedRecipients(
          c.req.valid('param').id,
          c.req.valid('query'),
        ),
      ),
  )
  .get(
    '/:id/attribution',
    requirePermission('broadcasts.read'),
    paramsOf(BroadcastIdParamSchema),
    async (c) => c.json(await c.var.services.broadcasts.attribution(c.req.valid('param').id)),
  )
