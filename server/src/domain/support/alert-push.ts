import type { LineMessage } from '../messaging/messenger.ts'
import type { Clock, Ids, Logger } from '../ports.ts'
import { shopClock } from './business-hours.ts'

export interface AlertRecipient {
  staffId: number
  lineUserId: string
  quietStart: string | null
  quietEnd: string | null
  pushedThroughId: number
}

export interface PendingAlerts {
  /** Unresolved alerts after the recipient's pushed_through_id, by kind. */
  newConversations: number
  lowScores: number
  /** Alerts about the shop rather than a member: LINE events not handled, bursts of wrong codes. */
  otherAlerts: number
  /** The highest alert ID looked at (resolved ones included): pushed_through_id moves here. */
  throughId: number
}

export interface AlertPushStore {
  recipients(): Promise<AlertRecipient[]>
  pendingAfter(alertId: number): Promise<PendingAlerts>
  /**
   * Atomically: enqueue the push (outbox, dedupe key) and move pushed_through_id from `fromId`
   * to `throughId`. A retry or a concurrent run enqueues nothing twice.
   */
  enqueueAndAdvance(input: {
    staffId: number
    fromId: number
    throughId: number
    dedupeKey: string
    lineUserId: string
    messages: LineMessage[]
    retryKey: string
    now: number
  }): Promise<void>
}

export interface AlertPushDeps {
  store: AlertPushStore
  clock: Clock
  ids: Ids
  logger: Logger
  timeZone: string
  /** Where the staff console's inbox opens (PUBLIC_URL + /staff/inbox). */
  inboxUrl: string
}

/** Quiet hours in shop time; may cross midnight (22:00–08:00). */
export function isQuietTime(
  at: number,
  timeZone: string,
  quietStart: string | null,
  quietEnd: string | null,
): boolean {
  if (!quietStart || !quietEnd || quietStart === quietEnd) return false
  const { time } = shopClock(at, timeZone)
  return quietStart < quietEnd
    ? quietStart <= time && time < quietEnd
    : time >= quietStart || time < quietEnd
}

export function alertSummaryText(pending: PendingAlerts, inboxUrl: string): string {
  const lines: string[] = []
  if (pending.newConversations > 0)
    lines.push(`新しいお問い合わせが${pending.newConversations}件あります`)
  if (pending.lowScores > 0) lines.push(`低評価のアンケート回答が${pending.lowScores}件あります`)
  if (pending.otherAlerts > 0)
    lines.push(
      `処理できなかった LINE イベントや不審なアクセスのアラートが${pending.otherAlerts}件あります（スタッフ画面の「アラート」）`,
    )
  lines.push(`受信箱で確認してください: ${inboxUrl}`)
  return lines.join('\n')
}

/**
 * One run of the batched staff alerts (periodic job): each opted-in staff member gets at most one
 * push summarising the unresolved alerts since their last one, none during their quiet hours (what
 * arrived is summarised after). The dedupe key is per (staff, pushed_through_id).
 */
export async function pushStaffAlerts(deps: AlertPushDeps): Promise<number> {
  const now = deps.clock.now()
  let pushed = 0
  for (const recipient of await deps.store.recipients()) {
    if (isQuietTime(now, deps.timeZone, recipient.quietStart, recipient.quietEnd)) continue
    const pending = await deps.store.pendingAfter(recipient.pushedThroughId)
    if (pending.throughId <= recipient.pushedThroughId) continue
    const total = pending.newConversations + pending.lowScores + pending.otherAlerts
    await deps.store.enqueueAndAdvance({
      staffId: recipient.staffId,
      fromId: recipient.pushedThroughId,
      throughId: pending.throughId,
      dedupeKey: `staff-alerts:${recipient.staffId}:${recipient.pushedThroughId}`,
      lineUserId: recipient.lineUserId,
      // Everything after the last push was resolved already: just move past it, send nothing.
      messages: total > 0 ? [{ type: 'text', text: alertSummaryText(pending, deps.inboxUrl) }] : [],
      retryKey: deps.ids.uuid(),
      now,
    })
    if (total > 0) pushed++
  }
  if (pushed > 0) deps.logger.info('staff alerts pushed', { staff: pushed })
  return pushed
}
