import type { TokenFailureCode } from './errors.ts'

/** What a verified LIFF ID token tells us: the user is `sub`, never a client-sent ID. */
export interface VerifiedIdToken {
  lineUserId: string
  /** The `name` claim (LINE display name), when the token carries one. */
  name: string | null
}

export type IdTokenResult =
  | { ok: true; token: VerifiedIdToken }
  | { ok: false; code: TokenFailureCode; reason: string }

/** Verifies LIFF ID tokens against LINE's keys (the LINE adapter implements it). */
export interface IdTokenVerifier {
  /** Verifies a LIFF ID token; throws JwksUnavailable only when no signing key can be had. */
  verify(idToken: string | undefined): Promise<IdTokenResult>
}

/** LINE's keys could not be fetched and none are cached: no token can be checked right now. */
export class JwksUnavailable extends Error {
  override name = 'JwksUnavailable'
}

/** Facts about the account from LINE (GET /v2/bot/info, cached). */
export interface BotInfo {
  /** https://line.me/R/ti/p/@basicId, or null when LINE could not tell us (never throws). */
  addFriendUrl(): Promise<string | null>
}
