import { newMemberNumber } from '../members/members.ts'
import { DAY, HOUR, type DemoContext, type Persona } from './demo-context.ts'
import type { CouponBook } from './demo-coupons.ts'
import { reachMember, type DemoBroadcast, type DemoRecipient } from './demo-broadcasts.ts'
import type { DemoJourney, JourneyRows } from './demo-journeys.ts'
import { purchasesOf, type DemoLot, type PurchaseRows } from './demo-purchases.ts'
import { maybeAskByChat } from './demo-support.ts'
import type { DemoSurvey, SurveyRows } from './demo-surveys.ts'
import { visitTimes } from './demo-visits.ts'
import * as text from './demo-texts.ts'

/**
 * The 2,000 LINE friends and their year: who they are, which broadcasts reached them, when they
 * came, what they bought and answered. One guest after the other, each drawing from the one stream.
 */

export interface DemoGuestParts {
  book: CouponBook
  broadcasts: { broadcasts: DemoBroadcast[]; recipients: DemoRecipient[] }
  journey: { journey: DemoJourney; rows: JourneyRows }
  survey: { survey: DemoSurvey; rows: SurveyRows }
  purchases: PurchaseRows
  tierLadder: { id: number; minSpendYen: number }[]
}

export function generateGuests(ctx: DemoContext, count: number, parts: DemoGuestParts) {
  const { rng, now, ids } = ctx
  const { book } = parts
  const members = []
  const profiles = []
  const lots: (DemoLot & { memberId: number })[] = []
  const balances: { memberId: number; balance: number; updatedAt: number }[] = []
  const memberTiers: {
    memberId: number
    tierId: number | null
    spend12mYen: number
    updatedAt: number
  }[] = []
  const usedNumbers = new Set<string>()

  for (let i = 0; i < count; i++) {
    const memberId = ids.member + i + 1
    book.nextMember()
    const guest = guestIdentity(ctx, memberId, usedNumbers)
    const { persona, followedAt, blockedAt } = guest
    members.push(guest.member)
    if (guest.profile) profiles.push(guest.profile)

    // The welcome coupon on following.
    const welcome = book.issue(
      'welcome',
      memberId,
      followedAt,
      'welcome',
      `follow:${followedAt}`,
      `welcome:${guest.member.lineUserId}`,
    )
    const contacted = reachMember(
      ctx,
      parts.broadcasts.broadcasts,
      parts.broadcasts.recipients,
      book,
      { memberId, followedAt, blockedAt, optedOut: guest.marketingChoice === 'out' },
    )
    const visits = visitTimes(ctx, parts.journey, book, parts.broadcasts.broadcasts, {
      memberId,
      persona,
      followedAt,
      blockedAt,
      contacted,
    })

    // Staff presents and referral thanks, now and then.
    if (visits.length >= 8 && rng.chance(0.08)) {
      const at = visits[rng.int(visits.length)]!.at + HOUR
      if (at < now) book.issue('manual', memberId, at, 'manual', null)
    }
    if (visits.length >= 2 && rng.chance(0.04)) {
      const at = visits[1]!.at + 2 * HOUR
      if (at < now) book.issue('referral', memberId, at, 'referral', null)
    }
    const { balance, spent, memberLots } = purchasesOf(ctx, parts.purchases, book, parts.survey, {
      memberId,
      persona,
      blockedAt,
      welcome,
      visits,
    })
    maybeAskByChat(ctx, parts.survey.rows.conversationStarts, memberId, followedAt)
    balances.push({ memberId, balance, updatedAt: visits.at(-1)?.at ?? followedAt })
    for (const lot of memberLots) lots.push({ memberId, ...lot })
    // The rolling 12-month spend (every visit is within the year) and the tier it reaches.
    if (spent > 0)
      memberTiers.push({
        memberId,
        tierId: parts.tierLadder.find((t) => t.minSpendYen <= spent)?.id ?? null,
        spend12mYen: spent,
        updatedAt: now,
      })
  }
  return { members, profiles, lots, balances, memberTiers }
}

/** Who a guest is: persona, when they followed (and blocked), member number, profile, consent. */
function guestIdentity(
  { rng, now, start }: DemoContext,
  memberId: number,
  usedNumbers: Set<string>,
) {
  const hex = () => rng.int(16).toString(16)
  const r = rng.next()
  const persona: Persona =
    r < 0.12
      ? 'never'
      : r < 0.3
        ? 'once'
        : r < 0.55
          ? 'occasional'
          : r < 0.87
            ? 'monthly'
            : 'regular'
  // A quarter came with the friends the shop had when it started using Joren.
  const followedAt = rng.chance(0.25)
    ? start + rng.int(20) * DAY + rng.int(12) * HOUR
    : start + rng.int(363) * DAY + rng.int(24) * HOUR
  const blockedAt = rng.chance(0.07)
    ? Math.min(now - HOUR, followedAt + rng.between(3, 200) * DAY)
    : null
  const lineUserId = `U${Array.from({ length: 32 }, hex).join('')}`
  let memberNumber = newMemberNumber(rng.int)
  while (usedNumbers.has(memberNumber)) memberNumber = newMemberNumber(rng.int)
  usedNumbers.add(memberNumber)
  const choiceR = rng.next()
  const marketingChoice: 'in' | 'out' | null = choiceR < 0.05 ? 'out' : choiceR < 0.15 ? 'in' : null
  const member = {
    id: memberId,
    lineUserId,
    memberNumber,
    displayName: text.displayName(rng),
    language: 'ja',
    followState: blockedAt === null ? ('following' as const) : ('blocked' as const),
    followStateAt: blockedAt ?? followedAt,
    firstFollowedAt: followedAt,
    followedAt,
    blockedAt,
    createdAt: followedAt,
    updatedAt: blockedAt ?? followedAt,
  }
  const profile =
    rng.chance(0.7) || marketingChoice !== null
      ? {
          memberId,
          birthday: `${rng.between(1962, 2005)}-${String(rng.between(1, 12)).padStart(2, '0')}-${String(rng.between(1, 28)).padStart(2, '0')}`,
          gender: rng.pick(['female', 'female', 'female', 'male', 'male', 'unspecified'] as const),
          prefecture: rng.pick(['東京都', '東京都', '東京都', '神奈川県', '埼玉県', '千葉県']),
          interests: JSON.stringify(rng.chance(0.5) ? [rng.pick(['drink', 'sweets', 'food'])] : []),
          marketingConsent: marketingChoice === 'in',
          marketingChoice,
          consentUpdatedAt: marketingChoice === null ? null : followedAt + HOUR,
          updatedAt: followedAt + HOUR,
        }
      : null
  return { persona, followedAt, blockedAt, marketingChoice, member, profile }
}
