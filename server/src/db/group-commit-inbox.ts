import type Sqlite from 'better-sqlite3'
import type { InboxRepository, NewInboxEvent } from '../domain/webhook/inbox.ts'

interface PendingStore {
  events: NewInboxEvent[]
  now: number
  resolve(stored: number): void
  reject(error: unknown): void
}

/**
 * Group commit for the webhook inbox on better-sqlite3: every `store()` called during one turn of
 * the event loop is written in ONE transaction (a commit costs ~60 µs, an insert inside a
 * transaction ~10 µs), through one prepared statement. Each caller's promise settles only after the
 * transaction holding its rows committed, so a 200 still means "stored". Replays are ignored as
 * before (`ON CONFLICT DO NOTHING`), also between two requests in the same group.
 */
export function groupCommitInbox(sqlite: Sqlite.Database, inner: InboxRepository): InboxRepository {
  const insert = sqlite.prepare<
    [
      string,
      string,
      string | null,
      string | null,
      number,
      number,
      string,
      number,
      number,
      string,
      string | null,
      number | null,
    ]
  >(
    `INSERT INTO webhook_events
       (event_id, type, line_user_id, reply_token, event_at, is_redelivery, payload, received_at,
        next_attempt_at, status, last_error, processed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (event_id) DO NOTHING`,
  )
  const commit = sqlite.transaction((group: PendingStore[]) =>
    group.map(({ events, now }) => {
      let stored = 0
      for (const e of events) {
        stored += insert.run(
          e.eventId,
          e.type,
          e.lineUserId,
          e.replyToken,
          e.eventAt,
          e.isRedelivery ? 1 : 0,
          e.payload,
          now,
          now,
          e.parkedReason === null ? 'pending' : 'parked',
          e.parkedReason,
          e.parkedReason === null ? null : now,
        ).changes
      }
      return stored
    }),
  )

  let queue: PendingStore[] = []

  function flush(): void {
    const group = queue
    queue = []
    let counts: number[]
    try {
      counts = commit(group)
    } catch {
      // One failing request must not fail the others that happened to share its transaction.
      for (const pending of group) {
        try {
          pending.resolve(commit([pending])[0] ?? 0)
        } catch (error) {
          pending.reject(error)
        }
      }
      return
    }
    for (let i = 0; i < group.length; i++) group[i]?.resolve(counts[i] ?? 0)
  }

  return {
    ...inner,
    store(events, now) {
      if (events.length === 0) return Promise.resolve(0)
      return new Promise<number>((resolve, reject) => {
        // setImmediate runs after the poll phase: every request read in this turn joins the group.
        if (queue.length === 0) setImmediate(flush)
        queue.push({ events, now, resolve, reject })
      })
    },
  }
}
