import type { ConversationDetail, ReplyResult } from '@joren/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '../support/joren-node.ts'
import { buildWorkerBundle, type WorkerBundle } from '../workers/local-worker.ts'
import { startWorkerWorld } from '../workers/worker-world.ts'

/**
 * The inbox on workerd + local D1: the hand-over, the image content stored as a D1 blob by the
 * cron and served to staff, and a staff reply recorded in the thread with how it went.
 */

const TIMEOUT = 120_000
let bundle: WorkerBundle | undefined

beforeAll(async () => {
  bundle = await buildWorkerBundle()
}, TIMEOUT)

afterAll(async () => {
  await bundle?.dispose()
})

describe('support inbox on Workers + D1', () => {
  it(
    'hands over an image, stores its content by the cron, and sends a staff reply',
    async () => {
      const { line, worker, api, owner } = await startWorkerWorld(bundle!, { rateLimits: false })

      const customer = line.createUser({ displayName: '花子' })
      await line.follow(customer.userId)
      await line.sendImage(customer.userId)
      const acks = () =>
        line
          .received(customer.userId)
          .filter((r) =>
            String(r.message.text ?? '').startsWith('お問い合わせありがとうございます'),
          )
      await eventually(() => expect(acks()).toHaveLength(1), 20_000)
      await line.sendImage(customer.userId)
      const [conversation] = await worker.query<{ id: number; unread: number }>(
        'SELECT id, unread FROM conversations',
      )
      if (!conversation) throw new Error(`no conversation\n${worker.logs()}`)

      await eventually(async () => {
        await worker.scheduled()
        const rows = await worker.query<{ status: string }>(
          'SELECT status FROM message_contents ORDER BY chat_message_id',
        )
        expect(rows).toEqual([{ status: 'stored' }, { status: 'stored' }])
      }, 30_000)
      expect(acks()).toHaveLength(1)

      const detail = await api<ConversationDetail>(
        'GET',
        `/api/staff/inbox/conversations/${conversation.id}`,
        owner(),
      )
      expect(detail.body.conversation.unread).toBe(2)
      const image = detail.body.messages.find((m) => m.kind === 'image')
      const url = image?.content.type === 'image' ? image.content.contentUrl : null
      if (!url) throw new Error(`no content URL: ${JSON.stringify(detail.body.messages)}`)
      const content = await fetch(`${worker.url}${url}`, {
        headers: { authorization: `Bearer ${owner()}` },
      })
      expect(content.status).toBe(200)
      expect(content.headers.get('content-type')).toBe('image/png')
      const bytes = new Uint8Array(await content.arrayBuffer())
      expect(String.fromCharCode(...bytes.slice(1, 4))).toBe('PNG')

      const reply = await api<ReplyResult>(
        'POST',
        `/api/staff/inbox/conversations/${conversation.id}/reply`,
        owner(),
        { text: '写真を確認しました。', idempotencyKey: 'worker-reply-1' },
      )
      expect(reply.status).toBe(201)
      await eventually(
        () =>
          expect(line.received(customer.userId).at(-1)).toMatchObject({
            message: { text: '写真を確認しました。' },
          }),
        20_000,
      )
      const via = reply.body.via
      await eventually(async () => {
        const rows = await worker.query<{ origin: string; via: string | null }>(
          "SELECT origin, via FROM chat_messages WHERE origin = 'staff'",
        )
        expect(rows).toEqual([{ origin: 'staff', via }])
      }, 10_000)
      expect(line.received(customer.userId).at(-1)?.via).toBe(via)
    },
    TIMEOUT,
  )
})
