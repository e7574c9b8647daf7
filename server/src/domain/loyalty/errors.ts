import { DomainError } from '../errors.ts'

export class MemberNotFound extends DomainError {
  constructor(memberNumber: string) {
    super(
      404,
      'member_not_found',
      `会員番号 ${memberNumber} の会員が見つかりません。番号をご確認ください。`,
    )
  }
}

export class CardCodeRefused extends DomainError {
  constructor(reason: 'expired' | 'invalid') {
    super(
      422,
      reason === 'expired' ? 'card_expired' : 'card_invalid',
      reason === 'expired'
        ? '会員証のコードの有効期限が切れています。お客さまに会員証を開き直していただき、もう一度読み取ってください。'
        : '会員証のコードを読み取れませんでした。もう一度読み取るか、会員番号を入力してください。',
    )
  }
}

export class UnknownCategory extends DomainError {
  constructor(ids: string[]) {
    super(400, 'unknown_category', `登録されていないカテゴリです: ${ids.join(', ')}`)
  }
}

export class PurchaseNotFound extends DomainError {
  constructor() {
    super(404, 'purchase_not_found', 'この購入記録は見つかりません。')
  }
}

export class DuplicateExternalId extends DomainError {
  constructor(externalId: string) {
    super(409, 'duplicate_external_id', `外部 ID ${externalId} の購入はすでに登録されています。`)
  }
}

export class PointsAlreadyUsed extends DomainError {
  constructor(granted: number, available: number) {
    super(
      409,
      'not_enough_points',
      `この購入で付与した ${granted}pt のうち一部がすでに使われています（現在の残高 ${available}pt）。ポイントの手動調整で差額を処理してから返品してください。`,
      undefined,
      { available, granted },
    )
  }
}

export class IdempotencyKeyReused extends DomainError {
  constructor() {
    super(
      409,
      'idempotency_key_reused',
      'この Idempotency-Key は別の内容のリクエストですでに使われています。新しいキーで送ってください。',
    )
  }
}

export class IdempotencyKeyRequired extends DomainError {
  constructor() {
    super(
      400,
      'idempotency_key_required',
      'Idempotency-Key ヘッダーが必要です（リクエストごとに一意な値）。',
    )
  }
}

export class ApiKeyNotFound extends DomainError {
  constructor() {
    super(404, 'api_key_not_found', 'この API キーは見つかりません。')
  }
}

export class InvalidCsvEncoding extends DomainError {
  constructor() {
    super(400, 'invalid_csv', 'CSV は UTF-8 で保存してください。')
  }
}

export class CsvConflict extends DomainError {
  constructor() {
    super(
      409,
      'csv_conflict',
      '同じ外部 ID の購入が同時に登録されました。もう一度プレビューしてから取り込んでください。',
    )
  }
}
