import type { CouponView } from '@joren/shared'
import { localeOf } from '../chat/texts.ts'
import type { AppLinks } from '../links.ts'
import type { MemberRepository } from '../members/members.ts'
import { enqueueMessages, type OutboxDeps } from '../messaging/outbox.ts'
import { nameValue } from '../texts/catalogue.ts'
import type { ShopTextSource } from '../texts/texts.ts'
import { couponCard } from './chat.ts'
import { shopDateTime } from './errors.ts'

export interface IssuedNoteDeps {
  outbox: OutboxDeps
  links: AppLinks
  members: Pick<MemberRepository, 'findById'>
  texts: ShopTextSource
}

/** Where the note's dedupe keys start: one note per coupon, however often it is retried. */
export const ISSUED_NOTE_KEY_PREFIX = 'coupon-issued:'

/**
 * The note to a member about a coupon staff issued by hand: the shop's `coupon_issued` text and
 * the coupon card, one push. Nothing is sent to a member who blocked the account.
 */
export async function sendIssuedNote(
  deps: IssuedNoteDeps,
  coupon: CouponView & { memberId: number },
  shopName: string,
): Promise<boolean> {
  const member = await deps.members.findById(coupon.memberId)
  if (!member || member.followState !== 'following') return false
  const locale = localeOf(member.language)
  const text = await deps.texts.render('coupon_issued', locale, {
    name: nameValue(member.displayName, locale),
    shop: shopName,
    coupon: coupon.title,
    expires: shopDateTime(coupon.expiresAt, deps.links.timeZone).slice(0, 16),
  })
  await enqueueMessages(deps.outbox, {
    dedupeKey: `${ISSUED_NOTE_KEY_PREFIX}${coupon.id}`,
    lineUserId: member.lineUserId,
    replyToken: null,
    replyTokenExpiresAt: null,
    messages: [{ type: 'text', text }, couponCard(coupon, deps.links, locale)],
  })
  return true
}
