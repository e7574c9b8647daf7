import { sql, type SQL } from 'drizzle-orm'
import type { InsightStore } from '../../domain/kpis/insights.ts'
import type { KpiStore } from '../../domain/kpis/store.ts'
import type { Database } from '../database.ts'

const n = (v: unknown): number => Number(v ?? 0)

/** The dashboard's campaign and satisfaction reads (see domain/kpis/insights.ts). */
export function createInsightStore(
  db: Database,
  kpis: Pick<KpiStore, 'returningBuyers'>,
): InsightStore {
  const all = async <T>(q: SQL): Promise<T[]> => (await db.all(q)) as T[]
  const first = async <T>(q: SQL): Promise<T | undefined> => (await all<T>(q))[0]
  return {
    async couponsBySource(startAt, endAt) {
      const rows = await all<{ source: string; issued: number; redeemed: number }>(
        sql`SELECT source, count(*) AS issued, coalesce(sum(state = 'redeemed'), 0) AS redeemed
          FROM coupons WHERE issued_at >= ${startAt} AND issued_at < ${endAt} GROUP BY source`,
      )
      return rows.map((r) => ({ source: r.source, issued: n(r.issued), redeemed: n(r.redeemed) }))
    },

    async nps(startAt, endAt) {
      const r = await first<Record<string, number>>(
        sql`SELECT count(*) AS responses, coalesce(sum(nps_score >= 9), 0) AS promoters,
            coalesce(sum(nps_score BETWEEN 7 AND 8), 0) AS passives,
            coalesce(sum(nps_score <= 6), 0) AS detractors
          FROM survey_responses
          WHERE submitted_at >= ${startAt} AND submitted_at < ${endAt} AND nps_score IS NOT NULL`,
      )
      return {
        responses: n(r?.responses),
        promoters: n(r?.promoters),
        passives: n(r?.passives),
        detractors: n(r?.detractors),
      }
    },

    async csat(startAt, endAt) {
      // A rating question is one whose type in the answered version's questions is 'rating'.
      const r = await first<Record<string, number>>(
        sql`SELECT count(*) AS answers, coalesce(sum(a.number_value >= 4), 0) AS satisfied
          FROM survey_responses r
          JOIN survey_answers a ON a.response_id = r.id
          JOIN survey_versions v ON v.id = r.version_id
          WHERE r.submitted_at >= ${startAt} AND r.submitted_at < ${endAt}
            AND a.number_value IS NOT NULL
            AND EXISTS (SELECT 1 FROM json_each(v.questions) q
              WHERE json_extract(q.value, '$.id') = a.question_id
                AND json_extract(q.value, '$.type') = 'rating')`,
      )
      return { answers: n(r?.answers), satisfied: n(r?.satisfied) }
    },

    async respondents(startAt, endAt) {
      const r = await first<{ n: number }>(
        sql`SELECT count(DISTINCT member_id) AS n FROM survey_responses
          WHERE submitted_at >= ${startAt} AND submitted_at < ${endAt}`,
      )
      return n(r?.n)
    },

    // The dashboard's "friends" (kpi-repository memberCounts): the same expression.
    async friendsAt(endAt) {
      const r = await first<{ n: number }>(
        sql`SELECT count(*) AS n FROM members
          WHERE follow_state = 'following' AND coalesce(first_followed_at, created_at) < ${endAt}`,
      )
      return n(r?.n)
    },

    async startedBroadcasts(limit) {
      const rows = await all<{
        id: number
        title: string
        started_at: number
        attribution_days: number
      }>(
        sql`SELECT id, title, started_at, attribution_days FROM broadcasts
          WHERE started_at IS NOT NULL ORDER BY started_at DESC, id DESC LIMIT ${limit}`,
      )
      return rows.map((r) => ({
        id: n(r.id),
        title: r.title,
        startedAt: n(r.started_at),
        attributionDays: n(r.attribution_days),
      }))
    },

    async journeysWithRuns() {
      const rows = await all<{ id: number; name: string; days: number }>(
        sql`SELECT j.id, j.name, json_extract(j.goal, '$.days') AS days FROM journeys j
          WHERE EXISTS (SELECT 1 FROM journey_runs r WHERE r.journey_id = j.id) ORDER BY j.id`,
      )
      return rows.map((r) => ({ id: n(r.id), name: r.name, goalDays: n(r.days) }))
    },

    async messages(startAt, endAt) {
      const chat = await first<{ pushes: number; replies: number }>(
        sql`SELECT coalesce(sum(via IN ('push', 'multicast')), 0) AS pushes,
            coalesce(sum(via = 'reply'), 0) AS replies
          FROM chat_messages WHERE direction = 'out' AND delivery IS NULL
            AND created_at >= ${startAt} AND created_at < ${endAt}`,
      )
      const chunks = await first<{ n: number }>(
        sql`SELECT coalesce(sum(recipient_count), 0) AS n FROM broadcast_chunks
          WHERE status = 'sent' AND sent_at >= ${startAt} AND sent_at < ${endAt}`,
      )
      return { pushes: n(chat?.pushes) + n(chunks?.n), replies: n(chat?.replies) }
    },

    returningBuyers: (range) => kpis.returningBuyers(range),
  }
}
