import type { ChatLog } from '../../domain/webhook/handle-event.ts'
import type { Database } from '../database.ts'
import { chatMessages } from '../schema.ts'

export function createChatLog(db: Database): ChatLog {
  return {
    async recordInbound({ memberId, eventId, kind, text, payload, at }) {
      await db
        .insert(chatMessages)
        .values({
          memberId,
          direction: 'in',
          kind,
          text,
          payload: JSON.stringify(payload),
          sourceKey: `event:${eventId}`,
          createdAt: at,
        })
        .onConflictDoNothing({ target: chatMessages.sourceKey })
    },
  }
}
