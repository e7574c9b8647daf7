import type { CouponView, MemberContext, MemberDetail } from '@joren/shared'
import { effectiveState } from '../coupons/coupons.ts'
import { ConversationNotFound } from './errors.ts'
import { readableAnswers } from './survey-answers.ts'

/** A member's newest survey responses with the questions (JSON) of the version they answered. */
export interface SurveyResponseRow {
  responseId: number
  surveyTitle: string
  submittedAt: number
  npsScore: number | null
  lowScore: boolean
  answers: string
  questions: string
}

/**
 * What the context beside a thread reads, from the features that own it (member directory,
 * points, tiers and purchases, coupons, surveys). Each is one read of its own store.
 */
export interface MemberContextSources {
  directory: { detail(memberNumber: string): Promise<(MemberDetail & { id: number }) | null> }
  points: { balance(memberId: number, now: number): Promise<number> }
  loyalty: {
    memberTier(memberId: number): Promise<{ tierId: number | null } | null>
    tiers(): Promise<{ id: number; name: string }[]>
    listPurchases(query: { memberId: number; limit: number }): Promise<
      {
        id: number
        amountYen: number
        purchasedAt: number
        store: string | null
        status: string
      }[]
    >
  }
  coupons: { listForMember(memberId: number): Promise<CouponView[]> }
  surveys: { responsesOf(memberId: number, limit: number): Promise<SurveyResponseRow[]> }
}

const PURCHASES_SHOWN = 5
const SURVEYS_SHOWN = 5

/**
 * The member beside a conversation's thread: who they are, tier, points, recent purchases,
 * coupons they hold, survey answers (readable), tags and notes.
 */
export async function memberContext(
  sources: MemberContextSources,
  conversation: { memberId: number; memberNumber: string },
  now: number,
): Promise<MemberContext> {
  const { memberId } = conversation
  const [detail, balance, tierRow, tiers, purchases, coupons, surveys] = await Promise.all([
    sources.directory.detail(conversation.memberNumber),
    sources.points.balance(memberId, now),
    sources.loyalty.memberTier(memberId),
    sources.loyalty.tiers(),
    sources.loyalty.listPurchases({ memberId, limit: PURCHASES_SHOWN }),
    sources.coupons.listForMember(memberId),
    sources.surveys.responsesOf(memberId, SURVEYS_SHOWN),
  ])
  if (!detail) throw new ConversationNotFound()
  const tier = tiers.find((t) => t.id === tierRow?.tierId) ?? null
  return {
    member: {
      id: memberId,
      memberNumber: detail.memberNumber,
      displayName: detail.displayName,
      pictureUrl: detail.pictureUrl,
      language: detail.language,
      followState: detail.followState,
      followedAt: detail.followedAt,
    },
    tier: tier ? { name: tier.name } : null,
    pointsBalance: balance,
    purchases: purchases.map((p) => ({
      id: p.id,
      amountYen: p.amountYen,
      purchasedAt: p.purchasedAt,
      store: p.store,
      status: p.status,
    })),
    coupons: coupons
      .map((coupon) => effectiveState(coupon, now))
      .filter((coupon) => coupon.state === 'issued')
      .map((coupon) => ({ id: coupon.id, title: coupon.title, expiresAt: coupon.expiresAt })),
    surveys: surveys.map((s) => ({
      responseId: s.responseId,
      surveyTitle: s.surveyTitle,
      submittedAt: s.submittedAt,
      npsScore: s.npsScore,
      lowScore: s.lowScore,
      answers: readableAnswers(s.questions, s.answers),
    })),
    tags: detail.tags,
    notes: detail.notes,
  }
}
