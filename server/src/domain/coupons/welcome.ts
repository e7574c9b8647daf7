import { WelcomeCouponSettingSchema, type WelcomeCouponSetting } from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import { localeOf } from '../chat/texts.ts'
import { DomainError } from '../errors.ts'
import type { DomainEvent } from '../events/events.ts'
import type { EventSubscriber } from '../event-relay/subscribers.ts'
import type { Member } from '../members/members.ts'
import type { LineMessage } from '../messaging/messenger.ts'
import { enqueueMessages, type OutboxDeps } from '../messaging/outbox.ts'
import type { Logger } from '../ports.ts'
import type { SettingsStore } from '../shop/settings.ts'
import type { UnitOfWork } from '../unit-of-work.ts'
import { couponCard, type AppLinks } from './chat.ts'
import { issueCoupon, type CouponDeps, type StoredCoupon } from './coupons.ts'
import { CouponTemplateNotFound } from './errors.ts'

export const WELCOME_COUPON_SETTING = 'welcome_coupon'

export async function readWelcomeSetting(settings: SettingsStore): Promise<WelcomeCouponSetting> {
  const parsed = WelcomeCouponSettingSchema.safeParse(await settings.get(WELCOME_COUPON_SETTING))
  return parsed.success ? parsed.data : { templateId: null }
}

/** PUT /api/staff/coupons/welcome: the template new friends get (or none); audited. */
export async function updateWelcomeSetting(
  deps: CouponDeps & { settings: SettingsStore; uow: UnitOfWork },
  actor: StaffActor,
  next: WelcomeCouponSetting,
): Promise<WelcomeCouponSetting> {
  if (next.templateId !== null && !(await deps.coupons.findTemplate(next.templateId)))
    throw new CouponTemplateNotFound()
  const before = await readWelcomeSetting(deps.settings)
  await deps.uow.commit([
    deps.settings.putWrite(WELCOME_COUPON_SETTING, next, deps.now()),
    deps.uow.audit({
      staffId: actor.id,
      action: 'coupon.welcome',
      targetType: 'settings',
      targetId: WELCOME_COUPON_SETTING,
      before,
      after: next,
    }),
  ])
  return next
}

export interface WelcomeDeps extends CouponDeps {
  settings: SettingsStore
  links: AppLinks
  logger: Logger
  members: { findById(id: number): Promise<Member | null> }
  /** Sends the card by push when the reply to the follow could not carry it. */
  outbox: OutboxDeps
}

/**
 * The welcome coupon, a subscriber of `member.followed`: once per LINE user ever (dedupe key
 * `welcome:<user ID>`) and only on the member's first follow — a re-follow after a block gets none,
 * and a module owning the chat (standby) gets none. The card rides in the free reply to the follow
 * (replyContribution); when that was not possible it is pushed later (handle). A replay issues
 * nothing new and yields the card issued the first time.
 */
export function welcomeCouponSubscriber(deps: WelcomeDeps): EventSubscriber {
  async function issue(
    event: DomainEvent,
  ): Promise<{ coupon: StoredCoupon; member: Member } | null> {
    if (event.type !== 'member.followed' || event.memberId === null) return null
    if (!event.data.firstFollow || event.data.standby) return null
    const { templateId } = await readWelcomeSetting(deps.settings)
    if (templateId === null) return null
    const member = await deps.members.findById(event.memberId)
    if (!member || member.followState !== 'following') return null
    try {
      const coupon = await issueCoupon(deps, {
        templateId,
        memberId: member.id,
        source: 'welcome',
        sourceRef: `follow:${event.occurredAt}`,
        dedupeKey: `welcome:${member.lineUserId}`,
      })
      return coupon.state === 'issued' ? { coupon, member } : null
    } catch (error) {
      // Archived, out of its window or out of stock: the welcome goes out without a coupon.
      if (!(error instanceof DomainError)) throw error
      deps.logger.warn('welcome coupon not issued', { memberId: member.id, reason: error.code })
      return null
    }
  }

  const card = ({ coupon, member }: { coupon: StoredCoupon; member: Member }): LineMessage =>
    couponCard(coupon, deps.links, localeOf(member.language))

  return {
    name: 'welcome-coupon',
    types: ['member.followed'],
    // A shop switching the welcome coupon on does not hand it to every past follower.
    startAt: 'latest',
    async replyContribution(event) {
      const issued = await issue(event)
      return issued ? [card(issued)] : []
    },
    async handle(event) {
      const issued = await issue(event)
      if (!issued) return
      await enqueueMessages(deps.outbox, {
        dedupeKey: `welcome-coupon:${issued.coupon.id}`,
        lineUserId: issued.member.lineUserId,
        replyToken: null,
        replyTokenExpiresAt: null,
        messages: [card(issued)],
      })
    },
  }
}
