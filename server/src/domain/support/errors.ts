import { DomainError } from '../errors.ts'

export class ConversationNotFound extends DomainError {
  constructor() {
    super(404, 'conversation_not_found', 'この会話は見つかりません。')
  }
}

export class MemberBlockedAccount extends DomainError {
  constructor() {
    super(
      409,
      'member_blocked',
      'この会員はアカウントをブロックしているため、返信を届けられません。',
    )
  }
}

export class StaffNotFound extends DomainError {
  constructor() {
    super(404, 'staff_not_found', '担当者に指定したスタッフが見つかりません。')
  }
}

export class CannedReplyNotFound extends DomainError {
  constructor() {
    super(404, 'canned_reply_not_found', 'この定型文は見つかりません。')
  }
}

export class ContentNotAvailable extends DomainError {
  constructor(reason: string) {
    super(404, 'content_not_available', reason)
  }
}

export class StaffAlertNotFound extends DomainError {
  constructor() {
    super(404, 'alert_not_found', 'このアラートは見つかりません。')
  }
}

export class MemberNotFound extends DomainError {
  constructor() {
    super(404, 'member_not_found', 'この会員番号の会員は見つかりません。')
  }
}

export class MessageNotFound extends DomainError {
  constructor() {
    super(404, 'message_not_found', 'このメッセージは見つかりません。')
  }
}

export class MessageNotResendable extends DomainError {
  constructor() {
    super(
      409,
      'message_not_resendable',
      '再送できるのは、送信に失敗したスタッフの返信だけです（再送は1回です）。',
    )
  }
}
