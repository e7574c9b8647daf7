import {
  ContactPolicySchema,
  JourneyDraftSchema,
  JourneyEnableSchema,
  JourneyIdParamSchema,
  JourneyPreviewSchema,
  MemberNumberParamSchema,
  type JourneySummary,
} from '@joren/shared'
import { Hono } from 'hono'
import type { AppEnv } from '../middleware/env.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { jsonBody, paramsOf } from './validation.ts'

const reply = (journey: JourneySummary) => ({ journey })

/** /api/staff/journeys: templates, edit, on / off, counts, lift, timelines and the contact policy. */
export const staffJourneysRoute = new Hono<AppEnv>()
  .get('/', requirePermission('broadcasts.read'), async (c) =>
    c.json(await c.var.services.journeys.list()),
  )
  .post('/', requirePermission('broadcasts.send'), jsonBody(JourneyDraftSchema), async (c) =>
    c.json(reply(await c.var.services.journeys.create(c.var.staff, c.req.valid('json'))), 201),
  )
  .get('/policy', requirePermission('broadcasts.read'), async (c) =>
    c.json({ policy: await c.var.services.journeys.policy() }),
  )
  .put('/policy', requirePermission('broadcasts.send'), jsonBody(ContactPolicySchema), async (c) =>
    c.json({
      policy: await c.var.services.journeys.updatePolicy(c.var.staff, c.req.valid('json')),
    }),
  )
  .get(
    '/members/:memberNumber/timeline',
    requirePermission('broadcasts.read'),
    paramsOf(MemberNumberParamSchema),
    async (c) => c.json(await c.var.services.journeys.timeline(c.req.valid('param').memberNumber)),
  )
  .get('/:id', requirePermission('broadcasts.read'), paramsOf(JourneyIdParamSchema), async (c) =>
    c.json(reply(await c.var.services.journeys.get(c.req.valid('param').id))),
  )
  .put(
    '/:id',
    requirePermission('broadcasts.send'),
    paramsOf(JourneyIdParamSchema),
    jsonBody(JourneyDraftSchema),
    async (c) =>
      c.json(
        reply(
          await c.var.services.journeys.update(
            c.var.staff,
            c.req.valid('param').id,
            c.req.valid('json'),
          ),
        ),
      ),
  )
  .put(
    '/:id/enabled',
    requirePermission('broadcasts.send'),
    paramsOf(JourneyIdParamSchema),
    jsonBody(JourneyEnableSchema),
    async (c) =>
      c.json(
        reply(
          await c.var.services.journeys.setEnabled(
            c.var.staff,
            c.req.valid('param').id,
            c.req.valid('json').enabled,
          ),
        ),
      ),
  )
  .get(
    '/:id/lift',
    requirePermission('broadcasts.read'),
    paramsOf(JourneyIdParamSchema),
    async (c) => c.json(await c.var.services.journeys.lift(c.req.valid('param').id)),
  )
  .post(
    '/:id/preview',
    requirePermission('broadcasts.read'),
    paramsOf(JourneyIdParamSchema),
    jsonBody(JourneyPreviewSchema),
    async (c) =>
      c.json(
        await c.var.services.journeys.preview(
          c.req.valid('param').id,
          c.req.valid('json').memberNumber,
          c.req.valid('json').steps,
        ),
      ),
  )
