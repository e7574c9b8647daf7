import type { ResendResult } from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import type { LineMessage } from '../messaging/messenger.ts'
import { STAFF_RESEND_KEY_PREFIX } from '../messaging/outbox.ts'
import type { Clock, Ids } from '../ports.ts'
import type { UnitOfWork, Write } from '../unit-of-work.ts'
import { MemberBlockedAccount, MessageNotFound, MessageNotResendable } from './errors.ts'
import { outboundState, type ThreadRow } from './thread.ts'

/** A thread message as the resend needs it. */
export interface ResendSource {
  row: ThreadRow
  lineUserId: string
  followState: 'following' | 'blocked'
}

export interface ResendStore {
  resendSource(chatMessageId: number): Promise<ResendSource | null>
  /**
   * Plans the push (outbox row under `dedupeKey`, nothing if one exists) and its thread message
   * (origin staff, `resend_of` the failed one; nothing if recorded already). The last write
   * changes a row only the first time.
   */
  resendWrites(input: {
    original: number
    memberId: number
    staffId: number
    dedupeKey: string
    lineUserId: string
    message: LineMessage
    retryKey: string
    now: number
  }): Write[]
  /** The thread message of the push queued under this dedupe key. */
  resentMessage(dedupeKey: string): Promise<number | null>
}

export interface ResendDeps {
  store: ResendStore
  uow: UnitOfWork
  clock: Clock
  ids: Ids
}

/**
 * Staff resend a failed staff reply as a push (billed: one message). Once per failed message,
 * whoever clicks: the push is keyed by the failed message, and its audit row commits with it only
 * when this call queued it — a double-click or a retried request resends once and answers the same.
 */
export async function resendAsPush(
  deps: ResendDeps,
  actor: StaffActor,
  chatMessageId: number,
): Promise<ResendResult> {
  const source = await deps.store.resendSource(chatMessageId)
  if (!source || source.row.direction !== 'out') throw new MessageNotFound()
  const dedupeKey = `${STAFF_RESEND_KEY_PREFIX}${chatMessageId}`
  const before = await deps.store.resentMessage(dedupeKey)
  if (before !== null) return { messageId: before, via: 'push', billed: true }
  const { row } = source
  if (row.origin !== 'staff' || outboundState(row) !== 'failed' || row.deliveryReason === 'blocked')
    throw new MessageNotResendable()
  if (source.followState === 'blocked') throw new MemberBlockedAccount()
  const message = JSON.parse(row.payload) as LineMessage
  const now = deps.clock.now()
  await deps.uow.commit([
    ...deps.store.resendWrites({
      original: chatMessageId,
      memberId: row.memberId,
      staffId: actor.id,
      dedupeKey,
      lineUserId: source.lineUserId,
      message,
      retryKey: deps.ids.uuid(),
      now,
    }),
    deps.uow.audit(
      {
        staffId: actor.id,
        action: 'inbox.resend',
        targetType: 'chat_message',
        targetId: String(chatMessageId),
        before: { state: 'failed', reason: row.deliveryReason },
        after: { via: 'push', billed: true },
      },
      { onlyIfChanged: true },
    ),
  ])
  const queued = await deps.store.resentMessage(dedupeKey)
  if (queued === null) throw new Error('resend was not queued')
  return { messageId: queued, via: 'push', billed: true }
}
