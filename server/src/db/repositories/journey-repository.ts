import {
  JourneyGoalSchema,
  JourneyStepSchema,
  JourneyTriggerSchema,
  type GroupOutcome,
  type JourneyTimelineEntry,
} from '@joren/shared'
import { and, asc, eq, inArray, lte, sql, type SQL } from 'drizzle-orm'
import type { SQLiteUpdateSetSource } from 'drizzle-orm/sqlite-core'
import type { ContactStore } from '../../domain/contact-policy/policy.ts'
import type {
  ClaimedRun,
  JourneyStore,
  MemberFacts,
  StoredJourney,
} from '../../domain/journeys/store.ts'
import { medianGap } from '../../domain/journeys/schedule.ts'
import type { Database } from '../database.ts'
import { rowRef } from '../row-ref.ts'
import {
  journeyRuns,
  journeys,
  journeyStepLog,
  marketingContacts,
  memberPurchaseCycles,
} from '../schema.ts'
import { compileSegment } from '../segments/compile.ts'
import { reachFloor } from '../segments/reach.ts'
import { createSegmentRepository } from './segment-repository.ts'

type Row = typeof journeys.$inferSelect
type RunRow = typeof journeyRuns.$inferSelect

function toJourney(row: Row): StoredJourney {
  return {
    id: row.id,
    templateKey: row.templateKey,
    name: row.name,
    trigger: JourneyTriggerSchema.parse(JSON.parse(row.trigger)),
    audienceSegmentId: row.audienceSegmentId,
    steps: JourneyStepSchema.array().parse(JSON.parse(row.steps)),
    goal: JourneyGoalSchema.parse(JSON.parse(row.goal)),
    holdoutPercent: row.holdoutPercent,
    priority: row.priority,
    enabled: row.enabled,
    triggerCursor: row.triggerCursor,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}

function toRun(row: RunRow): ClaimedRun {
  return {
    id: row.id,
    journeyId: row.journeyId,
    memberId: row.memberId,
    occurrence: row.occurrence,
    enteredAt: row.enteredAt,
    nextStep: row.nextStep,
    scheduledAt: row.scheduledAt,
    nextDueAt: row.nextDueAt,
    token: row.lockedUntil ?? 0,
  }
}

const num = (v: unknown): number => Number(v ?? 0)
/** Member IDs per statement (bound parameters stay well under SQLite's and D1's limits). */
const IDS_PER_STATEMENT = 90

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

function group(
  members: number,
  purchasers: number,
  purchases: number,
  revenue: number,
): GroupOutcome {
  return {
    members,
    purchasers,
    purchases,
    revenueYen: revenue,
    conversion: members === 0 ? null : purchasers / members,
  }
}

/** Tier about to drop: the due members, one member's facts, and the ranges staff edits recompute. */
function tierDropStore(
  db: Database,
): Pick<
  JourneyStore,
  | 'tierDropMembers'
  | 'tierDropFacts'
  | 'setTierDropAt'
  | 'tierMemberCeiling'
  | 'tierDropAnchors'
  | 'tierDropsWrites'
> {
  const all = async <T>(q: SQL): Promise<T[]> => (await db.all(q)) as T[]
  return {
    async tierDropMembers(from, to, after, limit) {
      const rows = await all<{ id: number; at: number }>(
        sql`SELECT member_id AS id, tier_drops_at AS at FROM member_purchase_cycles
          WHERE tier_drops_at > ${from} AND tier_drops_at <= ${to}
            AND (tier_drops_at > ${after.at} OR (tier_drops_at = ${after.at} AND member_id > ${after.memberId}))
          ORDER BY tier_drops_at, member_id LIMIT ${limit}`,
      )
      return rows.map((r) => ({ memberId: num(r.id), dropsAt: num(r.at) }))
    },
    async tierDropFacts(memberId, since) {
      // The member's tier threshold, only when some tier sits below it (else nothing to lose).
      const [tier] = await all<{ min: number }>(
        sql`SELECT t.min_spend_yen AS min FROM member_tiers mt JOIN tiers t ON t.id = mt.tier_id
          WHERE mt.member_id = ${memberId}
            AND EXISTS (SELECT 1 FROM tiers lower WHERE lower.min_spend_yen < t.min_spend_yen)`,
      )
      if (!tier) return { thresholdYen: null, purchases: [] }
      const rows = await all<{ at: number; yen: number }>(
        sql`SELECT purchased_at AS at, amount_yen AS yen FROM purchases
          WHERE member_id = ${memberId} AND status = 'completed' AND purchased_at > ${since}
          ORDER BY purchased_at`,
      )
      return {
        thresholdYen: num(tier.min),
        purchases: rows.map((r) => ({ at: num(r.at), yen: num(r.yen) })),
      }
    },
    async setTierDropAt(memberId, dropsAt, now) {
      await db
        .insert(memberPurchaseCycles)
        .values({ memberId, purchases: 0, tierDropsAt: dropsAt, updatedAt: now })
        .onConflictDoUpdate({
          target: memberPurchaseCycles.memberId,
          set: { tierDropsAt: dropsAt, updatedAt: now },
        })
    },
    async tierMemberCeiling() {
      const [row] = await all<{ n: number | null }>(
        sql`SELECT max(n) AS n FROM (SELECT max(member_id) AS n FROM member_tiers
          UNION ALL SELECT max(member_id) FROM member_purchase_cycles WHERE tier_drops_at IS NOT NULL)`,
      )
      return num(row?.n)
    },
    async tierDropAnchors(fromId, toId, since) {
      // One statement per range: the members' 12-month spend and its running sum in purchase
      // order (the covering purchases_member_idx); the anchor is the first purchase after which
      // what is left falls under the tier's threshold.
      const rows = await all<{ id: number; at: number }>(
        sql`WITH m AS (
            SELECT mt.member_id, t.min_spend_yen AS th FROM member_tiers mt JOIN tiers t ON t.id = mt.tier_id
            WHERE mt.member_id >= ${fromId} AND mt.member_id < ${toId}
              AND EXISTS (SELECT 1 FROM tiers lower WHERE lower.min_spend_yen < t.min_spend_yen)),
          p AS (
            SELECT p.member_id, p.purchased_at AS at, m.th,
              sum(p.amount_yen) OVER (PARTITION BY p.member_id) AS total,
              sum(p.amount_yen) OVER (PARTITION BY p.member_id ORDER BY p.purchased_at
                ROWS UNBOUNDED PRECEDING) AS running
            FROM m JOIN purchases p ON p.member_id = m.member_id
            WHERE p.status = 'completed' AND p.purchased_at > ${since})
          SELECT member_id AS id, min(at) AS at FROM p
          WHERE total >= th AND total - running < th GROUP BY member_id`,
      )
      return rows.map((r) => ({ memberId: num(r.id), purchasedAt: num(r.at) }))
    },
    tierDropsWrites(fromId, toId, drops, now) {
      const json = JSON.stringify(drops.map((d) => [d.memberId, d.dropsAt]))
      return [
        db
          .update(memberPurchaseCycles)
          .set({ tierDropsAt: null, updatedAt: now })
          .where(
            sql`${memberPurchaseCycles.memberId} >= ${fromId} AND ${memberPurchaseCycles.memberId} < ${toId}
              AND ${memberPurchaseCycles.tierDropsAt} IS NOT NULL
              AND ${memberPurchaseCycles.memberId} NOT IN (SELECT json_extract(value, '$[0]') FROM json_each(${json}))`,
          ),
        // Every column in table order (INSERT … SELECT); a new summary row counts no purchases.
        db
          .insert(memberPurchaseCycles)
          .select(
            sql`SELECT json_extract(value, '$[0]'), 0, NULL, NULL, NULL, json_extract(value, '$[1]'), ${now}
              FROM json_each(${json}) WHERE true`,
          )
          .onConflictDoUpdate({
            target: memberPurchaseCycles.memberId,
            set: { tierDropsAt: sql`excluded.tier_drops_at`, updatedAt: now },
            setWhere: sql`${memberPurchaseCycles.tierDropsAt} IS NOT excluded.tier_drops_at`,
          }),
      ]
    },
  }
}

/**
 * The scheduler's writes for a claimed batch, set-based: one statement per table whatever the
 * batch's size, the rows travelling as one JSON parameter (D1 binds at most 100 parameters).
 * Each keeps the single-row write's keys and guards: a log row once per (run, step), a contact
 * once per ref, a run changed only while it is still active at the step it was claimed at.
 */
function runWritesStore(
  db: Database,
): Pick<JourneyStore, 'logsWrite' | 'advancesWrite' | 'defersWrite' | 'endsWrite' | 'endWrite'> &
  Pick<ContactStore, 'recordWrite' | 'recordManyWrite'> {
  const rowsOf = (rows: readonly unknown[][]) =>
    sql`(SELECT value FROM json_each(${JSON.stringify(rows)}))`
  const v = (i: number) => sql.raw(`json_extract(v.value, '$[${i}]')`)
  /** `UPDATE journey_runs … FROM` the batch's rows, guarded per row. */
  const runUpdate = (
    rows: readonly unknown[][],
    set: SQLiteUpdateSetSource<typeof journeyRuns>,
    guard: SQL,
  ) =>
    db
      .update(journeyRuns)
      .set(set)
      .from(sql`${rowsOf(rows)} AS v`)
      .where(and(sql`${journeyRuns.id} = ${v(0)}`, eq(journeyRuns.status, 'active'), guard))
  return {
    logsWrite(entries) {
      const rows = entries.map((e) => [
        e.runId,
        e.journeyId,
        e.memberId,
        e.step,
        e.outcome,
        e.reason,
        e.outboxKey,
        e.couponId,
        e.at,
      ])
      // Every column in table order (INSERT … SELECT).
      return db
        .insert(journeyStepLog)
        .select(
          sql`SELECT NULL, ${v(0)}, ${v(1)}, ${v(2)}, ${v(3)}, ${v(4)}, ${v(5)}, ${v(6)}, ${v(7)}, ${v(8)}
            FROM ${rowsOf(rows)} AS v WHERE true`,
        )
        .onConflictDoNothing()
    },
    advancesWrite(advances, now) {
      const rows = advances.map((a) => [
        a.runId,
        a.step,
        a.advance.kind === 'completed' ? 1 : 0,
        a.advance.kind === 'next' ? a.advance.nextStep : null,
        a.advance.kind === 'next' ? a.advance.scheduledAt : null,
        a.advance.kind === 'next' ? a.advance.nextDueAt : null,
        a.sentStep,
      ])
      const done = sql`${v(2)} = 1`
      return runUpdate(
        rows,
        {
          status: sql`CASE WHEN ${done} THEN 'completed' ELSE ${journeyRuns.status} END`,
          nextStep: sql`CASE WHEN ${done} THEN ${journeyRuns.nextStep} ELSE ${v(3)} END`,
          scheduledAt: sql`CASE WHEN ${done} THEN ${journeyRuns.scheduledAt} ELSE ${v(4)} END`,
          nextDueAt: sql`CASE WHEN ${done} THEN NULL ELSE ${v(5)} END`,
          lockedUntil: null,
          endedAt: sql`CASE WHEN ${done} THEN ${now} ELSE ${journeyRuns.endedAt} END`,
          lastSentStep: sql`coalesce(${v(6)}, ${journeyRuns.lastSentStep})`,
        },
        sql`${journeyRuns.nextStep} = ${v(1)}`,
      )
    },
    defersWrite(defers) {
      return runUpdate(
        defers.map((d) => [d.runId, d.step, d.until]),
        { nextDueAt: sql`${v(2)}`, lockedUntil: null },
        sql`${journeyRuns.nextStep} = ${v(1)}`,
      )
    },
    endsWrite(ends, now) {
      return runUpdate(
        ends.map((e) => [e.runId, e.reason]),
        {
          status: 'exited',
          exitReason: sql`${v(1)}`,
          nextDueAt: null,
          lockedUntil: null,
          endedAt: now,
        },
        sql`true`,
      )
    },
    endWrite(runId, reason, now) {
      return db
        .update(journeyRuns)
        .set({
          status: 'exited',
          exitReason: reason,
          nextDueAt: null,
          lockedUntil: null,
          endedAt: now,
        })
        .where(and(eq(journeyRuns.id, runId), eq(journeyRuns.status, 'active')))
    },
    recordWrite(contact) {
      return db.insert(marketingContacts).values(contact).onConflictDoNothing()
    },
    recordManyWrite(contacts) {
      const rows = contacts.map((c) => [c.memberId, c.at, c.source, c.ref])
      return db
        .insert(marketingContacts)
        .select(
          sql`SELECT NULL, ${v(0)}, ${v(1)}, ${v(2)}, ${v(3)} FROM ${rowsOf(rows)} AS v WHERE true`,
        )
        .onConflictDoNothing()
    },
  }
}

export function createJourneyRepository(db: Database): JourneyStore & ContactStore {
  const all = async <T>(q: SQL): Promise<T[]> => (await db.all(q)) as T[]
  const segments = createSegmentRepository(db)
  const idList = (ids: number[]) =>
    sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )

  const draftColumns = (draft: {
    name: string
    trigger: StoredJourney['trigger']
    audienceSegmentId: number | null
    steps: StoredJourney['steps']
    goal: StoredJourney['goal']
    holdoutPercent: number
    priority: number
  }) => ({
    name: draft.name,
    triggerKind: draft.trigger.kind,
    trigger: JSON.stringify(draft.trigger),
    audienceSegmentId: draft.audienceSegmentId,
    steps: JSON.stringify(draft.steps),
    goal: JSON.stringify(draft.goal),
    holdoutPercent: draft.holdoutPercent,
    priority: draft.priority,
  })

  const repository: JourneyStore & ContactStore = {
    async list() {
      return (await db.select().from(journeys).orderBy(asc(journeys.id))).map(toJourney)
    },
    async find(id) {
      const [row] = await db.select().from(journeys).where(eq(journeys.id, id))
      return row ? toJourney(row) : null
    },
    async enabled() {
      return (await db.select().from(journeys).where(eq(journeys.enabled, true))).map(toJourney)
    },
    async templateKeys() {
      const rows = await db
        .select({ key: journeys.templateKey })
        .from(journeys)
        .where(sql`${journeys.templateKey} IS NOT NULL`)
      return rows.map((r) => r.key ?? '')
    },
    createWrite(draft, { templateKey, staffId, now }) {
      return db.insert(journeys).values({
        ...draftColumns(draft),
        templateKey,
        enabled: false,
        createdBy: staffId,
        createdAt: now,
        updatedAt: now,
      })
    },
    insertedId: () => rowRef(sql`last_insert_rowid()`),
    async findCreated(staffId, name, now) {
      const [row] = await db
        .select()
        .from(journeys)
        .where(
          and(
            eq(journeys.createdBy, staffId),
            eq(journeys.name, name),
            eq(journeys.createdAt, now),
          ),
        )
        .orderBy(sql`${journeys.id} DESC`)
        .limit(1)
      return row ? toJourney(row) : null
    },
    updateWrite(id, draft, now) {
      return db
        .update(journeys)
        .set({ ...draftColumns(draft), updatedAt: now })
        .where(eq(journeys.id, id))
    },
    setEnabledWrite(id, enabled, cursor, now) {
      return db
        .update(journeys)
        .set(
          enabled
            ? { enabled, triggerCursor: cursor, updatedAt: now }
            : { enabled, updatedAt: now },
        )
        .where(and(eq(journeys.id, id), eq(journeys.enabled, !enabled)))
    },
    async advanceCursor(id, cursor) {
      await db
        .update(journeys)
        .set({ triggerCursor: sql`max(coalesce(${journeys.triggerCursor}, 0), ${cursor})` })
        .where(eq(journeys.id, id))
    },

    async enter(runs) {
      let inserted = 0
      for (const part of chunks(runs, 50)) {
        const rows = await db
          .insert(journeyRuns)
          .values(
            part.map((r) => ({
              journeyId: r.journeyId,
              memberId: r.memberId,
              occurrence: r.occurrence,
              status: r.status,
              enteredAt: r.enteredAt,
              nextStep: 0,
              scheduledAt: r.scheduledAt,
              nextDueAt: r.scheduledAt,
              createdAt: r.now,
              endedAt: r.status === 'holdout' ? r.now : null,
            })),
          )
          .onConflictDoNothing()
          .returning({ id: journeyRuns.id })
        inserted += rows.length
      }
      return inserted
    },
    async following(memberIds) {
      const out = new Set<number>()
      for (const part of chunks([...new Set(memberIds)], IDS_PER_STATEMENT)) {
        const rows = await all<{ id: number }>(
          sql`SELECT id FROM members WHERE id IN (${idList(part)}) AND follow_state = 'following'`,
        )
        for (const r of rows) out.add(num(r.id))
      }
      return out
    },
    async inSegment(segmentId, memberIds, ctx) {
      const segment = await segments.find(segmentId)
      const out = new Set<number>()
      if (!segment) return out
      for (const part of chunks([...new Set(memberIds)], IDS_PER_STATEMENT)) {
        const rows = await all<{ id: number }>(
          sql`SELECT "members"."id" AS id FROM members WHERE "members"."id" IN (${idList(part)}) AND (${compileSegment(segment.rules, ctx)})`,
        )
        for (const r of rows) out.add(num(r.id))
      }
      return out
    },
    async claimDue(now, leaseMs, limit) {
      const token = now + leaseMs
      // One statement: the due runs (partial index on next_due_at), unleased or with a lease past,
      // take this claim's lease; a second scheduler's statement sees them leased.
      const rows = await db
        .update(journeyRuns)
        .set({ lockedUntil: token })
        .where(
          inArray(
            journeyRuns.id,
            db
              .select({ id: journeyRuns.id })
              .from(journeyRuns)
              .where(
                and(
                  eq(journeyRuns.status, 'active'),
                  lte(journeyRuns.nextDueAt, now),
                  sql`coalesce(${journeyRuns.lockedUntil}, 0) <= ${now}`,
                ),
              )
              .orderBy(asc(journeyRuns.nextDueAt))
              .limit(limit),
          ),
        )
        .returning()
      return rows.map(toRun)
    },
    async anyDue(now) {
      const rows = await all<{ one: number }>(
        sql`SELECT 1 AS one FROM journey_runs WHERE status = 'active' AND next_due_at <= ${now} LIMIT 1`,
      )
      return rows.length > 0
    },
    async memberFacts(memberId, since): Promise<MemberFacts | null> {
      const facts = await repository.memberFactsMany([{ runId: 0, memberId, since }])
      return facts.get(0) ?? null
    },
    async memberFactsMany(runs) {
      const out = new Map<number, MemberFacts>()
      if (runs.length === 0) return out
      // One statement for the whole chunk: the runs travel as one JSON parameter (D1 binds at most
      // 100 parameters), each joined to its member by the primary key.
      const wanted = JSON.stringify(runs.map((r) => [r.runId, r.memberId, r.since]))
      const rows = await all<{
        run_id: number
        id: number
        line_user_id: string
        language: string | null
        follow_state: string
        display_name: string | null
        sendable: number | null
        consent_at: number | null
        balance: number | null
        tier: string | null
        bought: number
      }>(sql`WITH q AS (
          SELECT json_extract(value, '$[0]') AS run_id, json_extract(value, '$[1]') AS member_id,
            json_extract(value, '$[2]') AS since
          FROM json_each(${wanted}))
        SELECT q.run_id, m.id, m.line_user_id, m.language, m.follow_state, m.display_name,
          s.sendable >= ${reachFloor()} AS sendable, pr.consent_updated_at AS consent_at, b.balance, t.name AS tier,
          EXISTS (SELECT 1 FROM purchases p WHERE p.member_id = m.id AND p.status = 'completed'
                  AND p.purchased_at > q.since) AS bought
        FROM q
        JOIN members m ON m.id = q.member_id
        LEFT JOIN member_rfm s ON s.member_id = m.id
        LEFT JOIN member_profiles pr ON pr.member_id = m.id
        LEFT JOIN point_balances b ON b.member_id = m.id
        LEFT JOIN member_tiers mt ON mt.member_id = m.id
        LEFT JOIN tiers t ON t.id = mt.tier_id`)
      for (const row of rows)
        out.set(num(row.run_id), {
          memberId: num(row.id),
          lineUserId: row.line_user_id,
          language: row.language,
          following: row.follow_state === 'following',
          sendable: num(row.sendable) === 1,
          name: row.display_name,
          points: row.balance === null ? 0 : num(row.balance),
          tier: row.tier,
          consentUpdatedAt: row.consent_at === null ? null : num(row.consent_at),
          purchasedSince: num(row.bought) === 1,
        })
      return out
    },
    async activeRunsOf(memberId) {
      const rows = await db
        .select()
        .from(journeyRuns)
        .where(and(eq(journeyRuns.memberId, memberId), eq(journeyRuns.status, 'active')))
      return rows.map(toRun)
    },
    ...runWritesStore(db),

    async birthdayMembers(mmdds, afterMemberId, limit) {
      const month = mmdds[0]?.slice(0, 2) ?? '00'
      const days = sql.join(
        mmdds.map((d) => sql`${d.slice(3)}`),
        sql`, `,
      )
      // The birth-month index narrows to a twelfth; the day and sendability filter the rest.
      const rows = await all<{ id: number }>(
        sql`SELECT p.member_id AS id FROM member_profiles p
          JOIN member_rfm s ON s.member_id = p.member_id AND s.sendable >= ${reachFloor()}
          WHERE p.birth_month = ${month} AND substr(p.birthday, 9, 2) IN (${days})
            AND p.member_id > ${afterMemberId}
          ORDER BY p.member_id LIMIT ${limit}`,
      )
      return rows.map((r) => ({ memberId: num(r.id) }))
    },
    async dormantMembers(from, to, after, limit) {
      const rows = await all<{ id: number; at: number }>(
        sql`SELECT member_id AS id, last_purchase_at AS at FROM member_rfm
          WHERE last_purchase_at > ${from} AND last_purchase_at <= ${to} AND sendable >= ${reachFloor()}
            AND (last_purchase_at > ${after.at} OR (last_purchase_at = ${after.at} AND member_id > ${after.memberId}))
          ORDER BY last_purchase_at, member_id LIMIT ${limit}`,
      )
      return rows.map((r) => ({ memberId: num(r.id), lastPurchaseAt: num(r.at) }))
    },
    async cycleMembers(from, to, minPurchases, after, limit) {
      const rows = await all<{ id: number; expected: number; last: number }>(
        sql`SELECT member_id AS id, expected_next_at AS expected, last_purchase_at AS last
          FROM member_purchase_cycles
          WHERE expected_next_at > ${from} AND expected_next_at <= ${to} AND purchases >= ${minPurchases}
            AND (expected_next_at > ${after.at} OR (expected_next_at = ${after.at} AND member_id > ${after.memberId}))
          ORDER BY expected_next_at, member_id LIMIT ${limit}`,
      )
      return rows.map((r) => ({
        memberId: num(r.id),
        expectedNextAt: num(r.expected),
        lastPurchaseAt: num(r.last),
      }))
    },
    async expiringPoints(from, to, after, limit) {
      // The lots' expiry index gives the order; grouping by (instant, member) keeps one entry per
      // member and expiry however many lots share it.
      const rows = await all<{ id: number; at: number; points: number }>(
        sql`SELECT member_id AS id, expires_at AS at, SUM(remaining) AS points FROM point_lots
          WHERE expires_at > ${from} AND expires_at <= ${to} AND remaining > 0
            AND (expires_at > ${after.at} OR (expires_at = ${after.at} AND member_id > ${after.memberId}))
          GROUP BY expires_at, member_id
          ORDER BY expires_at, member_id LIMIT ${limit}`,
      )
      return rows.map((r) => ({ memberId: num(r.id), expiresAt: num(r.at), points: num(r.points) }))
    },
    async expiringCoupons(from, to, after, limit) {
      const rows = await all<{ id: number; member: number; at: number }>(
        sql`SELECT id, member_id AS member, expires_at AS at FROM coupons
          WHERE state = 'issued' AND expires_at > ${from} AND expires_at <= ${to}
            AND (expires_at > ${after.at} OR (expires_at = ${after.at} AND id > ${after.couponId}))
          ORDER BY expires_at, id LIMIT ${limit}`,
      )
      return rows.map((r) => ({
        memberId: num(r.member),
        couponId: num(r.id),
        expiresAt: num(r.at),
      }))
    },

    ...tierDropStore(db),
    async refreshPurchaseCycle(memberId, now) {
      const rows = await all<{ at: number }>(
        sql`SELECT purchased_at AS at FROM purchases WHERE member_id = ${memberId} AND status = 'completed'
          ORDER BY purchased_at`,
      )
      const times = rows.map((r) => num(r.at))
      const gap = medianGap(times)
      const last = times.length > 0 ? (times[times.length - 1] ?? null) : null
      const values = {
        memberId,
        purchases: times.length,
        medianGapMs: gap,
        lastPurchaseAt: last,
        expectedNextAt: gap !== null && last !== null ? last + gap : null,
        updatedAt: now,
      }
      await db
        .insert(memberPurchaseCycles)
        .values(values)
        .onConflictDoUpdate({ target: memberPurchaseCycles.memberId, set: values })
    },
    async purchase(purchaseId) {
      const [row] = await all<{
        member_id: number
        amount_yen: number
        categories: string
        purchased_at: number
        status: string
      }>(
        sql`SELECT member_id, amount_yen, categories, purchased_at, status FROM purchases WHERE id = ${purchaseId}`,
      )
      if (!row || row.status !== 'completed') return null
      let categories: string[] = []
      try {
        const parsed: unknown = JSON.parse(row.categories)
        if (Array.isArray(parsed))
          categories = parsed.filter((c): c is string => typeof c === 'string')
      } catch {
        categories = []
      }
      return {
        memberId: num(row.member_id),
        amountYen: num(row.amount_yen),
        categories,
        purchasedAt: num(row.purchased_at),
      }
    },

    async runCounts(journeyId) {
      const rows = await all<{ status: string; reason: string | null; n: number }>(
        sql`SELECT status, exit_reason AS reason, count(*) AS n FROM journey_runs
          WHERE journey_id = ${journeyId} GROUP BY status, exit_reason`,
      )
      return rows.map((r) => ({ status: r.status, exitReason: r.reason, n: num(r.n) }))
    },
    async stepCounts(journeyId) {
      const rows = await all<{ step: number; outcome: string; reason: string | null; n: number }>(
        sql`SELECT step, outcome, reason, count(*) AS n FROM journey_step_log
          WHERE journey_id = ${journeyId} GROUP BY step, outcome, reason`,
      )
      return rows.map((r) => ({
        step: num(r.step),
        outcome: r.outcome as 'sent' | 'skipped' | 'deferred',
        reason: r.reason,
        n: num(r.n),
      }))
    },
    async waitingAt(journeyId) {
      const rows = await all<{ step: number; n: number }>(
        sql`SELECT next_step AS step, count(*) AS n FROM journey_runs
          WHERE journey_id = ${journeyId} AND status = 'active' GROUP BY next_step`,
      )
      return rows.map((r) => ({ step: num(r.step), n: num(r.n) }))
    },
    async convertedAfter(journeyId) {
      const rows = await all<{ step: number | null; n: number }>(
        sql`SELECT last_sent_step AS step, count(*) AS n FROM journey_runs
          WHERE journey_id = ${journeyId} AND exit_reason = 'converted' GROUP BY last_sent_step`,
      )
      return rows.map((r) => ({ step: r.step === null ? null : num(r.step), n: num(r.n) }))
    },
    async couponsRedeemed(journeyId) {
      const rows = await all<{ step: number; n: number }>(
        sql`SELECT l.step AS step, count(*) AS n FROM journey_step_log l
          JOIN coupons c ON c.id = l.coupon_id
          WHERE l.journey_id = ${journeyId} AND l.coupon_id IS NOT NULL AND c.state = 'redeemed'
          GROUP BY l.step`,
      )
      return rows.map((r) => ({ step: num(r.step), n: num(r.n) }))
    },
    async outcomes(journeyId, windowMs) {
      const rows = await all<{
        held: number
        members: number
        purchasers: number
        purchases: number
        revenue: number
      }>(sql`SELECT held, count(*) AS members, sum(n > 0) AS purchasers, sum(n) AS purchases,
            sum(rev) AS revenue
          FROM (SELECT r.status = 'holdout' AS held,
                  (SELECT count(*) FROM purchases p WHERE p.member_id = r.member_id
                     AND p.status = 'completed' AND p.purchased_at > r.entered_at
                     AND p.purchased_at <= r.entered_at + ${windowMs}) AS n,
                  (SELECT coalesce(sum(p.amount_yen), 0) FROM purchases p WHERE p.member_id = r.member_id
                     AND p.status = 'completed' AND p.purchased_at > r.entered_at
                     AND p.purchased_at <= r.entered_at + ${windowMs}) AS rev
                FROM journey_runs r WHERE r.journey_id = ${journeyId})
          GROUP BY held`)
      const pick = (held: number) => {
        const r = rows.find((x) => num(x.held) === held)
        return group(num(r?.members), num(r?.purchasers), num(r?.purchases), num(r?.revenue))
      }
      return { entered: pick(0), heldOut: pick(1) }
    },
    async timeline(memberId, limit) {
      const runs = await all<{
        id: number
        journey_id: number
        name: string
        status: string
        exit_reason: string | null
        entered_at: number
        next_step: number
        next_due_at: number | null
        ended_at: number | null
      }>(sql`SELECT r.id, r.journey_id, j.name, r.status, r.exit_reason, r.entered_at, r.next_step,
            r.next_due_at, r.ended_at
          FROM journey_runs r JOIN journeys j ON j.id = r.journey_id
          WHERE r.member_id = ${memberId} ORDER BY r.id DESC LIMIT ${limit}`)
      const logs = await all<{
        run_id: number
        journey_id: number
        step: number
        outcome: string
        reason: string | null
        at: number
      }>(sql`SELECT run_id, journey_id, step, outcome, reason, at FROM journey_step_log
          WHERE member_id = ${memberId} ORDER BY at DESC, id DESC LIMIT ${limit}`)
      const names = new Map(runs.map((r) => [num(r.id), r.name]))
      const out: JourneyTimelineEntry[] = []
      for (const r of runs) {
        const base = { journeyId: num(r.journey_id), journeyName: r.name, runId: num(r.id) }
        out.push({
          ...base,
          step: null,
          kind: r.status === 'holdout' ? 'held_out' : 'entered',
          reason: null,
          at: num(r.entered_at),
        })
        if (r.status === 'active' && r.next_due_at !== null)
          out.push({
            ...base,
            step: num(r.next_step),
            kind: 'due',
            reason: null,
            at: num(r.next_due_at),
          })
        if ((r.status === 'exited' || r.status === 'completed') && r.ended_at !== null)
          out.push({
            ...base,
            step: null,
            kind: r.status === 'exited' ? 'exited' : 'completed',
            reason: r.exit_reason,
            at: num(r.ended_at),
          })
      }
      for (const l of logs) {
        const name = names.get(num(l.run_id))
        if (name === undefined) continue
        out.push({
          journeyId: num(l.journey_id),
          journeyName: name,
          runId: num(l.run_id),
          step: num(l.step),
          kind: l.outcome as 'sent' | 'skipped' | 'deferred',
          reason: l.reason,
          at: num(l.at),
        })
      }
      return out.sort((a, b) => a.at - b.at || a.runId - b.runId).slice(-limit)
    },
    async memberIdByNumber(memberNumber) {
      const [row] = await all<{ id: number }>(
        sql`SELECT id FROM members WHERE member_number = ${memberNumber}`,
      )
      return row ? num(row.id) : null
    },

    // The contact policy's store (marketing pushes per member).
    async countSince(memberId, since) {
      const [row] = await all<{ n: number }>(
        sql`SELECT count(*) AS n FROM marketing_contacts WHERE member_id = ${memberId} AND at >= ${since}`,
      )
      return num(row?.n)
    },
    async countsSince(memberIds, since) {
      const out = new Map<number, number>()
      if (memberIds.length === 0) return out
      const rows = await all<{ id: number; n: number }>(
        sql`SELECT member_id AS id, count(*) AS n FROM marketing_contacts
          WHERE member_id IN (SELECT value FROM json_each(${JSON.stringify(memberIds)})) AND at >= ${since}
          GROUP BY member_id`,
      )
      for (const r of rows) out.set(num(r.id), num(r.n))
      return out
    },
  }
  return repository
}
