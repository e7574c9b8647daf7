import { ComposerMessagesSchema } from '@joren/shared'
import { localDate } from '../loyalty/dates.ts'
import { startOfDayInZone } from '../time.ts'
import { DAY, HOLDOUT, HOUR, type DemoContext } from './demo-context.ts'
import type { CouponBook, DemoTemplates } from './demo-coupons.ts'
import * as text from './demo-texts.ts'

/** The year's broadcasts (10 % held out each) and who they reached. */

export interface DemoRecipient {
  broadcastId: number
  memberId: number
  holdout: boolean
  status: 'sent' | 'holdout'
}

/** The broadcasts: the last occurrence of each date before today. */
export function demoBroadcasts({ now, timeZone, ids }: DemoContext, { templateId }: DemoTemplates) {
  const broadcastPlan = text.BROADCASTS.map((b) => {
    let year = Number(localDate(now, timeZone).slice(0, 4))
    let at = startOfDayInZone(`${year}-${b.date}`, timeZone) + b.hour * HOUR
    if (at > now - 2 * DAY) {
      year -= 1
      at = startOfDayInZone(`${year}-${b.date}`, timeZone) + b.hour * HOUR
    }
    return { ...b, at }
  }).sort((a, b) => a.at - b.at)
  return broadcastPlan.map((b, i) => ({
    id: ids.broadcast + i + 1,
    title: b.title,
    messages: JSON.stringify(
      ComposerMessagesSchema.parse([
        { type: 'text', text: b.text },
        ...(b.coupon ? [{ type: 'coupon', templateId: templateId.broadcast }] : []),
      ]),
    ),
    audience: JSON.stringify({ kind: 'all' }),
    status: 'done' as const,
    scheduledAt: b.at,
    holdoutPercent: 10,
    attributionDays: 7,
    couponTemplateId: b.coupon ? templateId.broadcast : null,
    recipientCount: 0,
    createdAt: b.at - DAY,
    updatedAt: b.at + 5 * 60_000,
    startedAt: b.at,
    finishedAt: b.at + 5 * 60_000,
  }))
}
export type DemoBroadcast = ReturnType<typeof demoBroadcasts>[number]

/**
 * Which broadcasts reach a member (following then, not opted out) and who is held out; those
 * contacted get the broadcast's coupon. Returns the IDs of the broadcasts that contacted them.
 */
export function reachMember(
  { rng }: DemoContext,
  broadcasts: DemoBroadcast[],
  recipients: DemoRecipient[],
  book: CouponBook,
  member: { memberId: number; followedAt: number; blockedAt: number | null; optedOut: boolean },
): Set<number> {
  const { memberId, followedAt, blockedAt } = member
  const contacted = new Set<number>()
  for (const b of broadcasts) {
    const start = b.startedAt
    if (followedAt > start || (blockedAt !== null && blockedAt <= start) || member.optedOut)
      continue
    const holdout = rng.chance(HOLDOUT)
    recipients.push({
      broadcastId: b.id,
      memberId,
      holdout,
      status: holdout ? 'holdout' : 'sent',
    })
    if (!holdout) {
      contacted.add(b.id)
      if (b.couponTemplateId !== null)
        book.issue('broadcast', memberId, start, 'broadcast', `broadcast:${b.id}`)
    }
  }
  return contacted
}

export function countRecipients(broadcasts: DemoBroadcast[], recipients: DemoRecipient[]) {
  for (const b of broadcasts)
    b.recipientCount = recipients.filter((r) => r.broadcastId === b.id).length
}
