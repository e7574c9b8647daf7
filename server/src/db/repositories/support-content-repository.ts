import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm'
import type { ContentStore, PendingContent } from '../../domain/support/contents.ts'
import type { Database } from '../database.ts'
import { messageContents } from '../schema.ts'

export function createContentStore(db: Database): ContentStore {
  return {
    async claimDue(now, limit, leaseMs) {
      const rows = await db
        .update(messageContents)
        .set({ attempts: sql`${messageContents.attempts} + 1`, nextAttemptAt: now + leaseMs })
        .where(
          inArray(
            messageContents.chatMessageId,
            db
              .select({ id: messageContents.chatMessageId })
              .from(messageContents)
              .where(
                and(eq(messageContents.status, 'pending'), lte(messageContents.nextAttemptAt, now)),
              )
              .orderBy(asc(messageContents.nextAttemptAt))
              .limit(limit),
          ),
        )
        .returning({
          chatMessageId: messageContents.chatMessageId,
          lineMessageId: messageContents.lineMessageId,
          attempts: messageContents.attempts,
        })
      return rows as PendingContent[]
    },

    async claimOne(chatMessageId, now, leaseMs) {
      const [row] = await db
        .update(messageContents)
        .set({ attempts: sql`${messageContents.attempts} + 1`, nextAttemptAt: now + leaseMs })
        .where(
          and(
            eq(messageContents.chatMessageId, chatMessageId),
            eq(messageContents.status, 'pending'),
            lte(messageContents.nextAttemptAt, now),
          ),
        )
        .returning({
          chatMessageId: messageContents.chatMessageId,
          lineMessageId: messageContents.lineMessageId,
          attempts: messageContents.attempts,
        })
      return row ?? null
    },

    async markStored(chatMessageId, contentType, bytes, now) {
      await db
        .update(messageContents)
        .set({
          status: 'stored',
          contentType,
          size: bytes.byteLength,
          bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
          updatedAt: now,
        })
        .where(eq(messageContents.chatMessageId, chatMessageId))
    },

    async markTooLarge(chatMessageId, size, contentType, now) {
      await db
        .update(messageContents)
        .set({ status: 'too_large', size, contentType, bytes: null, updatedAt: now })
        .where(eq(messageContents.chatMessageId, chatMessageId))
    },

    async markRetry(chatMessageId, nextAttemptAt, now) {
      await db
        .update(messageContents)
        .set({ nextAttemptAt, updatedAt: now })
        .where(eq(messageContents.chatMessageId, chatMessageId))
    },

    async markFailed(chatMessageId, now) {
      await db
        .update(messageContents)
        .set({ status: 'failed', updatedAt: now })
        .where(eq(messageContents.chatMessageId, chatMessageId))
    },

    async read(chatMessageId) {
      const row = await db
        .select({
          status: messageContents.status,
          contentType: messageContents.contentType,
          bytes: messageContents.bytes,
        })
        .from(messageContents)
        .where(eq(messageContents.chatMessageId, chatMessageId))
        .get()
      if (!row) return null
      return {
        status: row.status,
        contentType: row.contentType,
        bytes: row.bytes ?? null,
      }
    },
  }
}
