import { and, desc, eq, inArray, sql } from 'drizzle-orm'
import type { BroadcastDraftStore } from '../../../domain/broadcasts/store.ts'
import type { Database } from '../../database.ts'
import { rowRef } from '../../row-ref.ts'
import { broadcasts, couponTemplates, members, staff } from '../../schema.ts'
import type { BroadcastGuards } from './guards.ts'
import { allRows, num, toBroadcast } from './rows.ts'

/** Composing: drafts, their status changes, and the values a test send renders with. */
export function createBroadcastDrafts(db: Database, guards: BroadcastGuards): BroadcastDraftStore {
  const all = allRows(db)
  const { statusGuard } = guards
  return {
    createWrite(draft, staffId, now) {
      return db.insert(broadcasts).values({
        title: draft.title,
        messages: JSON.stringify(draft.messages),
        audience: JSON.stringify(draft.audience),
        status: 'draft',
        scheduledAt: draft.scheduledAt,
        holdoutPercent: draft.holdoutPercent,
        attributionDays: draft.attributionDays,
        couponTemplateId: draft.messages.find((m) => m.type === 'coupon')?.templateId ?? null,
        createdBy: staffId,
        createdAt: now,
        updatedAt: now,
      })
    },

    insertedId: () => rowRef(sql`last_insert_rowid()`),

    async findCreated(staffId, title, now) {
      const [row] = await db
        .select()
        .from(broadcasts)
        .where(
          and(
            eq(broadcasts.createdBy, staffId),
            eq(broadcasts.title, title),
            eq(broadcasts.createdAt, now),
          ),
        )
        .orderBy(desc(broadcasts.id))
        .limit(1)
      return row ? toBroadcast(row) : null
    },

    updateWrite(id, draft, now) {
      return db
        .update(broadcasts)
        .set({
          title: draft.title,
          messages: JSON.stringify(draft.messages),
          audience: JSON.stringify(draft.audience),
          status: 'draft',
          scheduledAt: draft.scheduledAt,
          holdoutPercent: draft.holdoutPercent,
          attributionDays: draft.attributionDays,
          couponTemplateId: draft.messages.find((m) => m.type === 'coupon')?.templateId ?? null,
          updatedAt: now,
        })
        .where(and(eq(broadcasts.id, id), inArray(broadcasts.status, ['draft', 'scheduled'])))
    },

    statusGuardWrite(id, from) {
      return statusGuard(id, sql`NOT (${inArray(broadcasts.status, from)})`)
    },

    transitionWrite(id, from, to, now, patch = {}) {
      return db
        .update(broadcasts)
        .set({ status: to, updatedAt: now, ...patch })
        .where(and(eq(broadcasts.id, id), inArray(broadcasts.status, from)))
    },

    async find(id) {
      const [row] = await db.select().from(broadcasts).where(eq(broadcasts.id, id))
      return row ? toBroadcast(row) : null
    },

    async list(status, limit) {
      const rows = await db
        .select()
        .from(broadcasts)
        .where(status ? eq(broadcasts.status, status) : undefined)
        .orderBy(desc(broadcasts.id))
        .limit(limit)
      return rows.map(toBroadcast)
    },

    async transition(id, from, to, now, patch = {}) {
      const rows = await db
        .update(broadcasts)
        .set({ status: to, updatedAt: now, ...patch })
        .where(and(eq(broadcasts.id, id), inArray(broadcasts.status, from)))
        .returning({ id: broadcasts.id })
      return rows.length > 0
    },

    async valuesForLineUser(lineUserId) {
      const rows = await all<{
        id: number
        display_name: string | null
        balance: number | null
        tier: string | null
      }>(sql`SELECT m.id, m.display_name, pb.balance, t.name AS tier FROM members m
        LEFT JOIN point_balances pb ON pb.member_id = m.id
        LEFT JOIN member_tiers mt ON mt.member_id = m.id
        LEFT JOIN tiers t ON t.id = mt.tier_id
        WHERE m.line_user_id = ${lineUserId}`)
      const r = rows[0]
      if (!r) return null
      return {
        memberId: num(r.id),
        lineUserId,
        name: r.display_name,
        points: num(r.balance),
        tier: r.tier,
        coupon: null,
      }
    },

    async staffLineUsers(staffIds) {
      if (staffIds.length === 0) return []
      const rows = await db
        .select({ id: staff.id, lineUserId: staff.lineUserId, followState: members.followState })
        .from(staff)
        .leftJoin(members, eq(members.lineUserId, staff.lineUserId))
        .where(inArray(staff.id, staffIds))
      return rows.map((r) => ({
        id: r.id,
        lineUserId: r.lineUserId,
        following: r.followState === 'following',
      }))
    },

    async couponTitle(templateId) {
      const [row] = await db
        .select({ title: couponTemplates.title })
        .from(couponTemplates)
        .where(eq(couponTemplates.id, templateId))
      return row?.title ?? null
    },
  }
}
