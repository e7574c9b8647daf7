import { BroadcastAudienceSchema, ComposerMessagesSchema } from '@joren/shared'
import type { SQL } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type { RenderedMessage } from '../../../domain/broadcasts/render.ts'
import type { StoredBroadcast, StoredChunk } from '../../../domain/broadcasts/store.ts'
import type { Database } from '../../database.ts'
import type { broadcastChunks, broadcasts } from '../../schema.ts'

/* The broadcasts' rows as the domain reads them, and the small tools every store module uses. */

type Row = typeof broadcasts.$inferSelect

export function toBroadcast(row: Row): StoredBroadcast {
  return {
    id: row.id,
    title: row.title,
    messages: ComposerMessagesSchema.parse(JSON.parse(row.messages)),
    audience: BroadcastAudienceSchema.parse(JSON.parse(row.audience)),
    status: row.status,
    scheduledAt: row.scheduledAt,
    holdoutPercent: row.holdoutPercent,
    attributionDays: row.attributionDays,
    couponTemplateId: row.couponTemplateId,
    createdBy: row.createdBy,
    recipientCount: row.recipientCount,
    error: row.error,
    lockedUntil: row.lockedUntil,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  }
}

export type ChunkRow = typeof broadcastChunks.$inferSelect

export function toChunk(row: ChunkRow): StoredChunk {
  return {
    id: row.id,
    broadcastId: row.broadcastId,
    kind: row.kind,
    to: JSON.parse(row.to) as string[],
    memberIds: JSON.parse(row.memberIds) as number[],
    messages: JSON.parse(row.messages) as RenderedMessage[],
    retryKey: row.retryKey,
    attempts: row.attempts,
    lastError: row.lastError ?? null,
  }
}

export const num = (v: unknown): number => Number(v ?? 0)

/** On Node a statement blocks the process: other work runs between a long pass's statements. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

/** Raw SQL, its rows typed by the caller. */
export type AllRows = <T>(q: SQL) => Promise<T[]>
export const allRows =
  (db: Database): AllRows =>
  async <T>(q: SQL): Promise<T[]> =>
    (await db.all(q)) as T[]

export type Batch = BatchItem<'sqlite'>[]
