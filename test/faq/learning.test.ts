import type {
  FaqApplyStarterResult,
  FaqEntry,
  FaqStarterSets,
  FaqFiguresList,
  FaqLearnResult,
  FaqMemberAsks,
  FaqUnansweredList,
} from '@joren/shared'
import { beforeEach, describe, expect, it } from 'vitest'
import { claimOwner, inviteStaff, TestClock, useWorld } from '../auth/world.ts'
import { eventually } from '../support/joren-node.ts'

/**
 * The chat path and the bot learning from staff (issue 16), end to end on Node: the stand-in
 * delivers signed webhooks, the product answers through the reply API, staff teach it through
 * /api/staff/faq-learning, and the next identical question is answered.
 */
const clock = new TestClock()
const world = useWorld(clock)

type QuickReply = { items: { action: { label: string; data: string } }[] }
type Received = { via: string; message: { type: string; text?: string; quickReply?: QuickReply } }

let owner: Awaited<ReturnType<typeof claimOwner>>

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

async function friend(name = '花子') {
  const user = await world.member(name)
  await eventually(() => expect(world.standIn.received(user.userId).length).toBe(2))
  const [row] = world.joren.rows<{ id: number }>(
    'select id from members where line_user_id = ?',
    user.userId,
  )
  return { ...user, memberId: row!.id }
}

/** Sends a text; returns what the bot sent for it once the event is processed (at least one). */
async function say(userId: string, text: string): Promise<Received[]> {
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
    const queued = world.joren.rows<{ n: number }>(
      "select count(*) as n from outbox where dedupe_key like ? and status != 'sent'",
      `event:${eventId}:%`,
    )
    expect(queued[0]?.n).toBe(0)
    expect(world.standIn.received(userId).length).toBeGreaterThan(before)
    // The first FAQ message of the process loads the analyser (~1 s of CPU; more on a busy machine).
  }, 30_000)
  return world.standIn.received(userId).slice(before) as unknown as Received[]
}

async function tap(userId: string, data: string, n = 1): Promise<Received[]> {
  const before = world.standIn.received(userId).length
  await world.standIn.postback(userId, data)
  await eventually(() => expect(world.standIn.received(userId).length).toBe(before + n))
  return world.standIn.received(userId).slice(before) as unknown as Received[]
}

const quick = (r: Received | undefined, label: string) =>
  r?.message.quickReply?.items.find((i) => i.action.label === label)?.action.data ?? ''

const asks = () =>
  world.joren.rows<{
    id: number
    text: string
    outcome: string
    entry_id: number | null
    feedback: string | null
    learned_entry_id: number | null
  }>('select id, text, outcome, entry_id, feedback, learned_entry_id from faq_asks order by id')

describe('FAQ chat path and learning from staff', () => {
  it('answers by reply token; hands over with the acknowledgement; staff add the question as a phrasing or a new entry, and the same question answers next time', async () => {
    const parking = await faq(
      ['駐車場はありますか', '車で行っても大丈夫ですか'],
      '店舗前に3台分の駐車場がございます。',
    )
    await faq(['営業時間を教えてください', '何時まで開いていますか'], '9:00〜18:00 です。')
    const user = await friend()

    // Answerable: the entry's answer, by the event's reply token (free), with feedback buttons.
    const [answer] = await say(user.userId, '駐車場ってありますか？')
    expect(answer).toMatchObject({ via: 'reply', message: { text: parking.answer } })
    expect(quick(answer, '解決した')).toMatch(/^action=faq_solved&e=\d+&q=\d+$/)

    // Unanswerable: the hand-over acknowledgement (business hours), by reply token.
    const [ack] = await say(user.userId, 'パーキングチケットの割引はもらえますか')
    expect(ack?.via).toBe('reply')
    expect(ack?.message.text).toContain('営業時間')
    expect(asks().map((a) => a.outcome)).toEqual(['answered', 'handed_over'])

    // Staff answer in the inbox, then teach the bot with one click.
    const listed = await world.api<FaqMemberAsks>(
      'GET',
      `/api/staff/faq-learning/asks?memberId=${user.memberId}`,
      { token: owner.token() },
    )
    expect(listed.body.asks.map((a) => a.text)).toEqual(['パーキングチケットの割引はもらえますか'])
    const askId = listed.body.asks[0]!.id
    const learned = await world.api<FaqLearnResult>(
      'POST',
      `/api/staff/faq-learning/asks/${askId}/add-to-entry`,
      { token: owner.token(), body: { entryId: parking.id } },
    )
    expect(learned.status).toBe(200)
    expect(learned.body.entry.questions).toEqual([
      ...parking.questions,
      'パーキングチケットの割引はもらえますか',
    ])
    expect(learned.body.learned).toBe(1)
    expect(asks()[1]).toMatchObject({ learned_entry_id: parking.id })
    const audit = world.joren.rows<{ action: string; target_id: string }>(
      "select action, target_id from audit_log where action = 'faq.learn_phrasing'",
    )
    expect(audit).toEqual([{ action: 'faq.learn_phrasing', target_id: String(parking.id) }])

    // Close the conversation so the bot answers again, then ask the same question.
    const [conversation] = world.joren.rows<{ id: number }>(
      'select id from conversations where member_id = ?',
      user.memberId,
    )
    const closed = await world.api(
      'PUT',
      `/api/staff/inbox/conversations/${conversation!.id}/status`,
      {
        token: owner.token(),
        body: { status: 'closed' },
      },
    )
    expect(closed.status).toBe(200)
    const [taught] = await say(user.userId, 'パーキングチケットの割引はもらえますか')
    expect(taught).toMatchObject({ via: 'reply', message: { text: parking.answer } })

    // A question no entry covers becomes a new entry with the staff reply as its answer.
    const other = await friend('次郎')
    await say(other.userId, 'ヘッドスパのメニューはありますか')
    const [headSpa] = (
      await world.api<FaqMemberAsks>(
        'GET',
        `/api/staff/faq-learning/asks?memberId=${other.memberId}`,
        { token: owner.token() },
      )
    ).body.asks
    const created = await world.api<FaqLearnResult>(
      'POST',
      `/api/staff/faq-learning/asks/${headSpa!.id}/new-entry`,
      { token: owner.token(), body: { answer: 'ヘッドスパは 30 分 3,300 円です。' } },
    )
    expect(created.status).toBe(201)
    expect(created.body.entry).toMatchObject({
      questions: ['ヘッドスパのメニューはありますか'],
      answer: 'ヘッドスパは 30 分 3,300 円です。',
    })
    const [otherConversation] = world.joren.rows<{ id: number }>(
      'select id from conversations where member_id = ?',
      other.memberId,
    )
    await world.api('PUT', `/api/staff/inbox/conversations/${otherConversation!.id}/status`, {
      token: owner.token(),
      body: { status: 'closed' },
    })
    const [spa] = await say(other.userId, 'ヘッドスパのメニューはありますか')
    expect(spa).toMatchObject({
      via: 'reply',
      message: { text: 'ヘッドスパは 30 分 3,300 円です。' },
    })
  })

  it('stores 解決した / スタッフに聞く per entry and shows the figures; a forged q changes nothing', async () => {
    const hours = await faq(
      ['営業時間を教えてください', '何時まで開いていますか'],
      '9:00〜18:00 です。',
    )
    const user = await friend()
    const intruder = await friend('三郎')
    const [first] = await say(user.userId, '営業時間を教えてください')
    await tap(user.userId, quick(first, '解決した'))
    const [second] = await say(user.userId, '何時まで開いていますか？')
    // Another member replaying this member's question ID: no feedback recorded for it.
    await tap(intruder.userId, quick(second, '解決した'))
    await tap(user.userId, quick(second, 'スタッフに聞く'))
    expect(asks().map((a) => a.feedback)).toEqual(['resolved', 'escalated'])

    const figures = await world.api<FaqFiguresList>('GET', '/api/staff/faq-learning/figures', {
      token: owner.token(),
    })
    expect(figures.status).toBe(200)
    expect(figures.body.figures).toEqual([
      { entryId: hours.id, answered: 2, resolved: 1, escalated: 1 },
    ])
  })

  it('groups unanswered questions by similarity, most asked first; dismissing takes them off', async () => {
    await faq(['営業時間を教えてください'], '9:00〜18:00 です。')
    const questions = [
      ['花子', 'ヘッドスパはありますか'],
      ['次郎', 'ヘッドスパってありますか？'],
      ['三郎', 'ヘッドスパやってますか'],
      ['四郎', '求人の募集はしていますか'],
    ] as const
    for (const [name, text] of questions) {
      const user = await friend(name)
      await say(user.userId, text)
    }
    const list = await world.api<FaqUnansweredList>('GET', '/api/staff/faq-learning/unanswered', {
      token: owner.token(),
    })
    expect(list.status).toBe(200)
    expect(list.body.total).toBe(4)
    expect(list.body.groups.map((g) => [g.count, g.members])).toEqual([
      [3, 3],
      [1, 1],
    ])
    expect(list.body.groups[0]!.text).toContain('ヘッドスパ')
    expect(list.body.groups[1]!.text).toBe('求人の募集はしていますか')

    const dismissed = await world.api<{ dismissed: number }>(
      'POST',
      '/api/staff/faq-learning/asks/dismiss',
      { token: owner.token(), body: { askIds: list.body.groups[1]!.asks.map((a) => a.id) } },
    )
    expect(dismissed.body.dismissed).toBe(1)
    const after = await world.api<FaqUnansweredList>('GET', '/api/staff/faq-learning/unanswered', {
      token: owner.token(),
    })
    expect(after.body.groups.map((g) => g.count)).toEqual([3])
  })

  it('roles and input: staff read, only admins and owners teach; bad input is a 4xx with nothing changed', async () => {
    const entry = await faq(['営業時間を教えてください'], '9:00〜18:00 です。')
    const user = await friend()
    await say(user.userId, 'ヘッドスパはありますか')
    const [ask] = asks()
    const staff = await inviteStaff(world, owner, 'staff')
    const admin = await inviteStaff(world, owner, 'admin')

    for (const path of ['/unanswered', '/figures', `/asks?memberId=${user.memberId}`])
      expect(
        (await world.api('GET', `/api/staff/faq-learning${path}`, { token: staff.token() })).status,
      ).toBe(200)
    const denied = await world.api('POST', `/api/staff/faq-learning/asks/${ask!.id}/add-to-entry`, {
      token: staff.token(),
      body: { entryId: entry.id },
    })
    expect(denied.status).toBe(403)
    const deniedDismiss = await world.api('POST', '/api/staff/faq-learning/asks/dismiss', {
      token: staff.token(),
      body: { askIds: [ask!.id] },
    })
    expect(deniedDismiss.status).toBe(403)

    const bad = await world.api<{ error: { details: { path: string }[] } }>(
      'POST',
      `/api/staff/faq-learning/asks/${ask!.id}/add-to-entry`,
      { token: admin.token(), body: { entryId: 'x' } },
    )
    expect(bad.status).toBe(400)
    expect(bad.body.error.details.map((d) => d.path)).toEqual(['entryId'])
    const noAnswer = await world.api('POST', `/api/staff/faq-learning/asks/${ask!.id}/new-entry`, {
      token: admin.token(),
      body: { answer: '  ' },
    })
    expect(noAnswer.status).toBe(400)
    const missingAsk = await world.api('POST', '/api/staff/faq-learning/asks/999/add-to-entry', {
      token: admin.token(),
      body: { entryId: entry.id },
    })
    expect(missingAsk.status).toBe(404)
    const missingEntry = await world.api(
      'POST',
      `/api/staff/faq-learning/asks/${ask!.id}/add-to-entry`,
      { token: admin.token(), body: { entryId: 999 } },
    )
    expect(missingEntry.status).toBe(404)
    expect(world.count('faq_entries')).toBe(1)
    expect(asks()[0]).toMatchObject({ learned_entry_id: null })
    expect(
      world.joren.rows(
        "select 1 from audit_log where action like 'faq.learn%' or action = 'faq.dismiss_unanswered'",
      ),
    ).toEqual([])

    const ok = await world.api<FaqLearnResult>(
      'POST',
      `/api/staff/faq-learning/asks/${ask!.id}/add-to-entry`,
      { token: admin.token(), body: { entryId: entry.id } },
    )
    expect(ok.status).toBe(200)
    // Teaching twice does not add the phrasing twice.
    const again = await world.api<FaqLearnResult>(
      'POST',
      `/api/staff/faq-learning/asks/${ask!.id}/add-to-entry`,
      { token: admin.token(), body: { entryId: entry.id } },
    )
    expect(again.body.entry.questions).toEqual([
      '営業時間を教えてください',
      'ヘッドスパはありますか',
    ])
  })

  it('starter sets: staff see them, admins add the picked entries switched off, once; they answer only when switched on', async () => {
    const staff = await inviteStaff(world, owner, 'staff')
    const sets = await world.api<FaqStarterSets>('GET', '/api/staff/faq-starter', {
      token: staff.token(),
    })
    expect(sets.status).toBe(200)
    expect(sets.body.sets.map((s) => s.type)).toEqual([
      'cafe',
      'salon',
      'apparel',
      'bakery',
      'restaurant',
    ])
    const denied = await world.api('POST', '/api/staff/faq-starter/cafe', {
      token: staff.token(),
      body: { keys: ['hours'] },
    })
    expect(denied.status).toBe(403)
    expect(
      (
        await world.api('POST', '/api/staff/faq-starter/florist', {
          token: owner.token(),
          body: { keys: ['hours'] },
        })
      ).status,
    ).toBe(404)
    expect(
      (
        await world.api('POST', '/api/staff/faq-starter/cafe', {
          token: owner.token(),
          body: { keys: [] },
        })
      ).status,
    ).toBe(400)
    expect(world.count('faq_entries')).toBe(0)

    const added = await world.api<FaqApplyStarterResult>('POST', '/api/staff/faq-starter/cafe', {
      token: owner.token(),
      body: { keys: ['hours', 'parking'] },
    })
    expect(added.status).toBe(201)
    expect(added.body.created.map((e) => [e.questions[0], e.enabled])).toEqual([
      ['営業時間を教えてください', false],
      ['駐車場はありますか', false],
    ])
    const again = await world.api<FaqApplyStarterResult>('POST', '/api/staff/faq-starter/cafe', {
      token: owner.token(),
      body: { keys: ['hours', 'parking'] },
    })
    expect(again.body).toEqual({ created: [], skipped: 2 })
    expect(world.count('faq_entries')).toBe(2)

    // Switched off: the 【】 placeholder never reaches a customer.
    const user = await friend()
    const [ack] = await say(user.userId, '営業時間を教えてください')
    expect(ack?.message.text).not.toContain('【')
    const hours = added.body.created[0]!
    const edited = await world.api<FaqEntry>('PUT', `/api/staff/faq/${hours.id}`, {
      token: owner.token(),
      body: { questions: hours.questions, answer: '営業時間は 9:00〜18:00 です。', enabled: true },
    })
    expect(edited.status).toBe(200)
    const [conversation] = world.joren.rows<{ id: number }>(
      'select id from conversations where member_id = ?',
      user.memberId,
    )
    await world.api('PUT', `/api/staff/inbox/conversations/${conversation!.id}/status`, {
      token: owner.token(),
      body: { status: 'closed' },
    })
    const [answer] = await say(user.userId, '営業時間を教えてください')
    expect(answer?.message.text).toBe('営業時間は 9:00〜18:00 です。')
  })
})
