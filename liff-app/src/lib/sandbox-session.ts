import type { AppName, Session } from './session-port.ts'
import { SessionError } from './session-port.ts'

const LINE_USER_ID = /^U[0-9a-f]{32}$/
/** Ask for a new token this long before the current one expires. */
const EXPIRY_MARGIN_MS = 60_000

/**
 * The sandbox (no LINE channel): the page is opened as `?sandboxUser=U…` from the sandbox chat
 * page. No LIFF SDK; a real ES256 ID token signed by the LINE stand-in comes from the sandbox API,
 * so the server verifies it exactly as it verifies LINE's.
 */
export function openSandboxSession(app: AppName): Session {
  const storageKey = `joren.${app}.sandbox`
  const url = new URL(location.href)
  const stored = readStored(storageKey)
  const fromUrl = url.searchParams.get('sandboxUser')
  const userId = fromUrl && LINE_USER_ID.test(fromUrl) ? fromUrl : stored.userId
  if (!userId) throw new SessionError('no_sandbox_user', 'open this page from the sandbox')
  const language = url.searchParams.get('lang') ?? stored.lang ?? navigator.language
  sessionStorage.setItem(storageKey, JSON.stringify({ userId, lang: language }))
  // Keep the address bar clean: the user is remembered for this tab.
  if (fromUrl || url.searchParams.has('lang')) {
    url.searchParams.delete('sandboxUser')
    url.searchParams.delete('lang')
    history.replaceState(history.state, '', url.pathname + url.search + url.hash)
  }

  let token: { value: string; expiresAt: number } | null = null
  let pending: Promise<string> | null = null
  const issue = async (): Promise<string> => {
    const response = await fetch(`/sandbox/api/users/${userId}/id-token`, { method: 'POST' })
    if (!response.ok) throw new Error(`sandbox token request failed (${response.status})`)
    const { idToken } = (await response.json()) as { idToken: string }
    token = { value: idToken, expiresAt: expiryOf(idToken) }
    return idToken
  }
  return {
    kind: 'sandbox',
    language,
    deepLink: null,
    idToken() {
      if (token && token.expiresAt - EXPIRY_MARGIN_MS > Date.now())
        return Promise.resolve(token.value)
      pending ??= issue().finally(() => (pending = null))
      return pending
    },
    relogin() {
      token = null
      return Promise.resolve()
    },
  }
}

function readStored(key: string): { userId?: string; lang?: string } {
  try {
    const value = JSON.parse(sessionStorage.getItem(key) ?? '{}') as {
      userId?: unknown
      lang?: unknown
    }
    return {
      userId:
        typeof value.userId === 'string' && LINE_USER_ID.test(value.userId)
          ? value.userId
          : undefined,
      lang: typeof value.lang === 'string' ? value.lang : undefined,
    }
  } catch {
    return {}
  }
}

/** The token's `exp` in ms (read only to know when to ask again; the server verifies it). */
function expiryOf(jwt: string): number {
  try {
    const payload = jwt.split('.')[1] ?? ''
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'))
    const exp = (JSON.parse(json) as { exp?: unknown }).exp
    return typeof exp === 'number' ? exp * 1000 : 0
  } catch {
    return 0
  }
}
