import type { StaffAlert } from '@joren/shared'
import { and, desc, eq, gt, isNull, lt, sql, type SQL } from 'drizzle-orm'
import { alias } from 'drizzle-orm/sqlite-core'
import type { AlertPushStore } from '../../domain/support/alert-push.ts'
import type { StaffAlertStore } from '../../domain/support/ports.ts'
import { isRowRef, type RowRef } from '../../domain/unit-of-work.ts'
import type { Atomic } from '../atomic.ts'
import type { Database } from '../database.ts'
import { insertSelectList } from '../insert-select.ts'
import { rowRefSql } from '../row-ref.ts'
import { members, staff, staffAlertPrefs, staffAlerts } from '../schema.ts'
import { outboxInsert } from './outbox-repository.ts'

const maxAlertId = sql<number>`coalesce((select max(${staffAlerts.id}) from ${staffAlerts}), 0)`

export function createStaffAlertStore(db: Database): StaffAlertStore {
  const resolver = alias(staff, 'resolver')
  const valueOf = (value: number | string | RowRef | null | undefined): SQL =>
    isRowRef(value) ? rowRefSql(value) : sql`${value ?? null}`
  return {
    raiseWrite(alert, options) {
      // RowRefs are filled in by the commit (the conversation it opens).
      const condition = options?.onlyIfChanged ? sql`changes() > 0` : sql`1`
      const select = insertSelectList(staffAlerts, {
        kind: alert.kind,
        memberId: alert.memberId,
        conversationId: valueOf(alert.conversationId),
        surveyResponseId: alert.surveyResponseId ?? null,
        summary: alert.summary,
        dedupeKey: valueOf(alert.dedupeKey),
        createdAt: alert.at,
      })
      return db
        .insert(staffAlerts)
        .select(sql`${select} WHERE ${condition}`)
        .onConflictDoNothing({ target: staffAlerts.dedupeKey })
    },

    /** Newest first, keyset on the ID. */
    async list(input: { open: boolean; beforeId: number | null; limit: number }) {
      const rows = await db
        .select({
          id: staffAlerts.id,
          kind: staffAlerts.kind,
          memberId: staffAlerts.memberId,
          memberNumber: members.memberNumber,
          memberName: members.displayName,
          conversationId: staffAlerts.conversationId,
          surveyResponseId: staffAlerts.surveyResponseId,
          summary: staffAlerts.summary,
          createdAt: staffAlerts.createdAt,
          resolvedAt: staffAlerts.resolvedAt,
          resolvedById: resolver.id,
          resolvedByName: resolver.displayName,
        })
        .from(staffAlerts)
        .leftJoin(members, eq(members.id, staffAlerts.memberId))
        .leftJoin(resolver, eq(resolver.id, staffAlerts.resolvedBy))
        .where(
          and(
            input.open ? isNull(staffAlerts.resolvedAt) : undefined,
            input.beforeId === null ? undefined : lt(staffAlerts.id, input.beforeId),
          ),
        )
        .orderBy(desc(staffAlerts.id))
        .limit(input.limit)
      return rows.map(
        ({ resolvedById, resolvedByName, ...row }): StaffAlert => ({
          ...row,
          resolvedBy:
            resolvedById !== null && resolvedByName !== null
              ? { id: resolvedById, displayName: resolvedByName }
              : null,
        }),
      )
    },

    async countOpen() {
      const row = await db
        .select({ n: sql<number>`count(*)` })
        .from(staffAlerts)
        .where(isNull(staffAlerts.resolvedAt))
        .get()
      return row?.n ?? 0
    },

    resolveWrite(id, staffId, now) {
      return db
        .update(staffAlerts)
        .set({ resolvedAt: now, resolvedBy: staffId })
        .where(and(eq(staffAlerts.id, id), isNull(staffAlerts.resolvedAt)))
    },

    async find(id) {
      const row = await db
        .select({
          id: staffAlerts.id,
          resolvedAt: staffAlerts.resolvedAt,
          resolvedBy: staffAlerts.resolvedBy,
        })
        .from(staffAlerts)
        .where(eq(staffAlerts.id, id))
        .get()
      return row ?? null
    },

    async prefs(staffId) {
      const row = await db
        .select({
          lineAlerts: staffAlertPrefs.lineAlerts,
          quietStart: staffAlertPrefs.quietStart,
          quietEnd: staffAlertPrefs.quietEnd,
        })
        .from(staffAlertPrefs)
        .where(eq(staffAlertPrefs.staffId, staffId))
        .get()
      return row ?? { lineAlerts: false, quietStart: null, quietEnd: null }
    },

    savePrefsWrite(staffId, prefs, now) {
      return db
        .insert(staffAlertPrefs)
        .values({ staffId, ...prefs, pushedThroughId: maxAlertId, updatedAt: now })
        .onConflictDoUpdate({
          target: staffAlertPrefs.staffId,
          set: {
            lineAlerts: prefs.lineAlerts,
            quietStart: prefs.quietStart,
            quietEnd: prefs.quietEnd,
            pushedThroughId: sql`case when ${prefs.lineAlerts ? 1 : 0} = 1 and ${staffAlertPrefs.lineAlerts} = 0 then ${maxAlertId} else ${staffAlertPrefs.pushedThroughId} end`,
            updatedAt: now,
          },
        })
    },
  }
}

/** The batched LINE push's storage; the enqueue and the advance commit together. */
export function createAlertPushStore(db: Database, atomic: Atomic): AlertPushStore {
  return {
    async recipients() {
      return db
        .select({
          staffId: staffAlertPrefs.staffId,
          lineUserId: staff.lineUserId,
          quietStart: staffAlertPrefs.quietStart,
          quietEnd: staffAlertPrefs.quietEnd,
          pushedThroughId: staffAlertPrefs.pushedThroughId,
        })
        .from(staffAlertPrefs)
        .innerJoin(staff, eq(staff.id, staffAlertPrefs.staffId))
        .where(eq(staffAlertPrefs.lineAlerts, true))
    },

    async pendingAfter(alertId) {
      const row = await db
        .select({
          newConversations: sql<number>`coalesce(sum(case when ${staffAlerts.kind} = 'new_conversation' and ${staffAlerts.resolvedAt} is null then 1 else 0 end), 0)`,
          lowScores: sql<number>`coalesce(sum(case when ${staffAlerts.kind} = 'low_score' and ${staffAlerts.resolvedAt} is null then 1 else 0 end), 0)`,
          otherAlerts: sql<number>`coalesce(sum(case when ${staffAlerts.kind} in ('webhook_parked', 'security', 'job_failed', 'data_request') and ${staffAlerts.resolvedAt} is null then 1 else 0 end), 0)`,
          throughId: sql<number>`coalesce(max(${staffAlerts.id}), ${alertId})`,
        })
        .from(staffAlerts)
        .where(gt(staffAlerts.id, alertId))
        .get()
      return row ?? { newConversations: 0, lowScores: 0, otherAlerts: 0, throughId: alertId }
    },

    async enqueueAndAdvance(input) {
      const advance = db
        .update(staffAlertPrefs)
        .set({ pushedThroughId: input.throughId, updatedAt: input.now })
        .where(
          and(
            eq(staffAlertPrefs.staffId, input.staffId),
            eq(staffAlertPrefs.pushedThroughId, input.fromId),
          ),
        )
      if (input.messages.length === 0) {
        await advance
        return
      }
      await atomic([
        outboxInsert(db, {
          dedupeKey: input.dedupeKey,
          lineUserId: input.lineUserId,
          replyToken: null,
          replyTokenExpiresAt: null,
          retryKey: input.retryKey,
          messages: input.messages,
          now: input.now,
        }),
        advance,
      ])
    },
  }
}
