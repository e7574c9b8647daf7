import type {
  CouponCode,
  CouponList,
  CouponRedeem,
  CouponRedeemed,
  CouponTemplate,
  CouponTemplateCreate,
  CouponTemplateUpdate,
  CouponView,
  ExchangeCatalogue,
  WelcomeCouponSetting,
} from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import type { EventStore } from '../event-relay/store.ts'
import { pointsSpentEvent } from '../loyalty/ledger.ts'
import { MemberNotFound } from '../members/directory.ts'
import { readShopSettings, type SettingsStore } from '../shop/settings.ts'
import type { UnitOfWork, Write } from '../unit-of-work.ts'
import { issueCouponToken } from './coupon-token.ts'
import {
  couponRefusal,
  effectiveState,
  exchangeCatalogue,
  exchangeForCoupon,
  issueCoupon,
  newTemplate,
  type CouponDeps,
  type PointsSpender,
  type RedeemInput,
  type StoredCoupon,
} from './coupons.ts'
import {
  constraintFailure,
  CouponLimitBelowIssued,
  CouponNotFound,
  CouponNotRevocable,
  CouponTemplateLocked,
  CouponTemplateNotFound,
} from './errors.ts'
import { sendIssuedNote, type IssuedNoteDeps } from './issued-note.ts'
import { couponByCode, shortCodeOf } from './typed-code.ts'
import { readWelcomeSetting, updateWelcomeSetting } from './welcome.ts'

export interface CouponServiceDeps extends CouponDeps {
  /** Commits each change with its audit row and domain events. */
  uow: UnitOfWork
  settings: SettingsStore
  /** The points ledger, for the exchange. */
  points: PointsSpender
  /** Tells which of concurrent redemptions committed (the event it recorded). */
  events: Pick<EventStore, 'byDedupeKeys'>
  /** Signs the coupon QR staff scan (the member card's key). */
  cardKey(): Promise<CryptoKey>
  /** Sandbox: the shop's default name differs. */
  sandbox: boolean
  /** What the note to a member about a coupon issued by hand needs (absent: no note). */
  issuedNote?: IssuedNoteDeps
}

/** How many times a new template retries when a concurrent one took its ID. */
const TEMPLATE_ID_ATTEMPTS = 5

function view({ memberId: _member, shortCode: _code, ...coupon }: StoredCoupon): CouponView {
  return coupon
}

/**
 * Coupons: templates and the welcome coupon (staff), a member's coupons (issue, revoke), the
 * redemption at the register or by the member, and the points exchange. Every staff change
 * commits with its audit row; issues and redemptions with their events.
 */
export function createCouponService(deps: CouponServiceDeps) {
  const { coupons, uow } = deps

  async function memberIdOf(memberNumber: string): Promise<number> {
    const id = await coupons.memberIdByNumber(memberNumber)
    if (id === null) throw new MemberNotFound()
    return id
  }

  async function requireTemplate(id: number): Promise<CouponTemplate> {
    const template = await coupons.findTemplate(id)
    if (!template) throw new CouponTemplateNotFound()
    return template
  }

  /** A coupon of this member (a coupon of someone else is not found). */
  async function couponOf(memberId: number, id: number): Promise<StoredCoupon> {
    const coupon = await coupons.find(id)
    if (!coupon || coupon.memberId !== memberId) throw new CouponNotFound()
    return coupon
  }

  const shopName = async () => (await readShopSettings(deps.settings, deps.sandbox)).name

  /**
   * Redeems exactly once: one conditional UPDATE decides, with `coupon.redeemed` (and the staff
   * audit row) only when it changed the coupon. Each attempt's event has its own key, so the
   * attempt that finds its event committed is the one that used the coupon; everyone else learns
   * why it was refused (used already and when, expired, revoked).
   */
  async function redeem(
    coupon: StoredCoupon,
    input: Omit<RedeemInput, 'couponId' | 'now'>,
  ): Promise<StoredCoupon> {
    const now = deps.now()
    const attempt = `coupon.redeemed:${coupon.id}:${deps.ids.uuid()}`
    const writes: Write[] = [
      coupons.redeemWrite({ ...input, couponId: coupon.id, now }),
      uow.event(
        {
          type: 'coupon.redeemed',
          memberId: coupon.memberId,
          data: { couponId: coupon.id, templateId: coupon.templateId, via: input.via },
          occurredAt: now,
          dedupeKey: attempt,
        },
        { onlyIfChanged: true },
      ),
    ]
    if (input.staffId !== null)
      writes.push(
        uow.audit(
          {
            staffId: input.staffId,
            action: 'coupon.redeem',
            targetType: 'coupon',
            targetId: String(coupon.id),
            before: { state: 'issued' },
            after: { state: 'redeemed', redeemedAt: now },
          },
          { onlyIfChanged: true },
        ),
      )
    await uow.commit(writes)
    const [won] = await deps.events.byDedupeKeys([attempt])
    const after = await coupons.find(coupon.id)
    if (!after) throw new CouponNotFound()
    if (won) return after
    throw couponRefusal(after, now, deps.timeZone)
  }

  return {
    // ── Templates and the welcome coupon (staff) ───────────────────────────────────────────

    listTemplates: async () => ({ templates: await coupons.listTemplates(deps.now()) }),

    async createTemplate(actor: StaffActor, input: CouponTemplateCreate): Promise<CouponTemplate> {
      for (let attempt = 1; ; attempt++) {
        const template = newTemplate(await coupons.nextTemplateId(), input, deps.now())
        try {
          await uow.commit([
            coupons.createTemplateWrite(template),
            uow.audit({
              staffId: actor.id,
              action: 'coupon_template.create',
              targetType: 'coupon_template',
              targetId: String(template.id),
              before: null,
              after: template,
            }),
          ])
          return requireTemplate(template.id)
        } catch (error) {
          // A concurrent create took the ID: take the next one.
          if (
            constraintFailure(error) !== 'unique:coupon_templates.id' ||
            attempt >= TEMPLATE_ID_ATTEMPTS
          )
            throw error
        }
      }
    },

    /** Kind and value change only while none is issued; the rest any time (audited). */
    async updateTemplate(
      actor: StaffActor,
      id: number,
      patch: CouponTemplateUpdate,
    ): Promise<CouponTemplate> {
      const before = await requireTemplate(id)
      // Kind and value sent unchanged are no change (the form sends them while nothing is issued).
      const { kind, value, ...rest } = patch
      const next: CouponTemplateUpdate = {
        ...rest,
        ...(kind !== undefined && kind !== before.kind ? { kind } : {}),
        ...(value !== undefined && value !== before.value ? { value } : {}),
      }
      const changesKind = next.kind !== undefined || next.value !== undefined
      if (changesKind && before.issuedCount > 0) throw new CouponTemplateLocked()
      const now = deps.now()
      try {
        await uow.commit([
          coupons.updateTemplateWrite(id, next, now),
          uow.audit(
            {
              staffId: actor.id,
              action: 'coupon_template.update',
              targetType: 'coupon_template',
              targetId: String(id),
              before,
              after: { ...before, ...next, updatedAt: now },
            },
            { onlyIfChanged: true },
          ),
        ])
      } catch (error) {
        if (constraintFailure(error) === 'coupon_templates_total_limit')
          throw new CouponLimitBelowIssued(before.issuedCount)
        throw error
      }
      const updated = await requireTemplate(id)
      // A coupon issued meanwhile froze kind and value: the update changed nothing.
      if (
        (next.kind !== undefined && updated.kind !== next.kind) ||
        (next.value !== undefined && updated.value !== next.value)
      )
        throw new CouponTemplateLocked()
      return updated
    },

    async archiveTemplate(actor: StaffActor, id: number): Promise<CouponTemplate> {
      await requireTemplate(id)
      await uow.commit([
        coupons.archiveTemplateWrite(id, deps.now()),
        uow.audit({
          staffId: actor.id,
          action: 'coupon_template.archive',
          targetType: 'coupon_template',
          targetId: String(id),
          before: { status: 'active' },
          after: { status: 'archived' },
        }),
      ])
      return requireTemplate(id)
    },

    welcome: (): Promise<WelcomeCouponSetting> => readWelcomeSetting(deps.settings),

    setWelcome: (actor: StaffActor, next: WelcomeCouponSetting) =>
      updateWelcomeSetting(deps, actor, next),

    // ── A member's coupons (staff) ─────────────────────────────────────────────────────────

    async memberCoupons(memberNumber: string): Promise<CouponList> {
      const memberId = await memberIdOf(memberNumber)
      const now = deps.now()
      const list = await coupons.listForMember(memberId)
      return { coupons: list.map((coupon) => effectiveState(coupon, now)) }
    },

    /**
     * Issues a coupon by hand: the coupon, its event and the audit row in one commit. With
     * `notify`, the member gets the shop's `coupon_issued` note and the coupon card as one push
     * (billed; enqueued once per coupon, its delivery shows in the member's thread).
     */
    async issue(
      actor: StaffActor,
      memberNumber: string,
      templateId: number,
      notify = false,
    ): Promise<CouponView> {
      const memberId = await memberIdOf(memberNumber)
      const coupon = await issueCoupon(deps, {
        templateId,
        memberId,
        source: 'manual',
        sourceRef: `staff:${actor.id}`,
        after: (dedupeKey) => [
          uow.audit({
            staffId: actor.id,
            action: 'coupon.issue',
            targetType: 'member',
            targetId: memberNumber,
            before: null,
            after: { couponId: coupons.couponIdRef(dedupeKey), templateId },
          }),
        ],
      })
      if (notify && deps.issuedNote && coupon.state === 'issued')
        await sendIssuedNote(deps.issuedNote, coupon, await shopName())
      return view(coupon)
    },

    /** Revokes an unused coupon; the audit row only when this revoked it. */
    async revoke(actor: StaffActor, memberNumber: string, id: number): Promise<CouponView> {
      const coupon = await couponOf(await memberIdOf(memberNumber), id)
      if (coupon.state !== 'issued') throw new CouponNotRevocable()
      await uow.commit([
        coupons.revokeWrite(id, deps.now()),
        uow.audit(
          {
            staffId: actor.id,
            action: 'coupon.revoke',
            targetType: 'coupon',
            targetId: String(id),
            before: { state: 'issued' },
            after: { state: 'revoked' },
          },
          { onlyIfChanged: true },
        ),
      ])
      const after = await coupons.find(id)
      if (!after) throw new CouponNotFound()
      if (after.state !== 'revoked') throw new CouponNotRevocable()
      return view(after)
    },

    /** The register: a scanned code, or a coupon picked for a member number. */
    async redeemAtRegister(actor: StaffActor, input: CouponRedeem): Promise<CouponRedeemed> {
      const coupon =
        'code' in input
          ? await couponByCode(deps, input.code)
          : await couponOf(await memberIdOf(input.memberNumber), input.couponId)
      const redeemed = await redeem(coupon, {
        memberId: null,
        staffId: actor.id,
        via: 'staff_scan',
      })
      return {
        coupon: view(redeemed),
        memberNumber: (await coupons.memberNumberOf(redeemed.memberId)) ?? '',
        shopName: await shopName(),
      }
    },

    // ── The member's own coupons (mini-app) ────────────────────────────────────────────────

    async mine(memberId: number): Promise<CouponList> {
      const now = deps.now()
      const list = await coupons.listForMember(memberId)
      return { coupons: list.map((coupon) => effectiveState(coupon, now)) }
    },

    async myCoupon(memberId: number, id: number): Promise<CouponView> {
      return effectiveState(view(await couponOf(memberId, id)), deps.now())
    },

    /** The short-lived signed QR and the typed code; only for a usable coupon (else why not). */
    async code(memberId: number, id: number): Promise<CouponCode> {
      const now = deps.now()
      const stored = await couponOf(memberId, id)
      const coupon = effectiveState(view(stored), now)
      if (coupon.state !== 'issued') throw couponRefusal(coupon, now, deps.timeZone)
      const token = await issueCouponToken(id, now, await deps.cardKey())
      return { ...token, shortCode: await shortCodeOf(deps, stored) }
    },

    /** "この場で使う": the member redeems their own coupon in front of staff. */
    async useNow(
      member: { memberId: number; memberNumber: string },
      id: number,
    ): Promise<CouponRedeemed> {
      const redeemed = await redeem(await couponOf(member.memberId, id), {
        memberId: member.memberId,
        staffId: null,
        via: 'member_confirm',
      })
      return {
        coupon: effectiveState(view(redeemed), deps.now()),
        memberNumber: member.memberNumber,
        shopName: await shopName(),
      }
    },

    exchangeCatalogue: (memberId: number): Promise<ExchangeCatalogue> =>
      exchangeCatalogue(deps, memberId),

    /** Buys a coupon with points (once per requestId): spend, coupon and events in one commit. */
    async exchange(memberId: number, templateId: number, requestId: string): Promise<CouponView> {
      const coupon = await exchangeForCoupon(
        {
          ...deps,
          spentEvent: (spent) => uow.event(pointsSpentEvent({ ...spent, kind: 'redeem' })),
        },
        { memberId, templateId, requestId },
      )
      return effectiveState(view(coupon), deps.now())
    },
  }
}

export type CouponService = ReturnType<typeof createCouponService>
