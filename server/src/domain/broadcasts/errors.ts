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

export class BroadcastInvalidTransition extends DomainError {
  constructor(action: string, status: string) {
    super(409, 'invalid_transition', `この配信（状態: ${status}）は${action}できません。`)
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

export class BroadcastOverQuota extends DomainError {
  constructor(recipients: number, remaining: number) {
    super(
      409,
      'over_quota_confirm',
      `今月の残り通数（${remaining.toLocaleString('ja-JP')}通）を超えます（${recipients.toLocaleString('ja-JP')}通）。超えた分は LINE で止まります。送るには確認してください。`,
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
