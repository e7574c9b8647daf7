import { WelcomeCouponSettingSchema, type WelcomeCouponSetting } from '@joren/shared'
import type { AuditLog } from '../audit/audit.ts'
import { localeOf } from '../chat/texts.ts'
import { DomainError } from '../errors.ts'
import type { Member } from '../members/members.ts'
import type { LineMessage } from '../messaging/messenger.ts'
import type { Logger } from '../ports.ts'
import type { SettingsStore } from '../shop/settings.ts'
import { couponCard, type AppLinks } from './chat.ts'
import { issueCoupon, type CouponDeps } from './coupons.ts'
import { CouponTemplateNotFound } from './errors.ts'

export const WELCOME_COUPON_SETTING = 'welcome_coupon'

export async function readWelcomeSetting(settings: SettingsStore): Promise<WelcomeCouponSetting> {
  const parsed = WelcomeCouponSettingSchema.safeParse(await settings.get(WELCOME_COUPON_SETTING))
  return parsed.success ? parsed.data : { templateId: null }
}

export async function updateWelcomeSetting(
  deps: CouponDeps & { settings: SettingsStore; audit: AuditLog },
  staffId: number,
  next: WelcomeCouponSetting,
): Promise<WelcomeCouponSetting> {
  if (next.templateId !== null && !(await deps.coupons.findTemplate(next.templateId)))
    throw new CouponTemplateNotFound()
  const before = await readWelcomeSetting(deps.settings)
  await deps.settings.put(WELCOME_COUPON_SETTING, next, deps.now())
  await deps.audit.record(
    {
      staffId,
      action: 'coupon.welcome',
      targetType: 'settings',
      targetId: WELCOME_COUPON_SETTING,
      before,
      after: next,
    },
    deps.now(),
  )
  return next
}

export interface WelcomeDeps extends CouponDeps {
  settings: SettingsStore
  links: AppLinks
  logger: Logger
  /** When the member first followed (members.first_followed_at). */
  firstFollowedAt(memberId: number): Promise<number | null>
}

/**
 * On a follow: the welcome coupon, once per LINE user ever (dedupe key `welcome:<user ID>`), and
 * only for the member's first follow — a re-follow after a block gets none; a replayed first follow
 * returns the coupon issued the first time. Returns the coupon card to send with the welcome.
 */
export async function welcomeCoupon(
  deps: WelcomeDeps,
  member: Member,
  followedAt: number,
): Promise<LineMessage[]> {
  const { templateId } = await readWelcomeSetting(deps.settings)
  if (templateId === null) return []
  if ((await deps.firstFollowedAt(member.id)) !== followedAt) return []
  try {
    const coupon = await issueCoupon(deps, {
      templateId,
      memberId: member.id,
      source: 'welcome',
      sourceRef: `follow:${followedAt}`,
      dedupeKey: `welcome:${member.lineUserId}`,
    })
    if (coupon.state !== 'issued') return []
    return [couponCard(coupon, deps.links, localeOf(member.language))]
  } catch (error) {
    // Archived, out of its window or out of stock: the welcome goes out without a coupon.
    if (!(error instanceof DomainError)) throw error
    deps.logger.warn('welcome coupon not issued', { memberId: member.id, reason: error.code })
    return []
  }
}
