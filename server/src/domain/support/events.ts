import type { Member } from '../members/members.ts'
import type { LineMessage } from '../messaging/messenger.ts'
import { handOver, type SupportDeps } from './handover.ts'

/** What the webhook's event handler asks of the support inbox (see webhook/handle-event.ts). */
export interface SupportEventHooks {
  /**
   * A message the bot cannot answer (image, sticker, video, file, location …): queues an image's
   * content for the fetch job and hands the member over. Returns the acknowledgement or [].
   */
  onUnanswerableMessage(input: {
    member: Member
    eventId: string
    message: { id: string; type: string }
    at: number
  }): Promise<LineMessage[]>
  /**
   * After any inbound message or postback: an open or pending conversation is bumped (unread,
   * last message) and keeps the reply token when the bot did not use it.
   */
  afterInbound(input: {
    member: Member
    at: number
    unusedReplyToken: { token: string; expiresAt: number } | null
  }): Promise<void>
}

export function supportEventHooks(deps: SupportDeps): SupportEventHooks {
  return {
    async onUnanswerableMessage({ member, eventId, message, at }) {
      if (message.type === 'image') {
        await deps.conversations.queueContent({ eventId, lineMessageId: message.id, at })
      }
      const quote =
        message.type === 'image'
          ? '[画像]'
          : message.type === 'sticker'
            ? '[スタンプ]'
            : `[${message.type}]`
      return handOver(deps, { member, reason: 'unanswered', at, quote })
    },
    async afterInbound({ member, at, unusedReplyToken }) {
      await deps.conversations.noteInbound({
        memberId: member.id,
        at,
        now: deps.clock.now(),
        unusedReplyToken,
      })
    },
  }
}
