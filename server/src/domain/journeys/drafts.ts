import type { CouponTemplate, JourneyDraftParsed } from '@joren/shared'
import { JourneyDraftSchema } from '@joren/shared'
import { JourneyCouponMissing, JourneySegmentMissing, JourneyTooManyMessages } from './errors.ts'
import type { JourneyDeps } from './engine.ts'
import { BIRTHDAY_COUPON, journeyTemplates } from './templates.ts'

/** A draft staff may save: its segment exists, at most five messages a step, live coupons. */
export async function validateDraft(
  deps: Pick<JourneyDeps, 'coupons'> & { segmentExists(id: number): Promise<boolean> },
  draft: JourneyDraftParsed,
): Promise<void> {
  if (draft.audienceSegmentId !== null && !(await deps.segmentExists(draft.audienceSegmentId)))
    throw new JourneySegmentMissing()
  for (const [i, step] of draft.steps.entries()) {
    if (step.messages.length + (step.surveyId === null ? 0 : 1) > 5)
      throw new JourneyTooManyMessages(i)
    for (const m of step.messages) {
      if (m.type !== 'coupon') continue
      const template = await deps.coupons.coupons.findTemplate(m.templateId)
      if (!template || template.status !== 'active') throw new JourneyCouponMissing(m.templateId)
    }
  }
}

/** The six templates, created off the first time the list is read (one commit, first wins). */
export async function ensureTemplates(
  deps: Pick<JourneyDeps, 'store' | 'uow' | 'coupons'>,
  at: number,
): Promise<void> {
  const { store, uow } = deps
  const have = new Set(await store.templateKeys())
  if (have.size >= 6) return
  const couponId = await deps.coupons.coupons.nextTemplateId()
  const coupon: CouponTemplate = {
    id: couponId,
    kind: 'percent_off',
    title: BIRTHDAY_COUPON.title,
    conditions: BIRTHDAY_COUPON.conditions,
    imageUrl: null,
    value: BIRTHDAY_COUPON.percent,
    validity: 'days',
    validFrom: null,
    validUntil: null,
    validDays: BIRTHDAY_COUPON.validDays,
    totalLimit: null,
    perMemberLimit: 100,
    pointsCost: null,
    issuedCount: 0,
    status: 'active',
    createdAt: at,
    updatedAt: at,
  }
  const missing = journeyTemplates(couponId).filter((t) => !have.has(t.templateKey))
  const needsCoupon = missing.some((t) => t.templateKey === 'birthday')
  try {
    await uow.commit([
      ...(needsCoupon ? [deps.coupons.coupons.createTemplateWrite(coupon)] : []),
      ...missing.map(({ templateKey, ...draft }) =>
        store.createWrite(JourneyDraftSchema.parse(draft), {
          templateKey,
          staffId: null,
          now: at,
        }),
      ),
    ])
  } catch (error) {
    // A concurrent first read created them (UNIQUE template key / coupon ID): theirs stand.
    if ((await store.templateKeys()).length < 6) throw error
  }
}
