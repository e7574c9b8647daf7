import { DomainError } from '../errors.ts'

/** Why an ID token was refused; the client acts on the code (re-login on `token_expired`). */
export type TokenFailureCode =
  | 'missing_token'
  | 'malformed_token'
  | 'token_expired'
  | 'invalid_token'

const TOKEN_MESSAGES: Record<TokenFailureCode, string> = {
  missing_token: 'ログインが必要です。LINE アプリからもう一度開いてください。',
  malformed_token: 'ログイン情報の形式が正しくありません。もう一度ログインしてください。',
  token_expired: 'ログインの有効期限が切れました。もう一度ログインしてください。',
  invalid_token: 'ログイン情報を確認できませんでした。もう一度ログインしてください。',
}

/** 401: no usable LIFF ID token. Nothing was read or written for this request. */
export class AuthenticationFailed extends DomainError {
  constructor(readonly reason: TokenFailureCode) {
    super(401, reason, TOKEN_MESSAGES[reason])
  }
}

/** 403: a signed-in LINE user who is not (or no longer) a friend of the account. */
export class NotFriend extends DomainError {
  constructor(addFriendUrl: string | null) {
    super(
      403,
      'not_friend',
      'LINE 公式アカウントを友だち追加すると会員証が使えます。友だち追加してからもう一度開いてください。',
      undefined,
      { addFriendUrl },
    )
  }
}

/** 403: a valid token whose user is not on the staff. */
export class NotStaff extends DomainError {
  constructor() {
    super(
      403,
      'not_staff',
      'スタッフとして登録されていません。オーナーから招待コードを受け取って登録してください。',
    )
  }
}

/** 403: staff whose role does not allow the route. */
export class ForbiddenRole extends DomainError {
  constructor() {
    super(403, 'forbidden_role', 'この操作を行う権限がありません。オーナーに依頼してください。')
  }
}

/** 503: member and staff sign-in needs LINE_LOGIN_CHANNEL_ID (the webhook works without it). */
export class LoginNotConfigured extends DomainError {
  constructor() {
    super(
      503,
      'login_not_configured',
      'LINE ログインが設定されていないため、この機能は使えません。管理者は LINE_LOGIN_CHANNEL_ID を設定してください。',
    )
  }
}

/** 503: LINE's signing keys could not be fetched, so no token can be checked right now. */
export class AuthUnavailable extends DomainError {
  constructor() {
    super(
      503,
      'auth_unavailable',
      'LINE の認証サーバーに接続できませんでした。しばらくしてからもう一度お試しください。',
    )
  }
}
