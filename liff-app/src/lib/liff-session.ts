import { liff } from './liff-sdk.ts'
import { readLiffState } from './liff-state.ts'
import type { Session } from './session-port.ts'
import { SessionError } from './session-port.ts'

const RELOGIN_KEY = 'joren.relogin'
/** A second `token_expired` this soon after a re-login is a real failure, not a stale token. */
const RELOGIN_GUARD_MS = 30_000

/** Real LINE: start LIFF, log in when opened outside LINE, and take the ID token from LIFF. */
export async function openLiffSession(liffId: string): Promise<Session> {
  try {
    // Outside LINE (a desktop browser), LIFF sends the user through LINE Login and back here.
    await liff.init({ liffId, withLoginOnExternalBrowser: true })
  } catch (error) {
    throw new SessionError('liff_init', error instanceof Error ? error.message : String(error))
  }
  // After init LIFF has usually moved to the deep-linked path itself; if not, the app routes there.
  const deepLink = readLiffState()
  const login = (): Promise<never> => {
    liff.login({ redirectUri: location.href })
    // The page is leaving for LINE Login; nothing after this should run.
    return new Promise<never>(() => undefined)
  }
  return {
    kind: 'liff',
    language: liff.getLanguage(),
    deepLink,
    idToken() {
      const token = liff.isLoggedIn() ? liff.getIDToken() : null
      return token ? Promise.resolve(token) : login()
    },
    relogin() {
      const last = Number(sessionStorage.getItem(RELOGIN_KEY) ?? 0)
      if (Date.now() - last < RELOGIN_GUARD_MS) return Promise.resolve()
      sessionStorage.setItem(RELOGIN_KEY, String(Date.now()))
      // LIFF keeps the ID token it got at init; logging out drops it so the next login is fresh.
      liff.logout()
      if (liff.isInClient()) {
        // Inside LINE, init logs in again by itself.
        location.reload()
        return new Promise<never>(() => undefined)
      }
      return login()
    },
  }
}
