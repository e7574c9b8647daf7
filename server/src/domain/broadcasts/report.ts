import type {
  BroadcastAttribution,
  BroadcastProgress,
  BroadcastResult,
  FailedRecipientPage,
} from '@joren/shared'
import { InvalidRequest } from '../errors.ts'
import { computeLift } from '../lift/lift.ts'
import { loadBroadcast as load, type BroadcastDeps } from './engine.ts'

/** Reporting: progress while it goes, the result, who did not get it and why, and the lift. */
export function createReportQueries(deps: BroadcastDeps) {
  const { store } = deps
  return {
    async progress(id: number): Promise<BroadcastProgress> {
      const b = await load(deps, id)
      const p = await store.progress(id)
      return {
        status: b.status,
        error: b.error,
        startedAt: b.startedAt,
        finishedAt: b.finishedAt,
        ...p,
      }
    },

    async result(id: number): Promise<BroadcastResult> {
      const b = await load(deps, id)
      const [r, line] = await Promise.all([
        store.result(id),
        deps.lineStats?.forCampaigns([{ kind: 'broadcast', refId: id }]) ?? [],
      ])
      const stats = line[0]
      return {
        status: b.status,
        startedAt: b.startedAt,
        finishedAt: b.finishedAt,
        ...r,
        line: stats
          ? {
              unit: stats.unit,
              step: stats.step,
              opened: stats.opened,
              clicked: stats.clicked,
              from: stats.from,
              to: stats.to,
              reportedAt: stats.reportedAt,
            }
          : null,
      }
    },

    /** Who did not get it and why (LINE's reason in Japanese), keyset paged. */
    async failedRecipients(
      id: number,
      query: { cursor?: string; limit: number },
    ): Promise<FailedRecipientPage> {
      await load(deps, id)
      const match = query.cursor ? /^(\d{1,12})_(\d{1,4})$/.exec(query.cursor) : null
      if (query.cursor && !match) throw new InvalidRequest('cursor: 正しくないカーソルです')
      const after = match ? { chunkId: Number(match[1]), position: Number(match[2]) } : null
      const rows = await store.failedRecipients(id, after, query.limit + 1)
      const page = rows.slice(0, query.limit)
      const last = page.at(-1)
      return {
        items: page.map(({ memberId, memberNumber, memberName, reason }) => ({
          memberId,
          memberNumber,
          memberName,
          reason,
        })),
        nextCursor: rows.length > query.limit && last ? `${last.chunkId}_${last.position}` : null,
      }
    },

    async attribution(id: number): Promise<BroadcastAttribution> {
      const b = await load(deps, id)
      const a = await store.attribution(b)
      const lift = computeLift(a.recipients, a.holdout)
      return {
        days: b.attributionDays,
        ...a,
        lift: lift.difference,
        relativeLift: lift.relative,
        liftInterval95: lift.interval95,
      }
    },
  }
}
