import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { startLineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import type { Fault, LineStandIn } from '../../server/src/sandbox/line-stand-in/types.ts'
import {
  buildWorkerBundle,
  startLocalWorker,
  type LocalWorker,
  type WorkerBundle,
} from './local-worker.ts'

/**
 * The reply policy on Workers + D1: the invocation after the webhook tries a reply again a moment
 * later (its token is fresh only for seconds) instead of leaving it to the next cron; a reply LINE
 * delivered and then answered 500 ends "delivery unknown" in D1 and in the member's thread.
 */

const TIMEOUT = 90_000
let bundle: WorkerBundle | undefined

beforeAll(async () => {
  bundle = await buildWorkerBundle()
}, TIMEOUT)
afterAll(async () => {
  await bundle?.dispose()
})

async function world(): Promise<{ line: LineStandIn; worker: LocalWorker }> {
  if (!bundle) throw new Error('the worker bundle was not built')
  const line = await startLineStandIn({ rateLimits: false })
  onTestFinished(() => line.close())
  const worker = await startLocalWorker({
    bundle,
    vars: {
      LINE_CHANNEL_SECRET: line.channelSecret,
      LINE_CHANNEL_ACCESS_TOKEN: line.channelAccessToken,
      LINE_API_BASE_URL: line.url,
      LINE_DATA_API_BASE_URL: line.url,
    },
  })
  onTestFinished(() => worker.dispose())
  line.setWebhookUrl(`${worker.url}/webhook`)
  return { line, worker }
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000
  for (;;) {
    const value = await read()
    if (done(value)) return value
    if (Date.now() > deadline) throw new Error(`timed out; last: ${JSON.stringify(value)}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** A member who got the welcome, then 「ヘルプ」 with the faults; returns its answer row. */
async function askWithFaults(line: LineStandIn, worker: LocalWorker, faults: Fault[]) {
  const user = line.createUser({ displayName: '花子' })
  await line.follow(user.userId)
  await until(
    async () => line.received(user.userId).length,
    (n) => n === 2,
  )
  for (const fault of faults) line.inject(fault)
  const event = line.buildEvent.text(user.userId, 'ヘルプ')
  expect((await line.deliver([event])).status).toBe(200)
  const row = await until(
    async () =>
      (
        await worker.query<{ status: string; via: string | null; reply_token: string }>(
          'SELECT status, via, reply_token FROM outbox WHERE dedupe_key = ?',
          `event:${event.webhookEventId}:reply`,
        )
      )[0],
    (r) => r !== undefined && !['pending', 'sending'].includes(r.status),
  )
  const replies = line.received(user.userId).filter((m) => m.replyToken === row?.reply_token)
  return { user, row, replies: new Set(replies.map((m) => m.requestId)).size }
}

describe('reply policy on Workers + D1', () => {
  it(
    'a reply refused with 429 is tried again within the same invocation and delivered once',
    async () => {
      const { line, worker } = await world()
      const { row, replies } = await askWithFaults(line, worker, [
        { path: '/v2/bot/message/reply', kind: 'status', status: 429, count: 1 },
      ])
      expect(row).toMatchObject({ status: 'sent', via: 'reply' })
      expect(replies).toBe(1)
    },
    TIMEOUT,
  )

  it(
    'a reply LINE delivered and then answered 500 ends delivery unknown, shown in the thread',
    async () => {
      const { line, worker } = await world()
      const { user, row, replies } = await askWithFaults(line, worker, [
        { path: '/v2/bot/message/reply', kind: 'status', status: 500, phase: 'after', count: 1 },
      ])
      expect(row).toMatchObject({ status: 'unknown', via: null })
      expect(replies).toBe(1)
      expect(line.requests().filter((r) => r.path === '/v2/bot/message/push')).toHaveLength(0)
      const thread = await worker.query<{ delivery: string; delivery_reason: string }>(
        `SELECT c.delivery, c.delivery_reason FROM chat_messages c JOIN members m ON m.id = c.member_id
          WHERE m.line_user_id = ? AND c.delivery IS NOT NULL`,
        user.userId,
      )
      expect(thread).toEqual([{ delivery: 'unknown', delivery_reason: 'reply_in_doubt' }])
    },
    TIMEOUT,
  )
})
