import type { WebhookProblem, WebhookProblemPage } from '@joren/shared'
import { InvalidRequest } from '../errors.ts'

/** A stored event that was not handled, as its row says. */
export interface ProblemRow {
  rowId: number
  eventId: string
  type: string
  status: 'parked' | 'dead'
  lastError: string | null
  receivedAt: number
  eventAt: number
  attempts: number
  memberNumber: string | null
  memberName: string | null
  payload: string
}

export interface WebhookProblemReader {
  /** Parked and / or dead events, newest first, below the row ID `before` when given. */
  list(input: {
    statuses: readonly ('parked' | 'dead')[]
    before: number | null
    limit: number
  }): Promise<ProblemRow[]>
}

export const PAYLOAD_PREVIEW_CHARS = 4000

/**
 * What staff see for one row. A parked event's reason was written in Japanese when it arrived; a
 * dead one keeps the last error the processor saw (often from LINE or the database, in English),
 * so it is framed in Japanese.
 */
export function describeProblem(row: ProblemRow): WebhookProblem {
  const reason =
    row.status === 'parked'
      ? (row.lastError ?? '形が合わないため保留しました')
      : `${row.attempts}回試しても処理できませんでした（最後のエラー: ${row.lastError ?? '不明'}）`
  return {
    eventId: row.eventId,
    type: row.type,
    status: row.status,
    reason,
    receivedAt: row.receivedAt,
    eventAt: row.eventAt,
    attempts: row.attempts,
    memberNumber: row.memberNumber,
    memberName: row.memberName,
    payload: row.payload.slice(0, PAYLOAD_PREVIEW_CHARS),
    payloadTruncated: row.payload.length > PAYLOAD_PREVIEW_CHARS,
  }
}

/** The staff console's list of LINE events stored but not handled (parked or dead). */
export function createWebhookProblemsQuery(reader: WebhookProblemReader) {
  return {
    async page(query: {
      status: 'parked' | 'dead' | 'all'
      cursor?: string | undefined
      limit: number
    }): Promise<WebhookProblemPage> {
      let before: number | null = null
      if (query.cursor) {
        if (!/^\d{1,15}$/.test(query.cursor))
          throw new InvalidRequest('cursor: 正しくないカーソルです')
        before = Number(query.cursor)
      }
      const rows = await reader.list({
        statuses: query.status === 'all' ? ['parked', 'dead'] : [query.status],
        before,
        limit: query.limit + 1,
      })
      const page = rows.slice(0, query.limit)
      const last = page.at(-1)
      return {
        items: page.map(describeProblem),
        nextCursor: rows.length > query.limit && last ? String(last.rowId) : null,
      }
    },
  }
}

export type WebhookProblemsQuery = ReturnType<typeof createWebhookProblemsQuery>
