import type { JourneyPreviewResult, JourneyStep } from '@joren/shared'
import { isCouponSlot, renderMessages } from '../broadcasts/render.ts'
import { surveyLinkMessage, type JourneyDeps } from './engine.ts'

/** Every step's messages as this member would get them at `at` (no coupon is issued). */
export async function previewSteps(
  deps: Pick<JourneyDeps, 'store' | 'coupons' | 'links'>,
  steps: JourneyStep[],
  memberId: number,
  at: number,
): Promise<JourneyPreviewResult> {
  const facts = await deps.store.memberFacts(memberId, at)
  return {
    steps: await Promise.all(
      steps.map(async (step, i) => {
        const coupon = step.messages.find((m) => m.type === 'coupon')
        const title = coupon
          ? ((await deps.coupons.coupons.findTemplate(coupon.templateId))?.title ?? null)
          : null
        const messages = renderMessages(step.messages, {
          name: facts?.name ?? null,
          points: facts?.points ?? null,
          tier: facts?.tier ?? null,
          coupon: title,
        }).map((m) =>
          isCouponSlot(m) ? { type: 'coupon_preview', title: title ?? 'クーポン' } : m,
        )
        const out: unknown[] = [...messages]
        if (step.surveyId !== null) out.push(surveyLinkMessage(deps.links, step.surveyId))
        return { step: i, messages: out }
      }),
    ),
  }
}
