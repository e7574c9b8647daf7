import type { CouponTemplate, CouponTemplateStats } from '@joren/shared'
import { and, asc, desc, eq, gt, isNotNull, lte, or, isNull, sql } from 'drizzle-orm'
import type { CouponRepository } from '../../domain/coupons/coupons.ts'
import type { Database } from '../database.ts'
import { coupons, couponTemplates } from '../schema.ts'

type TemplateRow = typeof couponTemplates.$inferSelect

function toTemplate(row: TemplateRow): CouponTemplate {
  return { ...row }
}

/** Coupon templates: IDs, creation, edits (kind and value frozen once issued), stats, the exchange list. */
export function createCouponTemplateStore(
  db: Database,
): Pick<
  CouponRepository,
  | 'nextTemplateId'
  | 'createTemplateWrite'
  | 'findTemplate'
  | 'updateTemplateWrite'
  | 'archiveTemplateWrite'
  | 'listTemplates'
  | 'exchangeable'
> {
  async function findTemplate(id: number): Promise<CouponTemplate | null> {
    const [row] = await db.select().from(couponTemplates).where(eq(couponTemplates.id, id))
    return row ? toTemplate(row) : null
  }

  return {
    async nextTemplateId() {
      const [row] = await db
        .select({ next: sql<number>`coalesce(max(${couponTemplates.id}), 0) + 1` })
        .from(couponTemplates)
      return Number(row?.next ?? 1)
    },

    createTemplateWrite(template) {
      return db.insert(couponTemplates).values(template)
    },

    findTemplate,

    updateTemplateWrite(id, patch, now) {
      const { kind, value, ...rest } = patch
      const changesKind = kind !== undefined || value !== undefined
      return db
        .update(couponTemplates)
        .set({
          ...rest,
          ...(kind !== undefined ? { kind } : {}),
          ...(value !== undefined ? { value } : {}),
          updatedAt: now,
        })
        .where(
          and(
            eq(couponTemplates.id, id),
            // Kind and value are what issued coupons promise: frozen once one exists.
            changesKind ? eq(couponTemplates.issuedCount, 0) : undefined,
          ),
        )
    },

    archiveTemplateWrite(id, now) {
      return db
        .update(couponTemplates)
        .set({ status: 'archived', updatedAt: now })
        .where(eq(couponTemplates.id, id))
    },

    async listTemplates(now) {
      const rows = await db.select().from(couponTemplates).orderBy(desc(couponTemplates.id))
      if (rows.length === 0) return []
      const counts = await db
        .select({
          templateId: coupons.templateId,
          redeemed: sql<number>`sum(case when ${coupons.state} = 'redeemed' then 1 else 0 end)`,
          expired: sql<number>`sum(case when ${coupons.state} = 'expired' or (${coupons.state} = 'issued' and ${coupons.expiresAt} <= ${now}) then 1 else 0 end)`,
        })
        .from(coupons)
        .groupBy(coupons.templateId)
      const byTemplate = new Map(counts.map((c) => [c.templateId, c]))
      return rows.map(
        (row): CouponTemplateStats => ({
          ...toTemplate(row),
          redeemedCount: Number(byTemplate.get(row.id)?.redeemed ?? 0),
          expiredCount: Number(byTemplate.get(row.id)?.expired ?? 0),
        }),
      )
    },

    async exchangeable(now) {
      const rows = await db
        .select()
        .from(couponTemplates)
        .where(
          and(
            eq(couponTemplates.status, 'active'),
            isNotNull(couponTemplates.pointsCost),
            or(isNull(couponTemplates.validFrom), lte(couponTemplates.validFrom, now)),
            or(isNull(couponTemplates.validUntil), gt(couponTemplates.validUntil, now)),
          ),
        )
        .orderBy(asc(couponTemplates.pointsCost), asc(couponTemplates.id))
      return rows.map(toTemplate)
    },
  }
}
