import type { CouponView } from '@joren/shared'
import { and, desc, eq, gt, inArray, isNull, lte, sql, type SQL } from 'drizzle-orm'
import type { CouponRepository, IssuePlan, StoredCoupon } from '../../domain/coupons/coupons.ts'
import type { UnitOfWork } from '../../domain/unit-of-work.ts'
import type { Database } from '../database.ts'
import { rowRef } from '../row-ref.ts'
import { couponMemberCounts, coupons, couponTemplates, members } from '../schema.ts'
import { createCouponTemplateStore } from './coupon-template-repository.ts'

const couponColumns = {
  id: coupons.id,
  memberId: coupons.memberId,
  templateId: coupons.templateId,
  kind: couponTemplates.kind,
  title: couponTemplates.title,
  conditions: couponTemplates.conditions,
  imageUrl: couponTemplates.imageUrl,
  value: couponTemplates.value,
  source: coupons.source,
  state: coupons.state,
  issuedAt: coupons.issuedAt,
  expiresAt: coupons.expiresAt,
  redeemedAt: coupons.redeemedAt,
  redeemedVia: coupons.redeemedVia,
  revokedAt: coupons.revokedAt,
}

/** One coupon as the domain stores it (with its member and short code). */
async function storedCoupon(db: Database, where: SQL | undefined): Promise<StoredCoupon | null> {
  const [row] = await db
    .select({ ...couponColumns, shortCode: coupons.shortCode })
    .from(coupons)
    .innerJoin(couponTemplates, eq(couponTemplates.id, coupons.templateId))
    .where(where)
    .limit(1)
  return row ?? null
}

/** `uow` plans the `coupon.issued` event every issue commits with (see issueWrites). */
export function createCouponRepository(db: Database, uow: UnitOfWork): CouponRepository {
  const couponIdRef = (dedupeKey: string) =>
    rowRef(sql`(select ${coupons.id} from ${coupons} where ${coupons.dedupeKey} = ${dedupeKey})`)

  const find = (id: number) => storedCoupon(db, eq(coupons.id, id))

  return {
    ...createCouponTemplateStore(db),

    issueWrites(plan: IssuePlan) {
      const { template } = plan
      return [
        db
          .update(couponTemplates)
          .set({ issuedCount: sql`${couponTemplates.issuedCount} + 1` })
          .where(eq(couponTemplates.id, template.id)),
        db
          .insert(couponMemberCounts)
          .values({
            templateId: template.id,
            memberId: plan.memberId,
            issued: 1,
            limit: template.perMemberLimit,
          })
          .onConflictDoUpdate({
            target: [couponMemberCounts.templateId, couponMemberCounts.memberId],
            set: {
              issued: sql`${couponMemberCounts.issued} + 1`,
              limit: template.perMemberLimit,
            },
          }),
        db.insert(coupons).values({
          templateId: template.id,
          memberId: plan.memberId,
          source: plan.source,
          sourceRef: plan.sourceRef,
          state: 'issued',
          issuedAt: plan.issuedAt,
          expiresAt: plan.expiresAt,
          dedupeKey: plan.dedupeKey,
          shortCode: plan.shortCode,
        }),
        uow.event({
          type: 'coupon.issued',
          memberId: plan.memberId,
          data: {
            couponId: couponIdRef(plan.dedupeKey),
            templateId: template.id,
            source: plan.source,
            expiresAt: plan.expiresAt,
          },
          occurredAt: plan.issuedAt,
          dedupeKey: `coupon.issued:${plan.dedupeKey}`,
        }),
      ]
    },

    couponIdRef,

    findByDedupeKey: (key) => storedCoupon(db, eq(coupons.dedupeKey, key)),
    findByShortCode: (code) => storedCoupon(db, eq(coupons.shortCode, code)),
    assignShortCodeWrite: (id, code) =>
      db
        .update(coupons)
        .set({ shortCode: code })
        .where(and(eq(coupons.id, id), isNull(coupons.shortCode))),

    find,

    async listForMember(memberId): Promise<CouponView[]> {
      const rows = await db
        .select(couponColumns)
        .from(coupons)
        .innerJoin(couponTemplates, eq(couponTemplates.id, coupons.templateId))
        .where(eq(coupons.memberId, memberId))
        .orderBy(desc(coupons.issuedAt), desc(coupons.id))
        .limit(200)
      return rows.map(({ memberId: _member, ...view }) => view)
    },

    redeemWrite(input) {
      return db
        .update(coupons)
        .set({
          state: 'redeemed',
          redeemedAt: input.now,
          redeemedBy: input.staffId,
          redeemedVia: input.via,
        })
        .where(
          and(
            eq(coupons.id, input.couponId),
            eq(coupons.state, 'issued'),
            gt(coupons.expiresAt, input.now),
            input.memberId === null ? undefined : eq(coupons.memberId, input.memberId),
          ),
        )
    },

    revokeWrite(id, now) {
      return db
        .update(coupons)
        .set({ state: 'revoked', revokedAt: now })
        .where(and(eq(coupons.id, id), eq(coupons.state, 'issued')))
    },

    async memberIdByNumber(memberNumber) {
      const [row] = await db
        .select({ id: members.id })
        .from(members)
        .where(eq(members.memberNumber, memberNumber))
      return row?.id ?? null
    },

    async memberNumberOf(memberId) {
      const [row] = await db
        .select({ n: members.memberNumber })
        .from(members)
        .where(eq(members.id, memberId))
      return row?.n ?? null
    },

    async firstFollowedAt(memberId) {
      const [row] = await db
        .select({ at: members.firstFollowedAt })
        .from(members)
        .where(eq(members.id, memberId))
      return row?.at ?? null
    },

    async expireDue(now, limit) {
      const due = await db
        .select({ id: coupons.id })
        .from(coupons)
        .where(and(eq(coupons.state, 'issued'), lte(coupons.expiresAt, now)))
        .limit(Math.min(limit, 90))
      if (due.length === 0) return 0
      const done = await db
        .update(coupons)
        .set({ state: 'expired' })
        .where(
          and(
            inArray(
              coupons.id,
              due.map((d) => d.id),
            ),
            eq(coupons.state, 'issued'),
            lte(coupons.expiresAt, now),
          ),
        )
        .returning({ id: coupons.id })
      return done.length
    },
  }
}
