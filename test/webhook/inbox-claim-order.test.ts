import { parseWebhookEvent } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { createInboxRepository } from '../../server/src/db/repositories/inbox-repository.ts'
import { toInboxRow } from '../../server/src/domain/webhook/inbox.ts'
import { REPLY_TOKEN_TTL_MS } from '../../server/src/domain/webhook/handle-event.ts'
import { memoryDatabase } from '../support/memory-db.ts'

/**
 * The inbox's claim under a backlog: events whose reply token is still fresh go first, the one
 * expiring first first, so an answer that can still be a free reply does not wait behind one that
 * will be pushed anyway — but never ahead of an older event of the same member.
 */

const NOW = 1_800_000_000_000
const LEASE = 60_000
const FRESH_AFTER = NOW - REPLY_TOKEN_TTL_MS
const userOf = (name: string) => `U${name.padEnd(32, '0')}`

function textEvent(id: string, user: string, at: number, redelivery = false) {
  const raw = {
    type: 'message',
    mode: 'active',
    timestamp: at,
    source: { type: 'user', userId: userOf(user) },
    webhookEventId: id,
    deliveryContext: { isRedelivery: redelivery },
    replyToken: `token-${id}`,
    message: { id: `m-${id}`, type: 'text', text: 'ポイント', quoteToken: `q-${id}` },
  }
  const parsed = parseWebhookEvent(raw)
  if (!parsed.success) throw new Error(`test event ${id} does not parse`)
  return toInboxRow(parsed.event, raw)
}

/** Stores each event as received at its own event time (LINE delivers within a moment). */
async function inboxWith(events: ReturnType<typeof textEvent>[]) {
  const { db, sqlite } = memoryDatabase()
  const inbox = createInboxRepository(db)
  for (const event of events) await inbox.store([event], event.eventAt)
  return { inbox, sqlite }
}

const ids = (claimed: { eventId: string }[]) => claimed.map((c) => c.eventId)

describe('the inbox claim under a backlog', () => {
  it('takes fresh reply tokens first, the one expiring first first, then the rest in order', async () => {
    const { inbox, sqlite } = await inboxWith([
      textEvent('stale-a', 'a', NOW - 70_000),
      textEvent('stale-b', 'b', NOW - 60_000),
      textEvent('fresh-c', 'c', NOW - 30_000),
      textEvent('fresh-d', 'd', NOW - 10_000),
    ])
    const options = { freshAfter: FRESH_AFTER }
    expect(ids(await inbox.claimDue(NOW, 1, LEASE, options))).toEqual(['fresh-c'])
    expect(ids(await inbox.claimDue(NOW, 2, LEASE, options))).toEqual(['stale-a', 'fresh-d'])
    expect(ids(await inbox.claimDue(NOW, 5, LEASE, options))).toEqual(['stale-b'])
    expect(ids(await inbox.claimDue(NOW, 5, LEASE, options))).toEqual([])
    expect(
      sqlite.prepare("select count(*) as n from webhook_events where status = 'processing'").get(),
    ).toEqual({ n: 4 })
  })

  it("keeps a member's events in order: a fresh one waits behind the member's older pending one", async () => {
    const { inbox } = await inboxWith([
      textEvent('a-old', 'a', NOW - 70_000),
      textEvent('b-old', 'b', NOW - 65_000),
      textEvent('a-new', 'a', NOW - 20_000),
      textEvent('c-new', 'c', NOW - 10_000),
    ])
    const options = { freshAfter: FRESH_AFTER }
    // a-new is fresh, but a-old of the same member still waits: only c-new goes ahead.
    expect(ids(await inbox.claimDue(NOW, 1, LEASE, options))).toEqual(['c-new'])
    expect(ids(await inbox.claimDue(NOW, 1, LEASE, options))).toEqual(['a-old'])
    // a-old is taken (in progress): a-new may now go ahead of b-old.
    expect(ids(await inbox.claimDue(NOW, 1, LEASE, options))).toEqual(['a-new'])
    expect(ids(await inbox.claimDue(NOW, 1, LEASE, options))).toEqual(['b-old'])
  })

  it('never puts a redelivery first (its token is stale) and claims in arrival order without freshAfter', async () => {
    const events = [
      textEvent('stale', 'a', NOW - 70_000),
      textEvent('redelivered', 'b', NOW - 5_000, true),
      textEvent('fresh', 'c', NOW - 1_000),
    ]
    const first = await inboxWith(events)
    expect(ids(await first.inbox.claimDue(NOW, 1, LEASE, { freshAfter: FRESH_AFTER }))).toEqual([
      'fresh',
    ])
    expect(ids(await first.inbox.claimDue(NOW, 1, LEASE, { freshAfter: FRESH_AFTER }))).toEqual([
      'stale',
    ])
    const second = await inboxWith(events)
    expect(ids(await second.inbox.claimDue(NOW, 1, LEASE))).toEqual(['stale'])
    expect(ids(await second.inbox.claimDue(NOW, 5, LEASE))).toEqual(['redelivered', 'fresh'])
  })
})
