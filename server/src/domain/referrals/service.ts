import {
  REFERRAL_REASON_TEXT,
  type MyReferral,
  type MyReferrals,
  type ReferralClaimResult,
  type ReferralSettings,
  type ReferralStats,
  type ReferralStatus,
  type StaffReferralRow,
} from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import { CouponTemplateNotFound } from '../coupons/errors.ts'
import type { DomainEvent } from '../events/events.ts'
import type { EventSubscriber } from '../event-relay/subscribers.ts'
import { liffUrl, type AppLinks } from '../links.ts'
import {
  CLAIM_SETTLE_AFTER_MS,
  REFERRAL_SETTINGS_KEY,
  claimReferral,
  qualify,
  qualifyOnJoin,
  readReferralSettings,
  referralCodeFor,
  reverseReferral,
  settle,
  type ReferralDeps,
} from './referrals.ts'
import type { Referral, StoredReward } from './store.ts'

const view = (reward: StoredReward | null) =>
  reward ? { kind: reward.kind, label: reward.label } : null

function memberStatus(referral: Referral): MyReferral['status'] {
  switch (referral.status) {
    case 'claimed':
      return 'invited'
    case 'joined':
      return 'joined'
    case 'qualified':
    case 'flagged':
      return 'rewarded'
    case 'reversed':
      return 'reversed'
    case 'refused':
      return 'not_eligible'
  }
}

/** What the share card offers, from the newcomer's reward. */
function offerText(settings: ReferralSettings, newcomerReward: string | null): string {
  const when = settings.qualifyOn === 'join' ? '友だち追加とプロフィール登録' : 'はじめてのお買い物'
  return newcomerReward
    ? `${when}で、お友だちに${newcomerReward}をプレゼント。あなたにも特典をお贈りします。`
    : `${when}で、お友だちとあなたに特典をお贈りします。`
}

export interface ReferralServiceDeps extends ReferralDeps {
  links: AppLinks
  shopName(): Promise<string>
}

/**
 * The referral program: the member's code, link and referrals; the newcomer's claim; staff
 * settings, list and figures. The events that move referrals along are `referralSubscriber`'s.
 */
export function createReferralService(deps: ReferralServiceDeps) {
  async function rewardLabelOf(reward: ReferralSettings['newcomerReward']) {
    if (reward.kind === 'points') return `${reward.points.toLocaleString('ja-JP')}ポイント`
    const template = await deps.coupons.findTemplate(reward.templateId)
    return template ? `クーポン「${template.title}」` : null
  }

  return {
    /** The 友だち紹介 screen: code, link, invitation card and the member's referrals. */
    async mine(memberId: number): Promise<MyReferrals> {
      const settings = await readReferralSettings(deps.settings)
      const rows = await deps.referrals.forReferrer(memberId)
      const referrals = rows
        .filter((r) => r.reason !== 'self_referral')
        .map((r) => ({
          id: r.id,
          name: r.newcomerName ?? 'ご招待中の方',
          status: memberStatus(r),
          claimedAt: r.claimedAt,
          qualifiedAt: r.qualifiedAt,
          reward: r.status === 'qualified' ? view(r.referrerReward) : null,
        }))
      const code = settings.enabled ? await referralCodeFor(deps, memberId) : null
      return {
        enabled: settings.enabled,
        code,
        link: code ? liffUrl(deps.links, `referral?code=${code}`) : null,
        offer: offerText(settings, await rewardLabelOf(settings.newcomerReward)),
        card: settings.card,
        shopName: await deps.shopName(),
        referrals,
        rewardedCount: referrals.filter((r) => r.status === 'rewarded').length,
      }
    },

    /** The newcomer's claim, by the verified ID token's user (see claimReferral). */
    claim: (lineUserId: string, code: string): Promise<ReferralClaimResult> =>
      claimReferral(deps, lineUserId, code),

    settings: () => readReferralSettings(deps.settings),

    async updateSettings(actor: StaffActor, next: ReferralSettings): Promise<ReferralSettings> {
      for (const reward of [next.referrerReward, next.newcomerReward])
        if (reward.kind === 'coupon' && !(await deps.coupons.findTemplate(reward.templateId)))
          throw new CouponTemplateNotFound()
      const before = await readReferralSettings(deps.settings)
      await deps.uow.commit([
        deps.settings.putWrite(REFERRAL_SETTINGS_KEY, next, deps.clock.now()),
        deps.uow.audit({
          staffId: actor.id,
          action: 'referral.settings',
          targetType: 'settings',
          targetId: REFERRAL_SETTINGS_KEY,
          before,
          after: next,
        }),
      ])
      return next
    },

    async list(query: { status?: ReferralStatus; limit: number }): Promise<StaffReferralRow[]> {
      const rows = await deps.referrals.list(query)
      return rows.map((r) => ({
        id: r.id,
        referrer: { memberNumber: r.referrerNumber, displayName: r.referrerName },
        newcomer: { memberNumber: r.newcomerNumber, displayName: r.newcomerName },
        status: r.status,
        reason: r.reason,
        reasonText: r.reason ? REFERRAL_REASON_TEXT[r.reason] : null,
        claimedAt: r.claimedAt,
        joinedAt: r.joinedAt,
        qualifiedAt: r.qualifiedAt,
        referrerReward: view(r.referrerReward),
        newcomerReward: view(r.newcomerReward),
      }))
    },

    /** Totals, top referrers and conversions per month over the last 12 months. */
    stats(): Promise<ReferralStats> {
      return deps.referrals.stats({
        since: deps.clock.now() - 366 * 24 * 60 * 60_000,
        timeZone: deps.timeZone,
        top: 10,
      })
    },
  }
}

export type ReferralService = ReturnType<typeof createReferralService>

/**
 * Moves referrals along on domain events (at least once; every step is conditional, so a replay
 * changes nothing): `member.followed` settles the newcomer's claim (joined or refused) and, in
 * 'join' mode, qualifies it; `purchase.recorded` qualifies in 'first_purchase' mode;
 * `purchase.refunded` reverses a referral that purchase qualified. Starts at the latest event: it
 * messages members and must not act on history from before the program existed.
 */
export function referralSubscriber(deps: ReferralDeps): EventSubscriber {
  return {
    name: 'referrals',
    types: ['member.followed', 'purchase.recorded', 'purchase.refunded'],
    startAt: 'latest',
    async handle(event: DomainEvent) {
      if (event.memberId === null) return
      switch (event.type) {
        case 'member.followed': {
          const member = await deps.referrals.member(event.memberId)
          if (!member) return
          const claim = await deps.referrals.liveClaim(member.lineUserId)
          if (!claim) return
          await qualifyOnJoin(deps, await settle(deps, claim))
          return
        }
        case 'purchase.recorded': {
          const referral = await deps.referrals.liveForNewcomer(event.memberId)
          if (referral?.status !== 'joined') return
          const settings = await readReferralSettings(deps.settings)
          if (settings.qualifyOn !== 'first_purchase') return
          await qualify(deps, referral, event.data.purchaseId)
          return
        }
        case 'purchase.refunded': {
          const referral = await deps.referrals.byPurchase(event.data.purchaseId)
          if (referral?.status === 'qualified') await reverseReferral(deps, referral)
          return
        }
        default:
          return
      }
    },
  }
}

/**
 * The periodic pass: claims whose user became a member without a new follow (a friend from before
 * Joren, onboarded on sight) are settled, and joined newcomers who have since saved their profile
 * qualify in 'join' mode.
 */
export async function runReferralUpkeep(deps: ReferralDeps): Promise<number> {
  let done = 0
  const stale = await deps.referrals.claimsWithMember(deps.clock.now() - CLAIM_SETTLE_AFTER_MS, 100)
  for (const claim of stale) {
    await settle(deps, claim)
    done++
  }
  const settings = await readReferralSettings(deps.settings)
  if (settings.enabled && settings.qualifyOn === 'join') {
    for (const referral of await deps.referrals.joinedWithProfile(100)) {
      await qualifyOnJoin(deps, referral)
      done++
    }
  }
  return done
}
