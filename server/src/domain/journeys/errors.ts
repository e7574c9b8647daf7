import { DomainError } from '../errors.ts'

export class JourneyNotFound extends DomainError {
  constructor() {
    super(404, 'not_found', 'ジャーニーが見つかりません。')
  }
}

export class JourneyMemberNotFound extends DomainError {
  constructor() {
    super(404, 'member_not_found', 'その会員番号の会員が見つかりません。')
  }
}

export class JourneyCouponMissing extends DomainError {
  constructor(templateId: number) {
    super(
      422,
      'coupon_missing',
      `ステップのクーポン（ID ${templateId}）が見つからないか、終了しています。クーポンを選び直してください。`,
    )
  }
}

export class JourneySegmentMissing extends DomainError {
  constructor() {
    super(422, 'segment_missing', '対象のセグメントが見つかりません。選び直してください。')
  }
}

export class JourneyTooManyMessages extends DomainError {
  constructor(step: number) {
    super(
      422,
      'too_many_messages',
      `ステップ${step + 1}: メッセージとアンケートのリンクは合わせて5件までです。`,
    )
  }
}

export class SandboxOnly extends DomainError {
  constructor() {
    super(403, 'sandbox_only', '時間を進める操作はサンドボックスでだけ使えます。')
  }
}
