import type { BroadcastStatus } from '@joren/shared'
import { DomainError } from '../errors.ts'

export class BroadcastNotFound extends DomainError {
  constructor() {
    super(404, 'not_found', '配信が見つかりません。')
  }
}

export class BroadcastNotEditable extends DomainError {
  constructor() {
    super(409, 'not_editable', '送信を始めた配信は編集できません。複製して新しく作ってください。')
  }
}

/** The staff console's words for each status (liff-app's staff-broadcasts catalogue). */
const STATUS_LABELS: Record<BroadcastStatus, string> = {
  draft: '下書き',
  scheduled: '予約済み',
  planning: '準備中',
  sending: '送信中',
  paused: '一時停止中',
  done: '送信完了',
  cancelled: '中止',
  quota_stopped: '上限で停止',
  failed: '失敗',
}

export class BroadcastInvalidTransition extends DomainError {
  constructor(action: string, status: BroadcastStatus) {
    super(
      409,
      'invalid_transition',
      `この配信は「${STATUS_LABELS[status]}」のため${action}できません。`,
    )
  }
}

export class BroadcastEmptyAudience extends DomainError {
  constructor() {
    super(
      422,
      'empty_audience',
      '配信できる相手がいません（友だち登録中で配信に同意した会員が対象です）。',
    )
  }
}

export class BroadcastSegmentMissing extends DomainError {
  constructor() {
    super(
      422,
      'segment_missing',
      '配信先のセグメントが削除されています。対象を選び直してから送信してください。',
    )
  }
}

/** Who gets a send first when it exceeds the month's remaining quota (the plan's chunk order). */
export const QUOTA_SEND_ORDER = '友だち登録の早い会員から順に'

export class BroadcastOverQuota extends DomainError {
  constructor(recipients: number, remaining: number) {
    const n = (v: number) => v.toLocaleString('ja-JP')
    super(
      409,
      'over_quota_confirm',
      `今月の残り通数（${n(remaining)}通）を超えます（${n(recipients)}人）。${QUOTA_SEND_ORDER}${n(remaining)}人に送り、残りの${n(recipients - remaining)}人は上限で止めます（プラン変更後か来月に「再開」できます）。送るには確認してください。`,
      undefined,
      { recipients, remaining },
    )
  }
}

export class BroadcastInvalidMessages extends DomainError {
  constructor(message: string, path: string) {
    super(400, 'invalid_request', message, [{ path, message }])
  }
}

/** Shown to staff on a broadcast stopped by LINE's monthly limit. */
export const QUOTA_STOPPED_MESSAGE =
  '今月のメッセージ通数の上限に達したため、配信を止めました。プランを変更するか来月になってから「再開」してください。送信済みの相手には重複して届きません。'

/**
 * A chunk's last error while it waits at the monthly limit: LINE did not accept it (refused, or
 * not sent because nothing was left), so it may be cut under new retry keys.
 */
export const QUOTA_HELD_CHUNK = '今月の上限のため未送信（LINE は受け付けていません）'
