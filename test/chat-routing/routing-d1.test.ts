import { drizzle } from 'drizzle-orm/d1'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/src/db/database.ts'
import { d1Atomic } from '../../server/src/db/atomic.ts'
import { createFaqRepository } from '../../server/src/db/repositories/faq-repository.ts'
import { createKeywordRuleRepository } from '../../server/src/db/repositories/keyword-rule-repository.ts'
import { schema } from '../../server/src/db/schema.ts'
import { createUnitOfWork } from '../../server/src/db/unit-of-work.ts'
import { createFaqAnswerer } from '../../server/src/domain/faq/answerer.ts'
import { createFaqService } from '../../server/src/domain/faq/service.ts'
import { startLineStandIn, type LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import {
  buildWorkerBundle,
  startLocalWorker,
  type LocalWorker,
  type WorkerBundle,
} from '../workers/local-worker.ts'

/**
 * The FAQ and keyword-rule stores on workerd's local D1, and the text routing through the
 * Workers entry: a keyword rule and an FAQ entry written by the staff commands (each with its
 * audit row) answer over the real webhook, and an edit is picked up by the cached FAQ index.
 */

const TIMEOUT = 180_000
let bundle: WorkerBundle | undefined
let worker: LocalWorker | undefined
let line: LineStandIn | undefined
let db: Database

beforeAll(async () => {
  bundle = await buildWorkerBundle()
  line = await startLineStandIn({ rateLimits: false })
  worker = await startLocalWorker({
    bundle,
    vars: {
      LINE_CHANNEL_SECRET: line.channelSecret,
      LINE_CHANNEL_ACCESS_TOKEN: line.channelAccessToken,
      LINE_API_BASE_URL: line.url,
      LINE_DATA_API_BASE_URL: line.url,
    },
  })
  line.setWebhookUrl(`${worker.url}/webhook`)
  db = drizzle(worker.db as never, { schema }) as unknown as Database
}, TIMEOUT)

afterAll(async () => {
  await worker?.dispose()
  await line?.close()
  await bundle?.dispose()
})

async function waitForReplies(userId: string, n: number): Promise<string[]> {
  const deadline = Date.now() + 15_000
  for (;;) {
    const texts = line!
      .received(userId)
      .map(
        (r) =>
          (r.message as { text?: string; type: string }).text ??
          (r.message as { type: string }).type,
      )
    if (texts.length >= n) return texts
    if (Date.now() > deadline) throw new Error(`only ${JSON.stringify(texts)}\n${worker!.logs()}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

describe('FAQ and keyword routing on Workers + D1', () => {
  it(
    'staff commands write (with their audit rows) and version on D1; the worker answers by keyword, FAQ and hand-over',
    async () => {
      const faq = createFaqRepository(db)
      const clock = { now: () => 1000 }
      const service = createFaqService({
        faq,
        keywordRules: createKeywordRuleRepository(db),
        uow: createUnitOfWork(db, d1Atomic(db as never), clock),
        now: clock.now,
        answerer: createFaqAnswerer(faq),
      })
      const staff = { id: 1, role: 'owner' as const }
      const v0 = await faq.version()
      const input = {
        questions: ['駐車場はありますか', '車で行けますか'],
        answer: '4台分あります',
        enabled: true,
      }
      const entry = await service.createEntry(staff, input)
      expect(entry).toMatchObject({ ...input, createdAt: 1000 })
      const v1 = await faq.version()
      expect(v1).not.toBe(v0)
      const rule = await service.createRule(staff, {
        match: 'regex',
        pattern: '^(wi-?fi|わいふぁい)',
        reply: [{ type: 'text', text: 'Wi-Fi はレジ横に' }],
        priority: 0,
        enabled: true,
      })
      // Each command committed its audit row with the change, the new row's ID filled in.
      const audit = await worker!.query<{ action: string; target_id: string; after: string }>(
        `SELECT action, target_id, after FROM audit_log ORDER BY id`,
      )
      expect(audit.map((a) => [a.action, a.target_id])).toEqual([
        ['faq.create', String(entry.id)],
        ['keyword_rule.create', String(rule.id)],
      ])
      expect(JSON.parse(audit[0]!.after)).toEqual(entry)
      expect(JSON.parse(audit[1]!.after)).toEqual(rule)

      const user = line!.createUser({ displayName: '花子', language: 'ja' })
      await line!.follow(user.userId)
      await waitForReplies(user.userId, 2)
      await line!.sendText(user.userId, 'ワイファイ使えますか')
      expect((await waitForReplies(user.userId, 3))[2]).toBe('Wi-Fi はレジ横に')
      await line!.sendText(user.userId, 'ﾁｭｳｼｬｼﾞｮｳ ありますか？')
      expect((await waitForReplies(user.userId, 4))[3]).toBe('4台分あります')

      // An edit at the same clock time still moves the version, so the index is rebuilt.
      await service.updateEntry(staff, entry.id, { ...input, answer: '6台分あります' })
      expect(await faq.version()).not.toBe(v1)
      await line!.sendText(user.userId, '駐車場ありますか')
      expect((await waitForReplies(user.userId, 5))[4]).toBe('6台分あります')

      await line!.sendText(user.userId, '昨日お店に傘を忘れました')
      expect((await waitForReplies(user.userId, 6))[5]).toContain('営業時間')
      expect(await worker!.query(`SELECT status, open_reason FROM conversations`)).toEqual([
        { status: 'open', open_reason: 'unanswered' },
      ])
    },
    TIMEOUT,
  )
})
