import type {
  CouponTemplate,
  CouponTemplateCreate,
  CouponTemplateUpdate,
  WelcomeCouponSetting,
} from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import { newTemplate } from './coupons.ts'
import { constraintFailure, CouponLimitBelowIssued, CouponTemplateLocked } from './errors.ts'
import { readWelcomeSetting, updateWelcomeSetting } from './welcome.ts'
import {
  couponServiceSupport,
  TEMPLATE_ID_ATTEMPTS,
  type CouponServiceDeps,
} from './service-support.ts'

/** Coupon templates and the welcome coupon (staff); each change commits with its audit row. */
export function createCouponTemplateCommands(deps: CouponServiceDeps) {
  const { coupons, uow } = deps
  const { requireTemplate } = couponServiceSupport(deps)

  return {
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
  }
}
