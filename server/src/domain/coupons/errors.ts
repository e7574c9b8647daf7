import { DomainError } from '../errors.ts'
import { shopDateTime } from '../time.ts'

export { shopDateTime }

export class CouponNotFound extends DomainError {
  constructor() {
    super(404, 'coupon_not_found', 'クーポンが見つかりません。')
  }
}

export class CouponTemplateNotFound extends DomainError {
  constructor() {
    super(404, 'coupon_template_not_found', 'クーポンのテンプレートが見つかりません。')
  }
}

/** 409: used already; says when, so staff can tell a second attempt from a mistake. */
export class CouponAlreadyRedeemed extends DomainError {
  constructor(redeemedAt: number, timeZone: string) {
    super(
      409,
      'coupon_already_redeemed',
      `このクーポンは使用済みです（${shopDateTime(redeemedAt, timeZone)} に使用）。`,
      undefined,
      { redeemedAt },
    )
  }
}

export class CouponExpired extends DomainError {
  constructor(expiresAt: number, timeZone: string) {
    super(
      409,
      'coupon_expired',
      `このクーポンは有効期限切れです（${shopDateTime(expiresAt, timeZone)} まで）。`,
      undefined,
      { expiresAt },
    )
  }
}

export class CouponRevoked extends DomainError {
  constructor() {
    super(409, 'coupon_revoked', 'このクーポンはお店により取り消されたため使えません。')
  }
}

export class CouponNotRevocable extends DomainError {
  constructor() {
    super(409, 'coupon_not_revocable', '未使用のクーポンだけ取り消せます。')
  }
}

export class CouponTemplateArchived extends DomainError {
  constructor() {
    super(409, 'coupon_template_archived', 'このクーポンは配布を終了しています。')
  }
}

export class CouponOutsideWindow extends DomainError {
  constructor() {
    super(409, 'coupon_outside_window', 'このクーポンは配布期間外です。')
  }
}

export class CouponTotalLimitReached extends DomainError {
  constructor() {
    super(409, 'coupon_total_limit', 'このクーポンは配布上限に達しました。')
  }
}

export class CouponMemberLimitReached extends DomainError {
  constructor() {
    super(409, 'coupon_member_limit', 'このクーポンはお一人さまの上限枚数まで受け取り済みです。')
  }
}

export class CouponTemplateLocked extends DomainError {
  constructor() {
    super(
      409,
      'coupon_template_locked',
      '発行済みのクーポンがあるため、種類と値は変更できません。新しいテンプレートを作成してください。',
    )
  }
}

export class CouponLimitBelowIssued extends DomainError {
  constructor(issued: number) {
    super(
      409,
      'coupon_limit_below_issued',
      `配布上限は発行済みの枚数（${issued}枚）以上にしてください。`,
      undefined,
      { issued },
    )
  }
}

export class CouponCodeInvalid extends DomainError {
  constructor(reason: 'expired' | 'invalid') {
    super(
      400,
      reason === 'expired' ? 'coupon_code_expired' : 'coupon_code_invalid',
      reason === 'expired'
        ? 'クーポンのコードの有効期限が切れました。お客さまに画面を更新してもらってください。'
        : 'クーポンのコードを読み取れませんでした。もう一度読み取ってください。',
    )
  }
}

export class NotExchangeable extends DomainError {
  constructor() {
    super(409, 'coupon_not_exchangeable', 'このクーポンはポイントと交換できません。')
  }
}

/** Which constraint made a batch fail (driver errors nest the SQLite message in `cause`). */
export function constraintFailure(error: unknown): string | null {
  let current: unknown = error
  for (let depth = 0; current && depth < 6; depth++) {
    const text = String((current as { message?: unknown }).message ?? current)
    const check = /CHECK constraint failed: ([\w.]+)/i.exec(text)
    if (check) return check[1] ?? 'check'
    const unique = /UNIQUE constraint failed: ([\w.]+)/i.exec(text)
    if (unique) return `unique:${unique[1] ?? ''}`
    current = (current as { cause?: unknown }).cause
  }
  return null
}

/** 400: typed text that cannot be a coupon code (nothing was looked up). */
export class CouponShortCodeMalformed extends DomainError {
  constructor() {
    super(
      400,
      'coupon_code_malformed',
      'クーポンコードは英数字 8 文字（XXXX-XXXX）です。お客さまの画面のコードを確かめて入力してください。',
    )
  }
}

/** 404: no coupon has this typed code (a typo, or a code of another shop). */
export class CouponShortCodeUnknown extends DomainError {
  constructor() {
    super(
      404,
      'coupon_code_unknown',
      'このクーポンコードのクーポンは見つかりません。お客さまの画面のコード（XXXX-XXXX）を確かめてください。',
    )
  }
}
