import type { RowRef } from '../rows.ts'

/**
 * Business events, recorded in the same atomic batch as the change they describe (a transactional
 * outbox) and consumed after commit by subscribers (the welcome coupon today; journeys, referral
 * and KPI rollups next). They carry internal IDs and figures only — never a name, a LINE user ID
 * or free text — so erasing a member's personal data never has to rewrite them. Per-message
 * delivery state stays in the message outbox, not here.
 */
export interface DomainEventData {
  /** A follow (or re-follow) that changed the member's state; standby: a module owns the chat. */
  'member.followed': {
    firstFollow: boolean
    refollow: boolean
    standby: boolean
    /** LINE's `follow.isUnblocked`: the user had blocked the account before (set only when true). */
    unblocked?: boolean
  }
  'member.unfollowed': Record<string, never>
  'purchase.recorded': {
    purchaseId: number | RowRef
    amountYen: number
    source: 'register' | 'api' | 'csv'
    purchasedAt: number
    pointsGranted: number
  }
  'purchase.refunded': { purchaseId: number; amountYen: number; pointsReversed: number }
  'points.granted': {
    points: number
    kind: 'grant' | 'adjust'
    purchaseId: number | RowRef | null
    expiresAt: number | null
  }
  /**
   * Points taken from the member's lots by a member's coupon exchange ('redeem', with the coupon
   * issued in the same commit) or a staff adjustment below zero ('adjust'). `points` is the
   * amount taken (> 0). A refund's reversal is not a spend: it is `purchase.refunded`'s
   * `pointsReversed`.
   */
  'points.spent': { points: number; kind: 'redeem' | 'adjust'; couponId: number | RowRef | null }
  'points.expired': { points: number; lots: number }
  'tier.changed': {
    fromTierId: number | null
    toTierId: number | null
    direction: 'up' | 'down'
    spend12mYen: number
  }
  /** Staff replaced the tiers (names, thresholds); about the shop, not a member. */
  'loyalty.tiers_changed': { tiers: number }
  'coupon.issued': {
    couponId: number | RowRef
    templateId: number
    source: string
    expiresAt: number
  }
  'coupon.redeemed': { couponId: number; templateId: number; via: 'staff_scan' | 'member_confirm' }
  'survey.answered': {
    surveyId: number
    responseId: number | RowRef
    /** The lowest NPS (0–10) or rating (1–5) answer, when the survey asks one. */
    npsScore: number | null
    ratingScore: number | null
  }
  'conversation.opened': { conversationId: number | RowRef; reason: string }
  'broadcast.chunk_accepted': { broadcastId: number; chunkId: number; recipients: number }
  /** A referral qualified: both rewards issued in the same commit (member: the newcomer). */
  'referral.qualified': {
    referralId: number
    referrerMemberId: number
    purchaseId: number | null
  }
  /** A qualified referral's purchase was refunded: rewards taken back, or flagged when used. */
  'referral.reversed': { referralId: number; outcome: 'reversed' | 'flagged' }
}

export type DomainEventType = keyof DomainEventData

export const DOMAIN_EVENT_TYPES = [
  'member.followed',
  'member.unfollowed',
  'purchase.recorded',
  'purchase.refunded',
  'points.granted',
  'points.spent',
  'points.expired',
  'tier.changed',
  'loyalty.tiers_changed',
  'coupon.issued',
  'coupon.redeemed',
  'survey.answered',
  'conversation.opened',
  'broadcast.chunk_accepted',
  'referral.qualified',
  'referral.reversed',
] as const satisfies readonly DomainEventType[]

/** Row references resolved: what a subscriber reads back. */
type Resolved<T> = { [K in keyof T]: Exclude<T[K], RowRef> }

/** An event as stored: IDs are assigned in commit order, so a cursor over them misses nothing. */
export type DomainEvent<T extends DomainEventType = DomainEventType> = {
  [K in T]: {
    id: number
    type: K
    memberId: number | null
    data: Resolved<DomainEventData[K]>
    /** When it happened in the business (e.g. the follow's timestamp). */
    occurredAt: number
    recordedAt: number
  }
}[T]

/** An event to record with a change. */
export type NewDomainEvent<T extends DomainEventType = DomainEventType> = {
  [K in T]: {
    type: K
    memberId: number | RowRef | null
    data: DomainEventData[K]
    occurredAt: number
    /** Recorded once per key (a replayed command records nothing new). */
    dedupeKey?: string
  }
}[T]
