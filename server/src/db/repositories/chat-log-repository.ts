import { sql } from 'drizzle-orm'
import type { ChatLog } from '../../domain/webhook/handle-event.ts'
import type { Database } from '../database.ts'
import { chatMessages } from '../schema.ts'

export function createChatLog(db: Database): ChatLog {
  const insertInbound = db
    .insert(chatMessages)
    .values({
      memberId: sql.placeholder('memberId'),
      direction: 'in',
      kind: sql.placeholder('kind'),
      text: sql.placeholder('text'),
      payload: sql.placeholder('payload'),
      sourceKey: sql.placeholder('sourceKey'),
      createdAt: sql.placeholder('at'),
    })
    .onConflictDoNothing({ target: chatMessages.sourceKey })
    .prepare()

  return {
    async recordInbound({ memberId, eventId, kind, text, payload, at }) {
      await insertInbound.run({
        memberId,
        kind,
        text,
        payload: JSON.stringify(payload),
        sourceKey: `event:${eventId}`,
        at,
      })
    },
  }
}
