import { DeletionRequestSchema, PrivacyAgreeSchema } from '@joren/shared'
import { Hono } from 'hono'
import type { AppEnv } from '../middleware/env.ts'
import { memberAuth } from '../middleware/member-auth.ts'
import { jsonBody } from './validation.ts'

/**
 * /api/liff/privacy: the shop's privacy policy and terms, the member's agreement, and their
 * request to delete their personal data (a task for staff). Acts on the verified member only.
 */
export const liffPrivacyRoute = new Hono<AppEnv>()
  .use(memberAuth)
  .get('/', async (c) => c.json(await c.var.services.privacy.memberPrivacy(c.var.member.memberId)))
  .post('/agree', jsonBody(PrivacyAgreeSchema), async (c) =>
    c.json(await c.var.services.privacy.agree(c.var.member.memberId, c.req.valid('json').version)),
  )
  .post('/deletion-request', jsonBody(DeletionRequestSchema), async (c) =>
    c.json(await c.var.services.privacy.requestDeletion(c.var.member.memberId), 201),
  )
