import type { ConversationDetail, ReplyResult, ResendResult } from '@joren/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '../support/joren-node.ts'
import { buildWorkerBundle, type WorkerBundle } from '../workers/local-worker.ts'
import { startWorkerWorld } from '../workers/worker-world.ts'

/**
 * Failures show on workerd + local D1: a staff reply LINE refused (400 "Invalid reply token") is
 * failed in D1 and in the thread with the reason in Japanese, and its resend as a push goes once.
 */

const TIMEOUT = 120_000
let bundle: WorkerBundle | undefined

beforeAll(async () => {
  bundle = await buildWorkerBundle()
}, TIMEOUT)

afterAll(async () => {
  await bundle?.dispose()
})

describe('a failed staff reply on Workers + D1', () => {
  it(
    'is shown as failed with LINE’s reason in Japanese and resent once as a push',
    async () => {
      const { line, worker, api, owner } = await startWorkerWorld(bundle!, { rateLimits: false })
      const customer = line.createUser({ displayName: '花子' })
      await line.follow(customer.userId)
      await line.sendImage(customer.userId)
      await eventually(
        () =>
          expect(
            line
              .received(customer.userId)
              .some((r) =>
                String(r.message.text ?? '').startsWith('お問い合わせありがとうございます'),
              ),
          ).toBe(true),
        20_000,
      )
      await line.sendText(customer.userId, '今日は何時までですか？')
      const conversation = await eventually(async () => {
        const [row] = await worker.query<{ id: number; reply_token: string | null }>(
          'SELECT id, reply_token FROM conversations',
        )
        expect(row?.reply_token).toBeTruthy()
        return row!
      }, 20_000)

      line.inject({
        path: '/v2/bot/message/reply',
        kind: 'status',
        status: 400,
        body: { message: 'Invalid reply token' },
        count: 1,
      })
      const reply = await api<ReplyResult>(
        'POST',
        `/api/staff/inbox/conversations/${conversation.id}/reply`,
        owner(),
        { text: '本日は19時までです。', idempotencyKey: 'worker-failed-1' },
      )
      expect(reply.status).toBe(201)
      expect(reply.body.via).toBe('reply')
      await eventually(async () => {
        await worker.scheduled()
        const rows = await worker.query<{ status: string }>(
          "SELECT status FROM outbox WHERE dedupe_key LIKE 'staff-reply:%'",
        )
        expect(rows).toEqual([{ status: 'failed' }])
      }, 20_000)
      const pushes = () => line.requests().filter((r) => r.path === '/v2/bot/message/push')
      expect(pushes()).toHaveLength(0)

      const thread = async () =>
        (
          await api<ConversationDetail>(
            'GET',
            `/api/staff/inbox/conversations/${conversation.id}`,
            owner(),
          )
        ).body.messages
      expect((await thread()).find((m) => m.id === reply.body.messageId)).toMatchObject({
        state: 'failed',
        via: null,
        delivery: {
          state: 'failed',
          reason: 'reply_token',
          lineReason: '返信用トークンが使えません（使用済みか、有効期限切れです）。',
        },
        resendable: true,
      })

      const path = `/api/staff/inbox/messages/${reply.body.messageId}/resend`
      const [a, b] = await Promise.all([
        api<ResendResult>('POST', path, owner(), {}),
        api<ResendResult>('POST', path, owner(), {}),
      ])
      expect(a.status).toBe(201)
      expect(b.body).toEqual(a.body)
      await eventually(async () => {
        await worker.scheduled()
        expect(
          line.received(customer.userId).filter((r) => r.message.text === '本日は19時までです。'),
        ).toHaveLength(1)
      }, 20_000)
      expect(pushes()).toHaveLength(1)
      expect(
        await worker.query("SELECT target_id FROM audit_log WHERE action = 'inbox.resend'"),
      ).toEqual([{ target_id: String(reply.body.messageId) }])
      await eventually(async () => {
        const messages = await thread()
        expect(messages.find((m) => m.id === reply.body.messageId)).toMatchObject({
          resendable: false,
          resentAs: a.body.messageId,
        })
        expect(messages.find((m) => m.id === a.body.messageId)).toMatchObject({
          state: 'sent',
          via: 'push',
          resendOf: reply.body.messageId,
        })
      }, 10_000)
    },
    TIMEOUT,
  )
})
