import type { FaqEntry, FaqTryResult, KeywordRule } from '@joren/shared'
import { beforeEach, describe, expect, it } from 'vitest'
import { claimOwner, inviteStaff, TestClock, useWorld } from '../auth/world.ts'
import { eventually } from '../support/joren-node.ts'

const clock = new TestClock()
const world = useWorld(clock)

type Owner = Awaited<ReturnType<typeof claimOwner>>
type Received = { message: { type: string; text?: string; quickReply?: QuickReply } }
type QuickReply = { items: { action: { label: string; data: string } }[] }

let owner: Owner

beforeEach(async () => {
  owner = await claimOwner(world)
})

async function faq(questions: string[], answer: string) {
  const res = await world.api<FaqEntry>('POST', '/api/staff/faq', {
    token: owner.token(),
    body: { questions, answer },
  })
  expect(res.status).toBe(201)
  return res.body
}

async function rule(match: 'exact' | 'contains' | 'regex', pattern: string, text: string) {
  const res = await world.api<KeywordRule>('POST', '/api/staff/keyword-rules', {
    token: owner.token(),
    body: { match, pattern, reply: [{ type: 'text', text }] },
  })
  expect(res.status).toBe(201)
  return res.body
}

/** A member who followed and got the welcome messages (so later counts start from there). */
async function friend() {
  const user = await world.member('花子')
  await eventually(() => expect(world.standIn.received(user.userId).length).toBe(2))
  return user
}

/** Sends a text and waits for `n` more messages (0: waits for the event to be processed). */
async function say(userId: string, text: string, n = 1): Promise<Received[]> {
  const before = world.standIn.received(userId).length
  const delivered = await world.standIn.sendText(userId, text)
  const eventId = (delivered as { events?: { webhookEventId: string }[] }).events?.[0]
    ?.webhookEventId
  await eventually(() => {
    const done = world.joren.rows<{ status: string }>(
      'select status from webhook_events where event_id = ?',
      eventId,
    )
    expect(done[0]?.status).toBe('done')
    expect(world.standIn.received(userId).length).toBe(before + n)
    // The first FAQ message of the process loads the analyser (~1 s of CPU; more on a busy machine).
  }, 30_000)
  if (n === 0) {
    // Processed and nothing queued for it: the bot chose silence.
    const queued = world.joren.rows(
      'select 1 from outbox where dedupe_key like ?',
      `event:${eventId}:%`,
    )
    expect(queued).toEqual([])
  }
  return world.standIn.received(userId).slice(before) as unknown as Received[]
}

async function tap(userId: string, data: string, n = 1): Promise<Received[]> {
  const before = world.standIn.received(userId).length
  await world.standIn.postback(userId, data)
  await eventually(() => expect(world.standIn.received(userId).length).toBe(before + n))
  return world.standIn.received(userId).slice(before) as unknown as Received[]
}

const conversationOf = (userId: string) =>
  world.joren.rows<{ status: string; open_reason: string }>(
    'select c.status, c.open_reason from conversations c join members m on m.id = c.member_id where m.line_user_id = ?',
    userId,
  )

describe('text routing: command → keyword rule → FAQ → hand-over', () => {
  it('a command beats a keyword rule, a keyword rule beats the FAQ, the FAQ beats hand-over', async () => {
    await faq(['ポイントの有効期限はいつまでですか', 'ポイントは失効しますか'], 'FAQ: 12か月です')
    const points = await rule('contains', 'ポイント', 'キーワード: ポイントのご案内')
    const user = await friend()

    // 「ポイント」 is a command: the balance, although the keyword rule contains it.
    const [command] = await say(user.userId, 'ポイント')
    expect(command?.message.text).toContain('ポイント')
    expect(command?.message.text).not.toContain('キーワード')

    // Not a command, but the rule contains ポイント (katakana / half width folded): the rule answers.
    const [keyword] = await say(user.userId, 'ﾎﾟｲﾝﾄの有効期限はいつまで？')
    expect(keyword?.message.text).toBe('キーワード: ポイントのご案内')

    // Without the rule the FAQ answers, with the two quick replies.
    expect(
      (await world.api('DELETE', `/api/staff/keyword-rules/${points.id}`, { token: owner.token() }))
        .status,
    ).toBe(204)
    const [answer] = await say(user.userId, 'ポイントの有効期限はいつまで？')
    expect(answer?.message.text).toBe('FAQ: 12か月です')
    expect(answer?.message.quickReply?.items.map((i) => i.action.label)).toEqual([
      '解決した',
      'スタッフに聞く',
    ])
    expect(conversationOf(user.userId)).toEqual([])

    // Nothing answers: hand-over with the business-hours acknowledgement, and a conversation.
    const [ack] = await say(user.userId, '昨日お店に傘を忘れたかもしれません')
    expect(ack?.message.text).toContain('営業時間')
    expect(conversationOf(user.userId)).toEqual([{ status: 'open', open_reason: 'unanswered' }])

    // While staff have the conversation the bot stays quiet, even for an FAQ question…
    await say(user.userId, 'ポイントの有効期限はいつまで？', 0)
    await say(user.userId, 'まだですか？', 0)
    // …but commands still work.
    const [card] = await say(user.userId, '会員証')
    expect(card?.message.type).toBe('template')
  })

  it('keyword rules: exact, contains and a safe regex, on folded text, in priority order', async () => {
    await rule('exact', 'Wi-Fi', 'exact: パスワードはレジ横です')
    await rule('contains', 'ちゅうしゃじょう', 'contains: 駐車場は4台')
    await rule('regex', '^(予約|よやく).*(したい|できる)', 'regex: 予約はお電話で')
    const high = await world.api<KeywordRule>('POST', '/api/staff/keyword-rules', {
      token: owner.token(),
      body: {
        match: 'contains',
        pattern: 'キャンセル',
        reply: [{ type: 'text', text: '{name}さん、キャンセルはお電話で' }],
        priority: 10,
      },
    })
    expect(high.status).toBe(201)
    const user = await friend()

    expect((await say(user.userId, 'ｗｉ－ｆｉ'))[0]?.message.text).toBe(
      'exact: パスワードはレジ横です',
    )
    // exact means the whole message: this one goes on (to the FAQ, then hand-over).
    expect((await say(user.userId, 'Wi-Fiのパスワードは'))[0]?.message.text).toContain('営業時間')
    // (a conversation is now open; keyword rules still answer)
    expect((await say(user.userId, 'チュウシャジョウ ありますか'))[0]?.message.text).toBe(
      'contains: 駐車場は4台',
    )
    expect((await say(user.userId, 'ヨヤク って できる？'))[0]?.message.text).toBe(
      'regex: 予約はお電話で',
    )
    // Priority 10 beats the regex rule created earlier.
    expect((await say(user.userId, '予約をキャンセルしたい'))[0]?.message.text).toBe(
      '花子さん、キャンセルはお電話で',
    )
  })

  it('refuses unsafe regexes at save time with a Japanese reason; a ReDoS pattern runs fast', async () => {
    const refused = await world.api<{ error: { message: string; details: { path: string }[] } }>(
      'POST',
      '/api/staff/keyword-rules',
      {
        token: owner.token(),
        body: { match: 'regex', pattern: '(a)\\1', reply: [{ type: 'text', text: 'x' }] },
      },
    )
    expect(refused.status).toBe(400)
    expect(refused.body.error.message).toContain('この正規表現は使えません')
    expect(refused.body.error.details[0]?.path).toBe('pattern')
    expect(world.count('keyword_rules')).toBe(0)

    // The classic catastrophic pattern is stored but matched in linear time by the safe engine.
    await rule('regex', '(a+)+$', 'redos matched')
    const user = await friend()
    const [reply] = await say(user.userId, `${'a'.repeat(1500)}!`)
    expect(reply?.message.text).toContain('営業時間') // no match → hand-over, promptly
  })

  it('FAQ quick replies: 解決した thanks, スタッフに聞く hands over once, もしかして answers', async () => {
    const hours = await faq(
      ['営業時間を教えてください', '何時まで開いていますか'],
      '8:00〜19:00 です',
    )
    const parking = await faq(['駐車場はありますか'], '4台分あります')
    const user = await friend()

    const [answer] = await say(user.userId, '何時まで開いてますか？')
    expect(answer?.message.text).toBe('8:00〜19:00 です')
    const [solved] = await tap(user.userId, `action=faq_solved&e=${hours.id}`)
    expect(solved?.message.text).toContain('解決してよかった')
    expect(conversationOf(user.userId)).toEqual([])

    const [ack] = await tap(user.userId, `action=ask_staff&e=${hours.id}`)
    expect(ack?.message.text).toContain('営業時間')
    expect(conversationOf(user.userId)).toEqual([{ status: 'open', open_reason: 'ask_staff' }])
    // A second tap does not acknowledge again.
    const [again] = await tap(user.userId, `action=ask_staff&e=${hours.id}`)
    expect(again?.message.text).toContain('担当者にお伝えしています')
    expect(
      world.standIn
        .received(user.userId)
        .filter(
          (r) =>
            r.message.type === 'text' && (r.message as { text: string }).text.includes('営業時間:'),
        ),
    ).toHaveLength(1)

    // A suggestion the member taps answers with that entry.
    const [picked] = await tap(user.userId, `action=faq_pick&e=${parking.id}`)
    expect(picked?.message.text).toBe('4台分あります')
  })

  it('a vague question hands over and offers close entries as もしかして quick replies', async () => {
    const parking = await faq(['駐車場はありますか', '車で行けますか'], '4台分あります')
    const user = await friend()
    const replies = await say(
      user.userId,
      '車でお店の近くまで行ってもいいでしょうか、場所がよくわからなくて',
      2,
    )
    expect(replies[0]?.message.text).toContain('営業時間')
    // The pick carries the recorded question (q), so the member's feedback lands on it.
    expect(replies[1]?.message.quickReply?.items.map((i) => i.action.data)).toEqual([
      expect.stringMatching(new RegExp(`^action=faq_pick&e=${parking.id}&q=\\d+$`)),
    ])
  })
})

describe('staff FAQ and keyword-rule API', () => {
  it('staff read and try, only admins and owners write; bad input is a 400 with nothing stored', async () => {
    const staff = await inviteStaff(world, owner, 'staff')
    const entry = await faq(['駐車場はありますか', '車で行けますか'], '4台分あります')
    expect((await world.api('GET', '/api/staff/faq', { token: staff.token() })).status).toBe(200)
    const denied = await world.api('POST', '/api/staff/faq', {
      token: staff.token(),
      body: { questions: ['a'], answer: 'b' },
    })
    expect(denied.status).toBe(403)

    const tried = await world.api<FaqTryResult>('POST', '/api/staff/faq/try', {
      token: staff.token(),
      body: { text: 'ﾁｭｳｼｬｼﾞｮｳ ありますか？' },
    })
    expect(tried.status).toBe(200)
    expect(tried.body.outcome).toBe('answer')
    expect(tried.body.answer).toMatchObject({ entryId: entry.id, answer: '4台分あります' })
    expect(tried.body.confidence).toBeGreaterThanOrEqual(tried.body.threshold)

    const bad = await world.api<{ error: { details: { path: string; message: string }[] } }>(
      'POST',
      '/api/staff/faq',
      { token: owner.token(), body: { questions: [], answer: '' } },
    )
    expect(bad.status).toBe(400)
    expect(bad.body.error.details.map((d) => d.path)).toEqual(['questions', 'answer'])
    expect(world.count('faq_entries')).toBe(1)

    // Edits apply to the next message: the cached index is rebuilt.
    const user = await friend()
    expect((await say(user.userId, '駐車場ありますか'))[0]?.message.text).toBe('4台分あります')
    const updated = await world.api<FaqEntry>('PUT', `/api/staff/faq/${entry.id}`, {
      token: owner.token(),
      body: { questions: ['駐車場はありますか'], answer: '6台分に増えました' },
    })
    expect(updated.status).toBe(200)
    expect((await say(user.userId, '駐車場ありますか'))[0]?.message.text).toBe('6台分に増えました')
    expect(
      (
        await world.api('PUT', '/api/staff/faq/999', {
          token: owner.token(),
          body: { questions: ['a'], answer: 'b' },
        })
      ).status,
    ).toBe(404)
  })
})
