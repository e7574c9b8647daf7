import { and, desc, eq, sql } from 'drizzle-orm'
import type { StampStore } from '../../domain/stamps/stamps.ts'
import { isRowRef } from '../../domain/unit-of-work.ts'
import type { Database } from '../database.ts'
import { rowRefSql } from '../row-ref.ts'
import { stampLedger } from '../schema.ts'

export function createStampStore(db: Database): StampStore {
  return {
    earnWrite({ memberId, purchaseId, stamps, now }) {
      return db
        .insert(stampLedger)
        .values({
          memberId,
          kind: 'earn',
          stamps,
          purchaseId,
          dedupeKey: `earn:${purchaseId}`,
          createdAt: now,
        })
        .onConflictDoNothing({ target: stampLedger.dedupeKey })
    },

    reverseWrite({ memberId, purchaseId, now }) {
      // Minus exactly what the purchase earned, and only if it earned (a points-only purchase
      // has no 'earn' row, so its refund writes nothing).
      // A lazy builder (a batch item on both drivers): insert … select over every column in order.
      return db
        .insert(stampLedger)
        .select(
          sql`select null, ${memberId}, 'reverse', -${stampLedger.stamps}, ${purchaseId}, null, null, null, ${`reverse:${purchaseId}`}, ${now}
            from ${stampLedger}
            where ${stampLedger.dedupeKey} = ${`earn:${purchaseId}`} and ${stampLedger.memberId} = ${memberId}`,
        )
        .onConflictDoNothing({ target: stampLedger.dedupeKey })
    },

    rewardWrite({ memberId, cardNo, goal, couponId, note, now }) {
      return db.insert(stampLedger).values({
        memberId,
        kind: 'reward',
        stamps: -goal,
        cardNo,
        couponId: isRowRef(couponId) ? sql`${rowRefSql(couponId)}` : couponId,
        note,
        dedupeKey: `reward:${memberId}:${cardNo}`,
        createdAt: now,
      })
    },

    async card(memberId) {
      const [row] = await db
        .select({
          balance: sql<number>`coalesce(sum(${stampLedger.stamps}), 0)`,
          cardsCompleted: sql<number>`coalesce(sum(case when ${stampLedger.kind} = 'reward' then 1 else 0 end), 0)`,
        })
        .from(stampLedger)
        .where(eq(stampLedger.memberId, memberId))
      return {
        balance: Number(row?.balance ?? 0),
        cardsCompleted: Number(row?.cardsCompleted ?? 0),
      }
    },

    async history(memberId, limit) {
      return db
        .select({
          id: stampLedger.id,
          kind: stampLedger.kind,
          stamps: stampLedger.stamps,
          purchaseId: stampLedger.purchaseId,
          cardNo: stampLedger.cardNo,
          couponId: stampLedger.couponId,
          note: stampLedger.note,
          createdAt: stampLedger.createdAt,
        })
        .from(stampLedger)
        .where(and(eq(stampLedger.memberId, memberId)))
        .orderBy(desc(stampLedger.id))
        .limit(limit)
    },
  }
}
