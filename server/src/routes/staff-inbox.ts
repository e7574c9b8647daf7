import {
  AssignInputSchema,
  CannedReplyIdParamSchema,
  CannedReplyInputSchema,
  ChatMessageIdParamSchema,
  ConversationIdParamSchema,
  ConversationListQuerySchema,
  ConversationOpenInputSchema,
  ConversationStatusInputSchema,
  InboxUpdatesQuerySchema,
  ReplyInputSchema,
  ResendInputSchema,
  ThreadQuerySchema,
} from '@joren/shared'
import { Hono } from 'hono'
import type { AppEnv } from '../middleware/env.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { jsonBody, paramsOf, queryOf } from './validation.ts'

/** /api/staff/inbox: the support inbox (support.inbox; canned replies are edited with support.manage). */
export const staffInboxRoute = new Hono<AppEnv>()
  .get(
    '/conversations',
    requirePermission('support.inbox'),
    queryOf(ConversationListQuerySchema),
    async (c) => c.json(await c.var.services.support.inbox.list(c.var.staff, c.req.valid('query'))),
  )
  .post(
    '/conversations',
    requirePermission('support.inbox'),
    jsonBody(ConversationOpenInputSchema),
    async (c) => {
      const { conversation, created } = await c.var.services.support.inbox.open(
        c.var.staff,
        c.req.valid('json').memberNumber,
      )
      return c.json(conversation, created ? 201 : 200)
    },
  )
  .get(
    '/conversations/:id',
    requirePermission('support.inbox'),
    paramsOf(ConversationIdParamSchema),
    queryOf(ThreadQuerySchema),
    async (c) =>
      c.json(
        await c.var.services.support.inbox.detail(c.req.valid('param').id, c.req.valid('query')),
      ),
  )
  .post(
    '/conversations/:id/read',
    requirePermission('support.inbox'),
    paramsOf(ConversationIdParamSchema),
    async (c) => c.json(await c.var.services.support.inbox.markRead(c.req.valid('param').id)),
  )
  .put(
    '/conversations/:id/status',
    requirePermission('support.inbox'),
    paramsOf(ConversationIdParamSchema),
    jsonBody(ConversationStatusInputSchema),
    async (c) =>
      c.json(
        await c.var.services.support.inbox.setStatus(
          c.var.staff,
          c.req.valid('param').id,
          c.req.valid('json').status,
        ),
      ),
  )
  .put(
    '/conversations/:id/assignee',
    requirePermission('support.inbox'),
    paramsOf(ConversationIdParamSchema),
    jsonBody(AssignInputSchema),
    async (c) =>
      c.json(
        await c.var.services.support.inbox.assign(
          c.var.staff,
          c.req.valid('param').id,
          c.req.valid('json').staffId,
        ),
      ),
  )
  .post(
    '/conversations/:id/reply',
    requirePermission('support.inbox'),
    paramsOf(ConversationIdParamSchema),
    jsonBody(ReplyInputSchema),
    async (c) =>
      c.json(
        await c.var.services.support.inbox.reply(
          c.var.staff,
          c.req.valid('param').id,
          c.req.valid('json'),
          c.var.defer,
        ),
        201,
      ),
  )
  .post(
    '/messages/:chatMessageId/resend',
    requirePermission('support.inbox'),
    paramsOf(ChatMessageIdParamSchema),
    jsonBody(ResendInputSchema),
    async (c) =>
      c.json(
        await c.var.services.support.inbox.resend(
          c.var.staff,
          c.req.valid('param').chatMessageId,
          c.var.defer,
        ),
        201,
      ),
  )
  .get(
    '/conversations/:id/context',
    requirePermission('support.inbox'),
    paramsOf(ConversationIdParamSchema),
    async (c) => c.json(await c.var.services.support.inbox.memberContext(c.req.valid('param').id)),
  )
  .get(
    '/updates',
    requirePermission('support.inbox'),
    queryOf(InboxUpdatesQuerySchema),
    async (c) => c.json(await c.var.services.support.inbox.updates(c.req.valid('query').since)),
  )
  .get(
    '/contents/:chatMessageId',
    requirePermission('support.inbox'),
    paramsOf(ChatMessageIdParamSchema),
    async (c) => {
      const { contentType, bytes } = await c.var.services.support.inbox.content(
        c.req.valid('param').chatMessageId,
      )
      return new Response(bytes.slice().buffer as ArrayBuffer, {
        headers: {
          'content-type': contentType,
          'content-length': String(bytes.byteLength),
          'cache-control': 'private, max-age=86400',
          'x-content-type-options': 'nosniff',
        },
      })
    },
  )
  .get('/staff', requirePermission('support.inbox'), async (c) =>
    c.json(await c.var.services.support.inbox.assignableStaff()),
  )
  .get('/canned-replies', requirePermission('support.inbox'), async (c) =>
    c.json(await c.var.services.support.inbox.cannedReplies()),
  )
  .post(
    '/canned-replies',
    requirePermission('support.manage'),
    jsonBody(CannedReplyInputSchema),
    async (c) =>
      c.json(
        await c.var.services.support.inbox.createCanned(c.var.staff, c.req.valid('json')),
        201,
      ),
  )
  .put(
    '/canned-replies/:id',
    requirePermission('support.manage'),
    paramsOf(CannedReplyIdParamSchema),
    jsonBody(CannedReplyInputSchema),
    async (c) =>
      c.json(
        await c.var.services.support.inbox.updateCanned(
          c.var.staff,
          c.req.valid('param').id,
          c.req.valid('json'),
        ),
      ),
  )
  .delete(
    '/canned-replies/:id',
    requirePermission('support.manage'),
    paramsOf(CannedReplyIdParamSchema),
    async (c) => {
      await c.var.services.support.inbox.deleteCanned(c.var.staff, c.req.valid('param').id)
      return c.body(null, 204)
    },
  )
