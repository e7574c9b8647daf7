import { and, eq, sql } from 'drizzle-orm'
import type { BroadcastDeliveryStore } from '../../../domain/broadcasts/store.ts'
import type { Database } from '../../database.ts'
import { insertSelectList } from '../../insert-select.ts'
import { broadcastChunks, broadcastRecipients, marketingContacts } from '../../schema.ts'
import type { BroadcastGuards } from './guards.ts'
import { allRows, num, toChunk, type ChunkRow } from './rows.ts'

/** Delivering: claim due chunks, record LINE's answer, split, retry, finish. */
export function createBroadcastDelivery(
  db: Database,
  guards: BroadcastGuards,
): BroadcastDeliveryStore {
  const all = allRows(db)
  const { commit } = guards
  return {
    async claimChunk(id, now, leaseMs) {
      // A pending chunk's locked_until is only ever a queue hold (holdDueChunks): the consumer
      // of its message may claim it; a sending chunk's is a sender's lease and is respected.
      const rows = await all<ChunkRow>(sql`UPDATE broadcast_chunks
        SET status = 'sending', locked_until = ${now + leaseMs}, attempts = attempts + 1
        WHERE id = ${id} AND status IN ('pending', 'sending') AND next_attempt_at <= ${now}
          AND (status = 'pending' OR locked_until IS NULL OR locked_until < ${now})
          AND broadcast_id IN (SELECT id FROM broadcasts WHERE status = 'sending')
        RETURNING id, broadcast_id AS broadcastId, kind, "to", member_ids AS memberIds,
          messages, retry_key AS retryKey, attempts, last_error AS lastError`)
      return rows[0] ? toChunk(rows[0]) : null
    },

    async claimDueChunks(now, leaseMs, limit) {
      const rows = await all<ChunkRow>(sql`UPDATE broadcast_chunks
        SET status = 'sending', locked_until = ${now + leaseMs}, attempts = attempts + 1
        WHERE id IN (SELECT c.id FROM broadcast_chunks c JOIN broadcasts b ON b.id = c.broadcast_id
            WHERE c.status IN ('pending', 'sending') AND c.next_attempt_at <= ${now}
              AND (c.locked_until IS NULL OR c.locked_until < ${now}) AND b.status = 'sending'
            ORDER BY c.id LIMIT ${limit})
        RETURNING id, broadcast_id AS broadcastId, kind, "to", member_ids AS memberIds,
          messages, retry_key AS retryKey, attempts, last_error AS lastError`)
      return rows.map(toChunk).sort((a, b) => a.id - b.id)
    },

    completeChunkWrites(chunk, outcome, now) {
      const status = outcome.status
      // A broadcast's accepted send counts toward each recipient's weekly cap (the contact
      // policy's store, which journeys read too); once per broadcast and member.
      const contacts =
        status === 'sent'
          ? [
              db
                .insert(marketingContacts)
                .select(
                  sql`${insertSelectList(marketingContacts, {
                    memberId: sql`value`,
                    at: now,
                    source: 'broadcast',
                    ref: sql`'broadcast:' || ${chunk.broadcastId} || ':' || value`,
                  })} FROM json_each(${JSON.stringify(chunk.memberIds)}) WHERE true`,
                )
                .onConflictDoNothing(),
            ]
          : []
      return [
        ...contacts,
        db
          .update(broadcastChunks)
          .set({
            status,
            lockedUntil: null,
            sentAt: status === 'sent' ? now : null,
            lineRequestId: outcome.status === 'sent' ? (outcome.requestId ?? null) : null,
            lastError: outcome.status === 'failed' ? outcome.error : null,
          })
          .where(eq(broadcastChunks.id, chunk.id)),
        db
          .update(broadcastRecipients)
          .set({ status })
          .where(
            and(
              eq(broadcastRecipients.broadcastId, chunk.broadcastId),
              sql`${broadcastRecipients.memberId} IN (SELECT value FROM json_each(${JSON.stringify(chunk.memberIds)}))`,
            ),
          ),
      ]
    },

    async splitChunk(chunk, keep, retryKeys, now) {
      const first = { to: chunk.to.slice(0, keep), memberIds: chunk.memberIds.slice(0, keep) }
      const rest = { to: chunk.to.slice(keep), memberIds: chunk.memberIds.slice(keep) }
      // The split applies only while this sender still holds the chunk as claimed: otherwise the
      // NOT NULL kind fails the batch and nothing changes.
      const guard = db
        .update(broadcastChunks)
        .set({ kind: sql`NULL` })
        .where(
          and(
            eq(broadcastChunks.id, chunk.id),
            sql`NOT (${broadcastChunks.status} = 'sending' AND ${broadcastChunks.attempts} = ${chunk.attempts})`,
          ),
        )
      try {
        await commit([
          guard,
          db
            .update(broadcastChunks)
            .set({
              kind: first.to.length === 1 ? 'push' : chunk.kind,
              to: JSON.stringify(first.to),
              memberIds: JSON.stringify(first.memberIds),
              recipientCount: first.memberIds.length,
              retryKey: retryKeys[0],
            })
            .where(eq(broadcastChunks.id, chunk.id)),
          db.insert(broadcastChunks).values({
            broadcastId: chunk.broadcastId,
            kind: rest.to.length === 1 ? 'push' : chunk.kind,
            to: JSON.stringify(rest.to),
            memberIds: JSON.stringify(rest.memberIds),
            recipientCount: rest.memberIds.length,
            messages: JSON.stringify(chunk.messages),
            retryKey: retryKeys[1],
            status: 'pending',
            nextAttemptAt: now,
            lastError: null,
          }),
        ])
      } catch (error) {
        const [row] = await db
          .select({ status: broadcastChunks.status, attempts: broadcastChunks.attempts })
          .from(broadcastChunks)
          .where(eq(broadcastChunks.id, chunk.id))
        if (row?.status !== 'sending' || row.attempts !== chunk.attempts) return null
        throw error
      }
      return {
        ...chunk,
        kind: first.to.length === 1 ? 'push' : chunk.kind,
        ...first,
        retryKey: retryKeys[0],
      }
    },

    async releaseChunk(id, nextAttemptAt, error) {
      await db
        .update(broadcastChunks)
        .set({ status: 'pending', lockedUntil: null, nextAttemptAt, lastError: error })
        .where(and(eq(broadcastChunks.id, id), eq(broadcastChunks.status, 'sending')))
    },

    async finishIfDone(broadcastId, now) {
      const rows = await all<{ id: number }>(sql`UPDATE broadcasts
        SET status = 'done', finished_at = ${now}, updated_at = ${now}
        WHERE id = ${broadcastId} AND status = 'sending' AND NOT EXISTS (
          SELECT 1 FROM broadcast_chunks WHERE broadcast_id = ${broadcastId}
            AND status IN ('pending', 'sending'))
        RETURNING id`)
      return rows.length > 0
    },

    async dueChunkIds(now, limit, broadcastId) {
      const rows = await all<{ id: number }>(sql`SELECT c.id FROM broadcast_chunks c
        JOIN broadcasts b ON b.id = c.broadcast_id
        WHERE c.status IN ('pending', 'sending') AND c.next_attempt_at <= ${now}
          AND (c.locked_until IS NULL OR c.locked_until < ${now}) AND b.status = 'sending'
          ${broadcastId === undefined ? sql`` : sql`AND c.broadcast_id = ${broadcastId}`}
        ORDER BY c.id LIMIT ${limit}`)
      return rows.map((r) => num(r.id))
    },

    async holdDueChunks(now, holdMs, limit, broadcastId) {
      // An abandoned sending chunk (lease ran out) is pending again, held like the others.
      const rows = await all<{ id: number }>(sql`UPDATE broadcast_chunks
        SET status = 'pending', locked_until = ${now + holdMs}
        WHERE id IN (SELECT c.id FROM broadcast_chunks c JOIN broadcasts b ON b.id = c.broadcast_id
            WHERE c.status IN ('pending', 'sending') AND c.next_attempt_at <= ${now}
              AND (c.locked_until IS NULL OR c.locked_until < ${now}) AND b.status = 'sending'
              ${broadcastId === undefined ? sql`` : sql`AND c.broadcast_id = ${broadcastId}`}
            ORDER BY c.id LIMIT ${limit})
        RETURNING id`)
      return rows.map((r) => num(r.id)).sort((a, b) => a - b)
    },

    cancelPendingChunksWrite(broadcastId) {
      return db
        .update(broadcastChunks)
        .set({ status: 'cancelled', lockedUntil: null })
        .where(
          and(eq(broadcastChunks.broadcastId, broadcastId), eq(broadcastChunks.status, 'pending')),
        )
    },

    async releaseInterrupted(now) {
      const chunks = await all<{ id: number }>(sql`UPDATE broadcast_chunks
        SET status = 'pending', locked_until = NULL
        WHERE status = 'sending' RETURNING id`)
      const plans = await all<{ id: number }>(sql`UPDATE broadcasts SET locked_until = NULL,
        updated_at = ${now} WHERE status = 'planning' RETURNING id`)
      return chunks.length + plans.length
    },
  }
}
