import type { FaqEntry, FaqTryResult } from '@joren/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { questions, shops } from '../faq/heldout/dataset.ts'
import { buildWorkerBundle, type WorkerBundle } from './local-worker.ts'
import { startWorkerWorld } from './worker-world.ts'

/**
 * FAQ matching on workerd, through the Worker as it ships: its light analyser (Intl.Segmenter,
 * which workerd's ICU provides) + the Sudachi synonyms + character n-grams. The held-out half of
 * test/faq/heldout goes through POST /api/staff/faq/try (the same decision the chat uses) shop by
 * shop, and the chat path answers by reply token and records the question in D1.
 */

const TIMEOUT = 180_000
let bundle: WorkerBundle | undefined

beforeAll(async () => {
  bundle = await buildWorkerBundle()
}, TIMEOUT)

afterAll(async () => {
  await bundle?.dispose()
})

const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)}% (${n}/${of})`

describe('FAQ on Workers + D1', () => {
  it(
    'held-out figures of the Workers path: no more than 5 % confident wrong answers; answers by reply token',
    async () => {
      const { line, worker, api, owner } = await startWorkerWorld(bundle!, { rateLimits: false })
      let answerable = 0
      let unanswerable = 0
      let top1 = 0
      let answeredRight = 0
      let answeredWrong = 0
      let unanswerableAnswered = 0
      let analyser: string | null = null
      for (const shop of shops) {
        const keyOf = new Map<number, string>()
        for (const entry of shop.entries) {
          const created = await api<FaqEntry>('POST', '/api/staff/faq', owner(), {
            questions: entry.phrasings,
            answer: entry.answer,
          })
          expect(created.status).toBe(201)
          keyOf.set(created.body.id, entry.key)
        }
        for (const q of questions.filter((q) => q.shop === shop.key && q.half === 'heldout')) {
          const tried = await api<FaqTryResult>('POST', '/api/staff/faq/try', owner(), {
            text: q.text,
          })
          expect(tried.status).toBe(200)
          analyser = tried.body.analyser
          const best = tried.body.candidates[0]
          const bestKey = best ? keyOf.get(best.entryId) : undefined
          if (q.expect === null) {
            unanswerable++
            if (tried.body.outcome === 'answer') unanswerableAnswered++
            continue
          }
          answerable++
          if (bestKey === q.expect) top1++
          if (tried.body.outcome === 'answer') {
            if (keyOf.get(tried.body.answer!.entryId) === q.expect) answeredRight++
            else answeredWrong++
          }
        }
        for (const id of keyOf.keys())
          expect((await api('DELETE', `/api/staff/faq/${id}`, owner())).status).toBe(204)
      }
      console.log(
        [
          `FAQ held-out, Workers path (${analyser}, on workerd): ${answerable} answerable + ${unanswerable} unanswerable`,
          `  top-1 right entry ranked first:               ${pct(top1, answerable)}`,
          `  answered outright with the right entry:       ${pct(answeredRight, answerable)}`,
          `  confident wrong answers (answerable):         ${pct(answeredWrong, answerable)}`,
          `  confident answers to unanswerable questions:  ${pct(unanswerableAnswered, unanswerable)}`,
        ].join('\n'),
      )
      expect(analyser).toBe('intl-segmenter')
      expect(answerable).toBeGreaterThanOrEqual(200)
      expect(answeredWrong / answerable).toBeLessThanOrEqual(0.05)
      expect(unanswerableAnswered / unanswerable).toBeLessThanOrEqual(0.05)
      expect(top1 / answerable).toBeGreaterThanOrEqual(0.82)
      expect(answeredRight / answerable).toBeGreaterThanOrEqual(0.38)

      // The chat path on D1: an answerable question is answered by reply token and recorded.
      const parking = await api<FaqEntry>('POST', '/api/staff/faq', owner(), {
        questions: ['駐車場はありますか', '車で行っても大丈夫ですか'],
        answer: '店舗前に3台分の駐車場がございます。',
      })
      const user = line.createUser({ displayName: '花子' })
      await line.follow(user.userId)
      const deadline = Date.now() + 20_000
      while (line.received(user.userId).length < 2) {
        if (Date.now() > deadline) throw new Error(`no welcome\n${worker.logs()}`)
        await new Promise((r) => setTimeout(r, 50))
      }
      await line.sendText(user.userId, '駐車場ってありますか？')
      while (line.received(user.userId).length < 3) {
        if (Date.now() > deadline) throw new Error(`no answer\n${worker.logs()}`)
        await new Promise((r) => setTimeout(r, 50))
      }
      expect(line.received(user.userId)[2]).toMatchObject({
        via: 'reply',
        message: { type: 'text', text: parking.body.answer },
      })
      expect(await worker.query('SELECT outcome, entry_id AS entryId FROM faq_asks')).toEqual([
        { outcome: 'answered', entryId: parking.body.id },
      ])
    },
    TIMEOUT,
  )
})
