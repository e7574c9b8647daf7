import { and, asc, desc, eq, gt, lte, sql, type Placeholder, type SQL } from 'drizzle-orm'
import {
  NotEnoughPoints,
  type ExpiringLot,
  type PointsRepository,
} from '../../domain/loyalty/points.ts'
import type { Write } from '../../domain/unit-of-work.ts'
import type { Database } from '../database.ts'
import { preparedWrite } from '../prepared-write.ts'
import { rowRef } from '../row-ref.ts'
import { pointBalances, pointLedger, pointLots, purchases } from '../schema.ts'

const ledgerColumns = {
  id: pointLedger.id,
  kind: pointLedger.kind,
  points: pointLedger.points,
  expiresAt: pointLedger.expiresAt,
  purchaseId: pointLedger.purchaseId,
  couponId: pointLedger.couponId,
  reason: pointLedger.reason,
  staffId: pointLedger.staffId,
  createdAt: pointLedger.createdAt,
}

const lotColumns = {
  ledgerId: pointLots.ledgerId,
  memberId: pointLots.memberId,
  remaining: pointLots.remaining,
  expiresAt: pointLots.expiresAt,
}

/** The member's balance, live lots and history reads (the points page, the chat): prepared once. */
function pointsReads(db: Database) {
  const balanceQuery = db
    .select({ sum: sql<number>`coalesce(sum(${pointLots.remaining}), 0)` })
    .from(pointLots)
    .where(
      and(
        eq(pointLots.memberId, sql.placeholder('memberId')),
        gt(pointLots.expiresAt, sql.placeholder('now')),
      ),
    )
    .prepare()
  const liveLotsQuery = db
    .select(lotColumns)
    .from(pointLots)
    .where(
      and(
        eq(pointLots.memberId, sql.placeholder('memberId')),
        gt(pointLots.remaining, 0),
        gt(pointLots.expiresAt, sql.placeholder('now')),
      ),
    )
    .orderBy(asc(pointLots.expiresAt), asc(pointLots.ledgerId))
    .prepare()
  const historyQuery = db
    .select(ledgerColumns)
    .from(pointLedger)
    .where(eq(pointLedger.memberId, sql.placeholder('memberId')))
    .orderBy(desc(pointLedger.createdAt), desc(pointLedger.id))
    .limit(sql.placeholder('limit'))
    .prepare()

  return { balanceQuery, liveLotsQuery, historyQuery }
}

export function createPointsRepository(db: Database): PointsRepository {
  const grant = grantStatements(db)
  const { balanceQuery, liveLotsQuery, historyQuery } = pointsReads(db)

  async function liveLots(memberId: number, now: number): Promise<ExpiringLot[]> {
    return (await liveLotsQuery.all({ memberId, now })) as ExpiringLot[]
  }

  /** Adds `delta` to the stored balance; a negative result fails the batch on the CHECK. */
  function balanceDelta(memberId: number, delta: number, now: number): Write {
    // SQLite checks the CHECK on the candidate row before ON CONFLICT: a decrement is an UPDATE.
    if (delta < 0) {
      return db
        .update(pointBalances)
        .set({ balance: sql`${pointBalances.balance} + ${delta}`, updatedAt: now })
        .where(eq(pointBalances.memberId, memberId))
    }
    return db
      .insert(pointBalances)
      .values({ memberId, balance: delta, updatedAt: now })
      .onConflictDoUpdate({
        target: pointBalances.memberId,
        set: { balance: sql`${pointBalances.balance} + ${delta}`, updatedAt: now },
      })
  }

  return {
    async balance(memberId, now) {
      const row = (await balanceQuery.get({ memberId, now })) as { sum: number | null } | undefined
      return Number(row?.sum ?? 0)
    },

    balanceRef(memberId, now) {
      return rowRef(
        sql`(select coalesce(sum(${pointLots.remaining}), 0) from ${pointLots} where ${pointLots.memberId} = ${memberId} and ${pointLots.expiresAt} > ${now})`,
      )
    },

    async storedBalance(memberId) {
      const [row] = await db
        .select({ balance: pointBalances.balance })
        .from(pointBalances)
        .where(eq(pointBalances.memberId, memberId))
      return row?.balance ?? 0
    },

    async ledgerSum(memberId) {
      const [row] = await db
        .select({ sum: sql<number>`coalesce(sum(${pointLedger.points}), 0)` })
        .from(pointLedger)
        .where(eq(pointLedger.memberId, memberId))
      return Number(row?.sum ?? 0)
    },

    liveLots,

    async spendWrites(input) {
      if (!Number.isInteger(input.points) || input.points <= 0) {
        throw new RangeError('points to spend must be a positive integer')
      }
      const lots = await liveLots(input.memberId, input.now)
      if (input.preferLedgerId != null) {
        const preferred = lots.findIndex((l) => l.ledgerId === input.preferLedgerId)
        if (preferred > 0) lots.unshift(...lots.splice(preferred, 1))
      }
      const available = lots.reduce((sum, lot) => sum + lot.remaining, 0)
      if (available < input.points) throw new NotEnoughPoints(available)

      const statements: Write[] = []
      let left = input.points
      for (const lot of lots) {
        if (left === 0) break
        const take = Math.min(left, lot.remaining)
        left -= take
        // A lot that expired meanwhile turns negative, so the CHECK fails the batch; so does a lot
        // a concurrent spend consumed first.
        statements.push(
          db
            .update(pointLots)
            .set({
              remaining: sql`case when ${pointLots.expiresAt} > ${input.now} then ${pointLots.remaining} - ${take} else -1 end`,
            })
            .where(eq(pointLots.ledgerId, lot.ledgerId)),
        )
      }
      statements.push(balanceDelta(input.memberId, -input.points, input.now))
      statements.push(
        db.insert(pointLedger).values({
          memberId: input.memberId,
          kind: input.kind,
          points: -input.points,
          purchaseId: input.purchaseId ?? null,
          couponId: input.couponId ?? null,
          reason: input.reason ?? null,
          staffId: input.staffId ?? null,
          dedupeKey: input.dedupeKey ?? null,
          createdAt: input.now,
        }),
      )
      return statements
    },

    grantWrites(input) {
      if (!Number.isInteger(input.points) || input.points <= 0) {
        throw new RangeError('points to grant must be a positive integer')
      }
      const latest = input.purchaseId === 'latest'
      const values = {
        memberId: input.memberId,
        kind: input.kind,
        points: input.points,
        expiresAt: input.expiresAt,
        purchaseId: latest ? null : (input.purchaseId ?? null),
        reason: input.reason ?? null,
        staffId: input.staffId ?? null,
        dedupeKey: input.dedupeKey,
        now: input.now,
      }
      return [
        (latest ? grant.ledgerForLatestPurchase : grant.ledger)(values),
        grant.lot({ dedupeKey: input.dedupeKey }),
        grant.balance({ memberId: input.memberId, delta: input.points, now: input.now }),
      ]
    },

    expireWrites(lot, now) {
      return [
        db
          .update(pointLots)
          .set({ remaining: sql`${pointLots.remaining} - ${lot.remaining}` })
          .where(eq(pointLots.ledgerId, lot.ledgerId)),
        balanceDelta(lot.memberId, -lot.remaining, now),
        db.insert(pointLedger).values({
          memberId: lot.memberId,
          kind: 'expire',
          points: -lot.remaining,
          reason: null,
          dedupeKey: `expire:lot:${lot.ledgerId}`,
          createdAt: now,
        }),
      ]
    },

    async dueLots(now, limit) {
      return db
        .select(lotColumns)
        .from(pointLots)
        .where(and(lte(pointLots.expiresAt, now), gt(pointLots.remaining, 0)))
        .orderBy(asc(pointLots.expiresAt), asc(pointLots.ledgerId))
        .limit(limit)
    },

    async history(memberId, limit) {
      return (await historyQuery.all({ memberId, limit })) as Awaited<
        ReturnType<PointsRepository['history']>
      >
    },

    async hasDedupeKey(dedupeKey) {
      const [row] = await db
        .select({ id: pointLedger.id })
        .from(pointLedger)
        .where(eq(pointLedger.dedupeKey, dedupeKey))
      return row !== undefined
    },

    async grantForPurchase(purchaseId) {
      const [row] = await db
        .select(ledgerColumns)
        .from(pointLedger)
        .where(and(eq(pointLedger.purchaseId, purchaseId), eq(pointLedger.kind, 'grant')))
      return row ?? null
    },
  }
}

/**
 * A grant's three writes prepared once (a purchase commits them every time): the ledger row (for
 * the purchase just added in the same batch, or a given one), its lot, and the stored balance.
 */
function grantStatements(db: Database) {
  const p = sql.placeholder
  const ledger = (purchaseId: SQL | Placeholder) =>
    preparedWrite(
      db.insert(pointLedger).values({
        memberId: p('memberId'),
        kind: p('kind'),
        points: p('points'),
        expiresAt: p('expiresAt'),
        purchaseId,
        reason: p('reason'),
        staffId: p('staffId'),
        dedupeKey: p('dedupeKey'),
        createdAt: p('now'),
      }),
    )
  return {
    ledger: ledger(p('purchaseId')),
    // Inside one batch the transaction is the only writer, so max(id) is the row just added.
    ledgerForLatestPurchase: ledger(sql`(select max(${purchases.id}) from ${purchases})`),
    lot: preparedWrite(
      db.insert(pointLots).select(
        db
          .select({
            ledgerId: pointLedger.id,
            memberId: pointLedger.memberId,
            remaining: pointLedger.points,
            expiresAt: sql<number>`${pointLedger.expiresAt}`.as('expires_at'),
          })
          .from(pointLedger)
          .where(eq(pointLedger.dedupeKey, p('dedupeKey'))),
      ),
    ),
    balance: preparedWrite(
      db
        .insert(pointBalances)
        .values({ memberId: p('memberId'), balance: p('delta'), updatedAt: p('now') })
        .onConflictDoUpdate({
          target: pointBalances.memberId,
          set: {
            balance: sql`${pointBalances.balance} + excluded.balance`,
            updatedAt: sql`excluded.updated_at`,
          },
        }),
    ),
  }
}
