import type { ReplyResult } from '@joren/shared'
import type { LineMessage } from '../messaging/messenger.ts'
import { STAFF_REPLY_KEY_PREFIX } from '../messaging/outbox.ts'
import type { Clock, Ids } from '../ports.ts'
import { ConversationNotFound, MemberBlockedAccount } from './errors.ts'

type ReplyToken = { token: string; expiresAt: number }

export interface ReplyStore {
  replyTarget(id: number): Promise<{
    conversationId: number
    memberId: number
    lineUserId: string
    followState: 'following' | 'blocked'
  } | null>
  queuedReply(dedupeKey: string): Promise<{ messageId: number; via: 'reply' | 'push' } | null>
  /** The conversation's unused reply token, if still fresh (not taken: queueStaffReply takes it). */
  freshReplyToken(id: number, now: number): Promise<ReplyToken | null>
  /**
   * Queues the reply in one atomic batch: by `replyToken` only if it is still unused (and then
   * marks it used), by push otherwise; the same dedupe key queues nothing twice.
   */
  queueStaffReply(input: {
    conversationId: number
    memberId: number
    staffId: number
    dedupeKey: string
    lineUserId: string
    replyToken: ReplyToken | null
    message: LineMessage & { type: 'text' }
    retryKey: string
    now: number
  }): Promise<void>
}

export interface ReplyDeps {
  store: ReplyStore
  clock: Clock
  ids: Ids
}

/**
 * A staff reply: by the member's unused reply token while it is fresh (free), by push otherwise
 * (billed). Queued through the outbox under a dedupe key from the client's idempotency key, so
 * a double-click or a retried request sends once and answers the same.
 */
export async function replyToConversation(
  deps: ReplyDeps,
  input: { conversationId: number; staffId: number; text: string; idempotencyKey: string },
): Promise<ReplyResult> {
  const target = await deps.store.replyTarget(input.conversationId)
  if (!target) throw new ConversationNotFound()
  const dedupeKey = `${STAFF_REPLY_KEY_PREFIX}${input.conversationId}:${input.idempotencyKey}`
  const before = await deps.store.queuedReply(dedupeKey)
  if (before) return { ...before, billed: before.via === 'push' }
  if (target.followState === 'blocked') throw new MemberBlockedAccount()
  const now = deps.clock.now()
  const replyToken = await deps.store.freshReplyToken(input.conversationId, now)
  await deps.store.queueStaffReply({
    conversationId: input.conversationId,
    memberId: target.memberId,
    staffId: input.staffId,
    dedupeKey,
    lineUserId: target.lineUserId,
    replyToken,
    message: { type: 'text', text: input.text },
    retryKey: deps.ids.uuid(),
    now,
  })
  // Whoever won a concurrent double-click, the stored row says what was queued.
  const queued = await deps.store.queuedReply(dedupeKey)
  if (!queued) throw new Error('staff reply was not queued')
  return { ...queued, billed: queued.via === 'push' }
}
