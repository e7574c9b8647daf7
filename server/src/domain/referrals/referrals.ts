import {
  REFERRAL_CODE_ALPHABET,
  REFERRAL_CODE_LENGTH,
  ReferralSettingsSchema,
  type ReferralClaimResult,
  type ReferralReason,
  type ReferralReward,
  type ReferralSettings,
} from '@joren/shared'
import { assertIssuable, expiryFor, type CouponRepository } from '../coupons/coupons.ts'
import { newCouponShortCode } from '../coupons/short-code.ts'
import { constraintFailure } from '../coupons/errors.ts'
import { DomainError } from '../errors.ts'
import { localDate, pointsExpiryAt } from '../loyalty/dates.ts'
import { pointsGrantedEvent } from '../loyalty/ledger.ts'
import { NotEnoughPoints, type PointsRepository } from '../loyalty/points.ts'
import { readEarningRule } from '../loyalty/rules.ts'
import type { OutboxRepository } from '../messaging/outbox.ts'
import type { Clock, Ids, Logger } from '../ports.ts'
import type { SettingsStore } from '../shop/settings.ts'
import type { UnitOfWork, Write } from '../unit-of-work.ts'
import {
  CLAIM_TEXT,
  CLAIM_TEXT_JOIN_MODE,
  SELF_REFERRAL_TEXT,
  newcomerMessage,
  referrerMessage,
} from './messages.ts'
import type { Referral, ReferralMember, ReferralStore, StoredReward } from './store.ts'

export const REFERRAL_SETTINGS_KEY = 'referral_program'

export const DEFAULT_REFERRAL_SETTINGS: ReferralSettings = {
  enabled: false,
  qualifyOn: 'first_purchase',
  referrerReward: { kind: 'points', points: 300 },
  newcomerReward: { kind: 'points', points: 300 },
  monthlyCap: 10,
  notify: true,
  card: {
    title: 'お友だち紹介',
    text: 'このリンクから友だち追加すると、はじめてのお買い物で特典がもらえます。',
    imageUrl: null,
  },
}

/**
 * A follow may come just before the claim (LINE's add-friend option on the consent screen): it
 * still counts when it happened at most this long before the claim and was a brand-new follow.
 */
export const FOLLOW_BEFORE_CLAIM_MS = 30 * 60_000

/** Claims whose user became a member without a new follow are settled after this long. */
export const CLAIM_SETTLE_AFTER_MS = 5 * 60_000

export interface ReferralDeps {
  referrals: ReferralStore
  settings: SettingsStore
  coupons: CouponRepository
  points: PointsRepository
  outbox: OutboxRepository
  uow: UnitOfWork
  clock: Clock
  ids: Ids
  timeZone: string
  logger: Logger
}

export async function readReferralSettings(settings: SettingsStore): Promise<ReferralSettings> {
  const parsed = ReferralSettingsSchema.safeParse(await settings.get(REFERRAL_SETTINGS_KEY))
  return parsed.success ? parsed.data : structuredClone(DEFAULT_REFERRAL_SETTINGS)
}

/** A random code from the look-alike-free alphabet (≈ 49 bits): unrelated to the member. */
export function newReferralCode(ids: Ids): string {
  let code = ''
  for (let i = 0; i < REFERRAL_CODE_LENGTH; i++)
    code += REFERRAL_CODE_ALPHABET[ids.randomInt(REFERRAL_CODE_ALPHABET.length)]
  return code
}

/** The member's code, created on first use (a collision with another code just draws again). */
export async function referralCodeFor(deps: ReferralDeps, memberId: number): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await deps.referrals.codeOf(memberId)
    if (existing) return existing
    try {
      await deps.referrals.createCode(memberId, newReferralCode(deps.ids), deps.clock.now())
    } catch (error) {
      if (!constraintFailure(error)?.startsWith('unique:')) throw error
    }
  }
  const code = await deps.referrals.codeOf(memberId)
  if (!code) throw new Error('could not create a referral code')
  return code
}

// ── The claim ────────────────────────────────────────────────────────────────────────────────

function claimResult(
  referral: Referral | null,
  settings: ReferralSettings,
  needsFriendship: boolean,
): ReferralClaimResult {
  if (!referral) return { status: 'unavailable', message: CLAIM_TEXT.unavailable, needsFriendship }
  switch (referral.status) {
    case 'claimed':
      return {
        status: 'accepted',
        message: settings.qualifyOn === 'join' ? CLAIM_TEXT_JOIN_MODE : CLAIM_TEXT.accepted,
        needsFriendship,
      }
    case 'joined':
      return {
        status: 'joined',
        message: settings.qualifyOn === 'join' ? CLAIM_TEXT_JOIN_MODE : CLAIM_TEXT.joined,
        needsFriendship,
      }
    case 'qualified':
      return { status: 'rewarded', message: CLAIM_TEXT.rewarded, needsFriendship }
    case 'refused':
      // A blocked referrer reads exactly like an unknown code: nothing about that member leaks.
      if (referral.reason === 'referrer_blocked' || referral.reason === 'program_off')
        return { status: 'unavailable', message: CLAIM_TEXT.unavailable, needsFriendship }
      return {
        status: 'not_eligible',
        message: referral.reason === 'self_referral' ? SELF_REFERRAL_TEXT : CLAIM_TEXT.not_eligible,
        needsFriendship,
      }
    case 'reversed':
    case 'flagged':
      return { status: 'not_eligible', message: CLAIM_TEXT.not_eligible, needsFriendship }
  }
}

/**
 * The newcomer opened a referral link in the mini-app: the claim is tied to the verified ID
 * token's user (`lineUserId`) before anything else — before they are a friend or a member. An
 * unknown code and a referrer who cannot refer answer alike. Repeating the claim answers the
 * referral's current status; the first referrer wins, a second one is recorded as refused.
 */
export async function claimReferral(
  deps: ReferralDeps,
  lineUserId: string,
  code: string,
): Promise<ReferralClaimResult> {
  const settings = await readReferralSettings(deps.settings)
  const now = deps.clock.now()
  const newcomer = await deps.referrals.memberByLineUserId(lineUserId)
  const needsFriendship = newcomer?.followState !== 'following'
  const referrer = await deps.referrals.referrerByCode(code)
  if (!referrer || !settings.enabled) return claimResult(null, settings, needsFriendship)
  const existing = await deps.referrals.findClaim(lineUserId, referrer.id)
  if (existing) return claimResult(await settle(deps, existing), settings, needsFriendship)

  const refuse = async (reason: ReferralReason) => {
    await deps.referrals.insertClaim({
      referrerMemberId: referrer.id,
      newcomerLineUserId: lineUserId,
      status: 'refused',
      reason,
      now,
    })
    return claimResult(
      await deps.referrals.findClaim(lineUserId, referrer.id),
      settings,
      needsFriendship,
    )
  }
  if (referrer.lineUserId === lineUserId) return refuse('self_referral')
  if (referrer.followState !== 'following') return refuse('referrer_blocked')
  const live = await deps.referrals.liveClaim(lineUserId)
  if (live) return refuse('second_referrer')
  const inserted = await deps.referrals.insertClaim({
    referrerMemberId: referrer.id,
    newcomerLineUserId: lineUserId,
    status: 'claimed',
    reason: null,
    now,
  })
  // A concurrent claim with another code won the newcomer first.
  if (!inserted && !(await deps.referrals.findClaim(lineUserId, referrer.id)))
    return refuse('second_referrer')
  const claim = await deps.referrals.findClaim(lineUserId, referrer.id)
  if (!claim) throw new Error('referral claim committed but cannot be read back')
  const settled = await settle(deps, claim)
  if (settled.status === 'joined' && settings.qualifyOn === 'join')
    return claimResult(await qualifyOnJoin(deps, settled), settings, needsFriendship)
  return claimResult(settled, settings, needsFriendship)
}

/**
 * A claim meets the newcomer's membership: it joins only when the member's first follow that
 * Joren recorded was brand new (first follow, not a re-follow after a block, not LINE's
 * `isUnblocked`) and came no earlier than FOLLOW_BEFORE_CLAIM_MS before the claim. A member Joren
 * made from a friend who added the account before it (no follow event) is `already_friend`.
 * Returns the referral as it stands afterwards (unchanged while the newcomer is not a member).
 */
export async function settle(deps: ReferralDeps, referral: Referral): Promise<Referral> {
  if (referral.status !== 'claimed') return referral
  const member = await deps.referrals.memberByLineUserId(referral.newcomerLineUserId)
  if (!member) return referral
  const now = deps.clock.now()
  const verdict = await joinVerdict(deps, referral, member)
  await deps.uow.commit([
    verdict.ok
      ? deps.referrals.joinWrite(referral.id, member.id, verdict.joinedAt, now)
      : deps.referrals.refuseWrite(referral.id, verdict.reason, now),
  ])
  return (await deps.referrals.find(referral.id)) ?? referral
}

async function joinVerdict(
  deps: ReferralDeps,
  referral: Referral,
  member: ReferralMember,
): Promise<{ ok: true; joinedAt: number } | { ok: false; reason: ReferralReason }> {
  const history = await deps.referrals.followHistory(member.id)
  const first = history.find((h) => h.type === 'member.followed')
  if (!first) {
    // Made a member on sight (a friend from before Joren) — or so long ago its events are gone.
    const recent = member.createdAt >= referral.claimedAt - FOLLOW_BEFORE_CLAIM_MS
    return { ok: false, reason: recent ? 'already_friend' : 'already_member' }
  }
  if (first.unblocked) return { ok: false, reason: 'already_friend' }
  if (!first.firstFollow || first.refollow) return { ok: false, reason: 'already_member' }
  if (first.occurredAt < referral.claimedAt - FOLLOW_BEFORE_CLAIM_MS)
    return { ok: false, reason: 'already_member' }
  return { ok: true, joinedAt: first.occurredAt }
}

// ── Qualification ────────────────────────────────────────────────────────────────────────────

/** The 'join' qualification: a joined newcomer who has saved their profile. */
export async function qualifyOnJoin(deps: ReferralDeps, referral: Referral): Promise<Referral> {
  if (referral.status !== 'joined' || referral.newcomerMemberId === null) return referral
  const settings = await readReferralSettings(deps.settings)
  if (settings.qualifyOn !== 'join') return referral
  if (!(await deps.referrals.hasProfile(referral.newcomerMemberId))) return referral
  return qualify(deps, referral, null)
}

interface PlannedReward {
  stored: StoredReward
  writes: Write[]
}

/** Plans one side's reward under a dedupe key that can be issued once, ever. */
async function planReward(
  deps: ReferralDeps,
  reward: ReferralReward,
  memberId: number,
  referralId: number,
  dedupeKey: string,
  now: number,
): Promise<PlannedReward> {
  if (reward.kind === 'coupon') {
    const template = await deps.coupons.findTemplate(reward.templateId)
    if (!template) throw new RewardUnavailable()
    assertIssuable(template, now)
    return {
      stored: { ...reward, label: `クーポン「${template.title}」` },
      writes: deps.coupons.issueWrites({
        template,
        memberId,
        source: 'referral',
        sourceRef: `referral:${referralId}`,
        dedupeKey,
        // A taken code (1 in 2^40 per coupon) fails this batch; the event relay retries it with a new one.
        shortCode: newCouponShortCode(),
        issuedAt: now,
        expiresAt: expiryFor(template, now),
      }),
    }
  }
  const rule = await readEarningRule(deps.settings)
  const expiresAt = pointsExpiryAt(now, rule.expiryMonths, deps.timeZone)
  return {
    stored: { ...reward, label: `${reward.points.toLocaleString('ja-JP')}ポイント` },
    writes: [
      ...deps.points.grantWrites({
        memberId,
        points: reward.points,
        kind: 'grant',
        expiresAt,
        reason: '友だち紹介',
        dedupeKey,
        now,
      }),
      deps.uow.event(
        pointsGrantedEvent({
          memberId,
          points: reward.points,
          kind: 'grant',
          purchaseId: null,
          expiresAt,
          dedupeKey,
          now,
        }),
      ),
    ],
  }
}

class RewardUnavailable extends DomainError {
  constructor() {
    super(409, 'referral_reward_unavailable', '紹介特典を発行できません。')
  }
}

const rewardKey = (referralId: number, side: 'referrer' | 'newcomer') =>
  `referral:${referralId}:${side}`

/**
 * Qualifies a joined referral: the status change, both rewards, both LINE messages (billed pushes
 * through the outbox) and `referral.qualified` commit in ONE batch, or none. The UPDATE is
 * conditional on `joined`, on the referrer still following and on the monthly cap, and the guard
 * after it fails the batch when it changed nothing — so of any number of concurrent attempts
 * exactly one issues anything; the rewards' dedupe keys make a second issue impossible anyway.
 */
export async function qualify(
  deps: ReferralDeps,
  referral: Referral,
  purchaseId: number | null,
): Promise<Referral> {
  const settings = await readReferralSettings(deps.settings)
  if (!settings.enabled || referral.status !== 'joined' || referral.newcomerMemberId === null)
    return referral
  const now = deps.clock.now()
  const month = localDate(now, deps.timeZone).slice(0, 7)
  const [referrer, newcomer] = await Promise.all([
    deps.referrals.member(referral.referrerMemberId),
    deps.referrals.member(referral.newcomerMemberId),
  ])
  if (!referrer || !newcomer) return referral
  const refuse = async (reason: ReferralReason) => {
    await deps.uow.commit([deps.referrals.refuseWrite(referral.id, reason, now)])
    return (await deps.referrals.find(referral.id)) ?? referral
  }
  if (referrer.followState !== 'following') return refuse('referrer_blocked')
  if ((await deps.referrals.qualifiedInMonth(referrer.id, month)) >= settings.monthlyCap)
    return refuse('monthly_cap')

  let forReferrer: PlannedReward
  let forNewcomer: PlannedReward
  try {
    forReferrer = await planReward(
      deps,
      settings.referrerReward,
      referrer.id,
      referral.id,
      rewardKey(referral.id, 'referrer'),
      now,
    )
    forNewcomer = await planReward(
      deps,
      settings.newcomerReward,
      newcomer.id,
      referral.id,
      rewardKey(referral.id, 'newcomer'),
      now,
    )
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    return noteUnavailable(deps, referral, now)
  }
  const message = (member: ReferralMember, side: 'referrer' | 'newcomer') =>
    deps.outbox.enqueueWrite({
      dedupeKey: rewardKey(referral.id, side),
      lineUserId: member.lineUserId,
      replyToken: null,
      replyTokenExpiresAt: null,
      messages: [
        side === 'referrer'
          ? referrerMessage(
              referrer.language,
              newcomer.displayName,
              settings.qualifyOn,
              forReferrer.stored,
            )
          : newcomerMessage(newcomer.language, forNewcomer.stored),
      ],
      retryKey: deps.ids.uuid(),
      now,
    })
  try {
    await deps.uow.commit([
      ...deps.referrals.qualifyWrites({
        id: referral.id,
        referrerMemberId: referrer.id,
        cap: settings.monthlyCap,
        month,
        purchaseId,
        referrerReward: forReferrer.stored,
        newcomerReward: forNewcomer.stored,
        now,
      }),
      ...forReferrer.writes,
      ...forNewcomer.writes,
      // Two billed pushes, unless the owner switched the referral messages off.
      ...(settings.notify ? [message(referrer, 'referrer'), message(newcomer, 'newcomer')] : []),
      deps.uow.event({
        type: 'referral.qualified',
        memberId: newcomer.id,
        data: { referralId: referral.id, referrerMemberId: referrer.id, purchaseId },
        occurredAt: now,
        dedupeKey: `referral.qualified:${referral.id}`,
      }),
    ])
  } catch (error) {
    const failure = constraintFailure(error)
    if (failure === null) throw error
    const after = await deps.referrals.find(referral.id)
    // A concurrent attempt qualified it (or refused it): that outcome stands.
    if (!after || after.status !== 'joined') return after ?? referral
    if (failure === 'referrals_qualify_guard') {
      // Still joined: the cap filled up meanwhile or the referrer blocked. Decide again.
      const fresh = await deps.referrals.member(referral.referrerMemberId)
      if (fresh?.followState !== 'following') return refuse('referrer_blocked')
      if ((await deps.referrals.qualifiedInMonth(referrer.id, month)) >= settings.monthlyCap)
        return refuse('monthly_cap')
      throw error
    }
    if (failure.startsWith('coupon_')) return noteUnavailable(deps, referral, now)
    throw error
  }
  return (await deps.referrals.find(referral.id)) ?? referral
}

async function noteUnavailable(deps: ReferralDeps, referral: Referral, now: number) {
  deps.logger.warn('referral reward unavailable', { referralId: referral.id })
  await deps.uow.commit([deps.referrals.noteWrite(referral.id, 'reward_unavailable', now)])
  return (await deps.referrals.find(referral.id)) ?? referral
}

// ── Refund ───────────────────────────────────────────────────────────────────────────────────

/**
 * The qualifying purchase was refunded: each side's reward is taken back if unused (an issued
 * coupon revoked, the points reversed) and the referral becomes `reversed`; a reward already used
 * (coupon redeemed, points spent) is left alone and the referral is `flagged` for staff. The
 * status change, the reversals and `referral.reversed` commit together, once (conditional on
 * `qualified`, with the guard).
 */
export async function reverseReferral(deps: ReferralDeps, referral: Referral): Promise<Referral> {
  for (let attempt = 1; ; attempt++) {
    const current = await deps.referrals.find(referral.id)
    if (!current || current.status !== 'qualified' || current.newcomerMemberId === null)
      return current ?? referral
    const now = deps.clock.now()
    const writes: Write[] = []
    let flagged = false
    const sides = [
      ['referrer', current.referrerMemberId, current.referrerReward],
      ['newcomer', current.newcomerMemberId, current.newcomerReward],
    ] as const
    for (const [side, memberId, reward] of sides) {
      if (!reward) continue
      const key = rewardKey(current.id, side)
      if (reward.kind === 'coupon') {
        const coupon = await deps.coupons.findByDedupeKey(key)
        if (coupon?.state === 'issued') writes.push(deps.coupons.revokeWrite(coupon.id, now))
        else if (coupon && coupon.state !== 'revoked') flagged = true
        continue
      }
      try {
        writes.push(
          ...(await deps.points.spendWrites({
            memberId,
            points: reward.points,
            kind: 'reverse',
            reason: '友だち紹介の取り消し（返品）',
            dedupeKey: `${key}:reverse`,
            now,
          })),
        )
      } catch (error) {
        if (!(error instanceof NotEnoughPoints)) throw error
        flagged = true
      }
    }
    const outcome = flagged ? 'flagged' : 'reversed'
    try {
      await deps.uow.commit([
        ...deps.referrals.closeWrites({ id: current.id, status: outcome, reason: 'refunded', now }),
        ...writes,
        deps.uow.event({
          type: 'referral.reversed',
          memberId: current.newcomerMemberId,
          data: { referralId: current.id, outcome },
          occurredAt: now,
          dedupeKey: `referral.reversed:${current.id}`,
        }),
      ])
    } catch (error) {
      // A concurrent reversal won (guard / dedupe), or points moved meanwhile: read and re-plan.
      if (constraintFailure(error) === null || attempt >= 5) throw error
    }
  }
}
