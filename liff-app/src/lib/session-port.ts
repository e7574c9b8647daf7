/**
 * What a session is, apart from the chooser (session.ts) that imports both implementations: the
 * implementations import this, so none of them imports the module that imports it.
 */

/** Which of the two apps is running: the member mini-app (/liff/) or the staff screens (/staff/). */
export type AppName = 'liff' | 'staff'

/** Who is signed in, as far as the browser knows: a source of LIFF ID tokens. */
export interface Session {
  readonly kind: 'liff' | 'sandbox'
  /** LINE's language for this user (LIFF) or the sandbox page's, e.g. "ja" or "en-US". */
  readonly language: string
  /** The path inside the app that LINE deep-linked to (from `liff.state`), if any. */
  readonly deepLink: string | null
  /** The LIFF ID token to send as `Authorization: Bearer`. Never a user ID. */
  idToken(): Promise<string>
  /** Get a fresh token after the server answered `token_expired`; may leave the page (LINE login). */
  relogin(): Promise<void>
}

export type SessionErrorCode = 'no_sandbox_user' | 'no_liff_id' | 'liff_init'

export class SessionError extends Error {
  override name = 'SessionError'

  constructor(
    readonly code: SessionErrorCode,
    message: string,
  ) {
    super(message)
  }
}
