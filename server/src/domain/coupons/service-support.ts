import type { CouponTemplate, CouponView } from '@joren/shared'
import type { EventStore } from '../event-relay/store.ts'
import { MemberNotFound } from '../members/directory.ts'
import { readShopSettings, type SettingsStore } from '../shop/settings.ts'
import type { UnitOfWork, Write } from '../unit-of-work.ts'
import {
  couponRefusal,
  type CouponDeps,
  type PointsSpender,
  type RedeemInput,
  type StoredCoupon,
} from './coupons.ts'
import { CouponNotFound, CouponTemplateNotFound } from './errors.ts'
import { type IssuedNoteDeps } from './issued-note.ts'

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
export const TEMPLATE_ID_ATTEMPTS = 5

export function view({ memberId: _member, shortCode: _code, ...coupon }: StoredCoupon): CouponView {
  return coupon
}

/** What every part of the coupon service looks up the same way: members, templates, coupons, redemption. */
export function couponServiceSupport(deps: CouponServiceDeps) {
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

  return { memberIdOf, requireTemplate, couponOf, shopName, redeem }
}
