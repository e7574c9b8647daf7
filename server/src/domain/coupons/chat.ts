import { liffUrl, type AppLinks } from '../links.ts'
import { couponValueText, type CouponView } from '@joren/shared'
import type { ChatContext, ChatRouter } from '../chat/router.ts'
import { localeOf, type Locale } from '../chat/texts.ts'
import type { LineMessage } from '../messaging/messenger.ts'
import { effectiveState, type CouponRepository } from './coupons.ts'
import { shopDateTime } from './errors.ts'

/** Where a coupon opens in the mini-app: the LIFF URL when LIFF_ID is set, else the app's own. */
export type { AppLinks }

export function couponLink(links: AppLinks, couponId: number): string {
  return liffUrl(links, `coupons/${couponId}`)
}

/** LINE allows 12 bubbles per carousel. */
export const MAX_BUBBLES = 12

function valueLabel(coupon: CouponView, locale: Locale): string {
  return couponValueText(coupon.kind, coupon.value, locale)
}

export function couponBubble(coupon: CouponView, links: AppLinks, locale: Locale) {
  const until = shopDateTime(coupon.expiresAt, links.timeZone).slice(0, 16)
  return {
    type: 'bubble' as const,
    size: 'kilo' as const,
    ...(coupon.imageUrl
      ? {
          hero: {
            type: 'image' as const,
            url: coupon.imageUrl,
            size: 'full',
            aspectRatio: '20:13',
            aspectMode: 'cover' as const,
          },
        }
      : {}),
    body: {
      type: 'box' as const,
      layout: 'vertical' as const,
      spacing: 'sm',
      contents: [
        {
          type: 'text' as const,
          text: 'COUPON',
          size: 'xs',
          weight: 'bold' as const,
          color: '#06c755',
        },
        {
          type: 'text' as const,
          text: coupon.title.slice(0, 60),
          size: 'lg',
          weight: 'bold' as const,
          wrap: true,
        },
        { type: 'text' as const, text: valueLabel(coupon, locale), size: 'md', color: '#e4572e' },
        {
          type: 'text' as const,
          text: locale === 'ja' ? `有効期限 ${until} まで` : `Valid until ${until}`,
          size: 'xs',
          color: '#888888',
          wrap: true,
        },
      ],
    },
    footer: {
      type: 'box' as const,
      layout: 'vertical' as const,
      contents: [
        {
          type: 'button' as const,
          style: 'primary' as const,
          color: '#06c755',
          action: {
            type: 'uri' as const,
            label: locale === 'ja' ? 'クーポンを見る' : 'Open coupon',
            uri: couponLink(links, coupon.id),
          },
        },
      ],
    },
  }
}

/** The member's usable coupons as a carousel (≤ 12), or a friendly text when there are none. */
export function couponCarousel(
  coupons: CouponView[],
  links: AppLinks,
  locale: Locale,
): LineMessage {
  if (coupons.length === 0) {
    return {
      type: 'text',
      text:
        locale === 'ja'
          ? '現在お使いいただけるクーポンはありません。新しいクーポンが届いたらお知らせしますね。'
          : 'You have no coupons right now. We will let you know when a new one arrives.',
    }
  }
  const shown = coupons.slice(0, MAX_BUBBLES)
  return {
    type: 'flex',
    altText:
      locale === 'ja'
        ? `使えるクーポンが${coupons.length}枚あります`
        : `You have ${coupons.length} coupon${coupons.length === 1 ? '' : 's'}`,
    contents: { type: 'carousel', contents: shown.map((c) => couponBubble(c, links, locale)) },
  } as LineMessage
}

/** A single coupon card, e.g. the welcome coupon sent with the welcome message. */
export function couponCard(coupon: CouponView, links: AppLinks, locale: Locale): LineMessage {
  return {
    type: 'flex',
    altText: locale === 'ja' ? `クーポン: ${coupon.title}` : `Coupon: ${coupon.title}`,
    contents: couponBubble(coupon, links, locale),
  } as LineMessage
}

export async function usableCoupons(
  coupons: CouponRepository,
  memberId: number,
  now: number,
): Promise<CouponView[]> {
  const all = await coupons.listForMember(memberId)
  return all
    .map((c) => effectiveState(c, now))
    .filter((c) => c.state === 'issued')
    .sort((a, b) => a.expiresAt - b.expiresAt)
}

const COUPON_WORDS = ['クーポン', 'くーぽん', 'coupon', 'coupons']

/** 「クーポン」 and the rich menu's `action=coupons` answer with the member's usable coupons. */
export function registerCouponChat(
  router: ChatRouter,
  deps: { coupons: CouponRepository; links: AppLinks },
): ChatRouter {
  const answer = async (ctx: ChatContext) => [
    couponCarousel(
      await usableCoupons(deps.coupons, ctx.member.id, ctx.now),
      deps.links,
      localeOf(ctx.member.language),
    ),
  ]
  return router
    .command({ name: 'coupons', matches: (t) => COUPON_WORDS.includes(t), handle: answer })
    .postback('coupons', answer)
}
