import { sql } from 'drizzle-orm'
import type { BroadcastReportStore } from '../../../domain/broadcasts/store.ts'
import type { Database } from '../../database.ts'
import { allRows, num } from './rows.ts'

/** Reporting: progress, the result, who did not get it and why, and the attribution window. */
export function createBroadcastReport(db: Database): BroadcastReportStore {
  const all = allRows(db)
  return {
    async progress(id) {
      const recipients = await all<{ status: string; n: number }>(
        sql`SELECT status, count(*) AS n FROM broadcast_recipients WHERE broadcast_id = ${id} GROUP BY status`,
      )
      const chunks = await all<{ status: string; kind: string; n: number }>(
        sql`SELECT status, kind, count(*) AS n FROM broadcast_chunks WHERE broadcast_id = ${id} GROUP BY status, kind`,
      )
      const r = (s: string) => num(recipients.find((x) => x.status === s)?.n)
      const c = (s: string) =>
        chunks.filter((x) => x.status === s).reduce((a, x) => a + num(x.n), 0)
      const k = (s: string) => chunks.filter((x) => x.kind === s).reduce((a, x) => a + num(x.n), 0)
      return {
        recipients: {
          total: recipients.reduce((a, x) => a + num(x.n), 0),
          queued: r('queued'),
          sending: r('sending'),
          sent: r('sent'),
          failed: r('failed'),
          holdout: r('holdout'),
        },
        chunks: {
          total: chunks.reduce((a, x) => a + num(x.n), 0),
          pending: c('pending'),
          sending: c('sending'),
          sent: c('sent'),
          failed: c('failed'),
          cancelled: c('cancelled'),
          multicast: k('multicast'),
          push: k('push'),
        },
      }
    },

    async result(id) {
      const [counts] = await all<{ sent: number; failed: number; holdout: number; other: number }>(
        sql`SELECT coalesce(sum(status = 'sent'), 0) AS sent, coalesce(sum(status = 'failed'), 0) AS failed,
          coalesce(sum(status = 'holdout'), 0) AS holdout,
          coalesce(sum(status IN ('queued', 'sending')), 0) AS other
        FROM broadcast_recipients WHERE broadcast_id = ${id}`,
      )
      const failures = await all<{ reason: string | null; n: number }>(
        sql`SELECT last_error AS reason, sum(recipient_count) AS n FROM broadcast_chunks
          WHERE broadcast_id = ${id} AND status = 'failed' GROUP BY last_error ORDER BY n DESC`,
      )
      const [coupons] = await all<{ n: number }>(
        sql`SELECT count(*) AS n FROM coupons WHERE source = 'broadcast' AND source_ref = ${`broadcast:${id}`}`,
      )
      return {
        accepted: num(counts?.sent),
        failed: num(counts?.failed),
        failures: failures.map((f) => ({
          reason: f.reason ?? '不明なエラー',
          recipients: num(f.n),
        })),
        holdout: num(counts?.holdout),
        notSent: num(counts?.other),
        couponsIssued: num(coupons?.n),
      }
    },

    async failedRecipients(broadcastId, after, limit) {
      // Failed chunks in order (broadcast_chunks_broadcast_idx), each expanded to its members.
      const rows = await all<{
        chunkId: number
        position: number
        memberId: number
        memberNumber: string
        memberName: string | null
        reason: string | null
      }>(
        sql`SELECT c.id AS chunkId, CAST(j.key AS INTEGER) AS position, m.id AS memberId,
            m.member_number AS memberNumber, m.display_name AS memberName, c.last_error AS reason
          FROM broadcast_chunks c, json_each(c.member_ids) j
          JOIN members m ON m.id = j.value
          WHERE c.broadcast_id = ${broadcastId} AND c.status = 'failed'
            ${after ? sql`AND (c.id > ${after.chunkId} OR (c.id = ${after.chunkId} AND CAST(j.key AS INTEGER) > ${after.position}))` : sql``}
          ORDER BY c.id, CAST(j.key AS INTEGER)
          LIMIT ${limit}`,
      )
      return rows.map((r) => ({
        chunkId: num(r.chunkId),
        position: num(r.position),
        memberId: num(r.memberId),
        memberNumber: r.memberNumber,
        memberName: r.memberName,
        reason: r.reason ?? '不明なエラー',
      }))
    },

    async attribution(b) {
      const start = b.startedAt
      const end = start === null ? null : start + b.attributionDays * 86_400_000
      const outcome = async (holdout: boolean) => {
        const [row] = await all<{
          members: number
          purchasers: number
          purchases: number
          revenue: number
        }>(
          sql`SELECT count(*) AS members, coalesce(sum(p.n > 0), 0) AS purchasers,
              coalesce(sum(p.n), 0) AS purchases, coalesce(sum(p.yen), 0) AS revenue
            FROM broadcast_recipients r
            LEFT JOIN (SELECT member_id, count(*) AS n, sum(amount_yen) AS yen FROM purchases
                WHERE status = 'completed' AND purchased_at >= ${start ?? 0} AND purchased_at < ${end ?? 0}
                GROUP BY member_id) p ON p.member_id = r.member_id
            WHERE r.broadcast_id = ${b.id} AND r.holdout = ${holdout ? 1 : 0}
              ${holdout ? sql`` : sql`AND r.status = 'sent'`}`,
        )
        const members = num(row?.members)
        const purchasers = num(row?.purchasers)
        return {
          members,
          purchasers,
          purchases: num(row?.purchases),
          revenueYen: num(row?.revenue),
          conversion: members === 0 ? null : purchasers / members,
        }
      }
      const [coupons] = await all<{ issued: number; redeemed: number }>(
        sql`SELECT count(*) AS issued, coalesce(sum(state = 'redeemed' AND redeemed_at < ${end ?? 0}), 0) AS redeemed
          FROM coupons WHERE source = 'broadcast' AND source_ref = ${`broadcast:${b.id}`}`,
      )
      return {
        windowStart: start,
        windowEnd: end,
        recipients: await outcome(false),
        holdout: await outcome(true),
        coupons: { issued: num(coupons?.issued), redeemed: num(coupons?.redeemed) },
      }
    },
  }
}
