import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LineStandIn } from '../../server/src/sandbox/line-stand-in/types.ts'
import { buildWorkerBundle, type LocalWorker, type WorkerBundle } from './local-worker.ts'
import { startWorkerWorld } from './worker-world.ts'

/**
 * The shop's editable texts on workerd + local D1: the store (shop_texts) keeps, resets and
 * refuses exactly as on Node, and what the LINE stand-in receives is the stored wording — the
 * welcome by reply token, the out-of-hours acknowledgement and the coupon-issued note, in the
 * member's language.
 */

const TIMEOUT = 90_000
let bundle: WorkerBundle | undefined

beforeAll(async () => {
  bundle = await buildWorkerBundle()
}, TIMEOUT)

afterAll(async () => {
  await bundle?.dispose()
})

async function until<T>(
  what: string,
  worker: LocalWorker,
  read: () => Promise<T> | T,
  ok: (v: T) => boolean,
) {
  const deadline = Date.now() + 20_000
  for (;;) {
    const value = await read()
    if (ok(value)) return value
    if (Date.now() > deadline) throw new Error(`${what}: timed out\n${worker.logs()}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

const texts = (line: LineStandIn, userId: string) =>
  line
    .received(userId)
    .filter((m) => m.message.type === 'text')
    .map((m) => ({ via: m.via, text: String(m.message.text) }))

describe('editable texts (workerd + local D1)', () => {
  it(
    'stores, refuses and resets texts in D1, and LINE receives the shop’s wording in ja and en',
    async () => {
      const { line, worker, api, owner } = await startWorkerWorld(bundle!, { rateLimits: false })
      const put = (key: string, locale: string, body: string) =>
        api('PUT', '/api/staff/texts', owner(), { key, locale, body })

      // A refused text changes nothing.
      const bad = await put('welcome', 'ja', '{name}さん {points}')
      expect(bad.status).toBe(400)
      expect(bad.body.error?.message).toContain('{points}')
      expect(await worker.query('SELECT * FROM shop_texts')).toEqual([])

      expect((await put('welcome', 'ja', '{name}、ようこそ{shop}へ（D1）')).status).toBe(200)
      expect((await put('welcome', 'en', 'Welcome, {name} (D1)')).status).toBe(200)
      expect((await put('ack_closed', 'ja', '{name}、営業時間外です（D1）')).status).toBe(200)
      expect((await put('ack_closed', 'en', '{name}, we are closed (D1)')).status).toBe(200)
      expect((await put('coupon_issued', 'ja', '{name}へ「{coupon}」（D1）')).status).toBe(200)
      expect((await put('coupon_issued', 'en', 'For {name}: {coupon} (D1)')).status).toBe(200)
      expect(await worker.query<{ n: number }>('SELECT count(*) AS n FROM shop_texts')).toEqual([
        { n: 6 },
      ])
      expect(
        await worker.query<{ n: number }>(
          "SELECT count(*) AS n FROM audit_log WHERE action = 'shop_text.update'",
        ),
      ).toEqual([{ n: 6 }])
      const closed = await api('PUT', '/api/staff/texts/hours', owner(), {
        days: Array.from({ length: 7 }, () => null),
      })
      expect(closed.status).toBe(200)

      const hana = line.createUser({ displayName: '花子', language: 'ja' })
      const ken = line.createUser({ displayName: 'Ken', language: 'en' })
      await line.follow(hana.userId)
      await line.follow(ken.userId)
      await until(
        'welcomes',
        worker,
        () => [texts(line, hana.userId), texts(line, ken.userId)] as const,
        ([a, b]) => a.length > 0 && b.length > 0,
      )
      expect(texts(line, hana.userId)[0]).toEqual({
        via: 'reply',
        text: '花子さん、ようこそマイショップへ（D1）',
      })
      expect(texts(line, ken.userId)[0]).toEqual({ via: 'reply', text: 'Welcome, Ken (D1)' })

      // Out of hours (closed every day): the shop's out-of-hours acknowledgement.
      await line.sendText(hana.userId, '駐車場はありますか？')
      await line.sendText(ken.userId, 'Is there parking?')
      await until(
        'acknowledgements',
        worker,
        () => [texts(line, hana.userId), texts(line, ken.userId)] as const,
        ([a, b]) =>
          a.some((t) => t.text.includes('営業時間外')) && b.some((t) => t.text.includes('closed')),
      )
      expect(texts(line, hana.userId).map((t) => t.text)).toContain(
        '花子さん、営業時間外です（D1）',
      )
      expect(texts(line, ken.userId).map((t) => t.text)).toContain('Ken, we are closed (D1)')

      // A coupon issued by hand with the note.
      const template = await api('POST', '/api/staff/coupons/templates', owner(), {
        kind: 'yen_off',
        title: '100円引き',
        value: 100,
        validity: 'days',
        validDays: 30,
      })
      expect(template.status).toBe(201)
      const numbers = await worker.query<{ n: string; u: string }>(
        'SELECT member_number AS n, line_user_id AS u FROM members',
      )
      for (const row of numbers) {
        const issued = await api('POST', `/api/staff/members/${row.n}/coupons`, owner(), {
          templateId: template.body.id,
          notify: true,
        })
        expect(issued.status).toBe(201)
      }
      await worker.scheduled()
      await until(
        'coupon notes',
        worker,
        () => [texts(line, hana.userId), texts(line, ken.userId)] as const,
        ([a, b]) =>
          a.some((t) => t.text.includes('（D1）') && t.via === 'push') &&
          b.some((t) => t.via === 'push'),
      )
      expect(texts(line, hana.userId)).toContainEqual({
        via: 'push',
        text: '花子さんへ「100円引き」（D1）',
      })
      expect(texts(line, ken.userId)).toContainEqual({
        via: 'push',
        text: 'For Ken: 100円引き (D1)',
      })

      // Reset: the row is gone and the default is what the list shows.
      const reset = await api('POST', '/api/staff/texts/reset', owner(), {
        key: 'welcome',
        locale: 'ja',
      })
      expect(reset.status).toBe(200)
      expect(reset.body).toMatchObject({ custom: false })
      expect(
        await worker.query("SELECT key FROM shop_texts WHERE key = 'welcome' AND locale = 'ja'"),
      ).toEqual([])
      const yui = line.createUser({ displayName: '結衣', language: 'ja' })
      await line.follow(yui.userId)
      await until(
        'default welcome',
        worker,
        () => texts(line, yui.userId),
        (t) => t.length > 0,
      )
      expect(texts(line, yui.userId)[0]?.text).toMatch(
        /^結衣さん、友だち追加ありがとうございます！/,
      )
    },
    TIMEOUT,
  )
})
