import type { MeResponse, PublicConfig } from '@joren/shared'
import { pickLocale } from '../i18n/catalogue.ts'
import { afterPaint } from '../lib/after-paint.ts'
import { createApi, type Api } from '../lib/api-client.ts'
import { fetchPublicConfig, inlinePublicConfig } from '../lib/public-config.ts'
import { currentPath, navigate } from '../lib/router.ts'
import { openSession, type Session } from '../lib/session.ts'
import { setLocale } from './messages.ts'
import { claimFromLink } from './referral-claim.ts'
import { BASE } from './paths.ts'

export interface Booted {
  config: PublicConfig
  session: Session
  api: Api
  me: MeResponse
}

/** Start-up failed; carries what was known by then (the config holds the add-friend URL). */
export class BootFailure {
  constructor(
    readonly error: unknown,
    readonly config: PublicConfig | null,
    readonly session: Session | null,
  ) {}
}

/**
 * The first GET of each path here starts together with `/me` instead of after it (the card's
 * token is what the card route shows first): one round trip fewer on a slow network.
 */
const EARLY: Record<string, string> = { '/card': '/api/liff/card' }

/** An Api whose first `get` of `path` answers from the request already under way. */
function withEarly(api: Api, path: string, early: Promise<unknown>): Api {
  let pending: Promise<unknown> | null = early
  return {
    ...api,
    get<T>(wanted: string, options?: Parameters<Api['get']>[1]) {
      if (wanted !== path || !pending) return api.get<T>(wanted, options)
      const answer = pending as Promise<T>
      pending = null
      return answer
    },
  }
}

/**
 * Config (inline in the page, or fetched) → LIFF (after the skeleton has painted) or the sandbox
 * (at once) → language → deep link → a referral link's claim → `/me`, with the route's first
 * request alongside it.
 * `/me` doubles as the sign-in and friend check: a 403 `not_friend` stops here.
 */
export async function bootMember(): Promise<Booted> {
  const guess = pickLocale(new URLSearchParams(location.search).get('lang') ?? navigator.language)
  const guessed = setLocale(guess)
  const inline = inlinePublicConfig()
  const configLoad = inline ? Promise.resolve(inline) : fetchPublicConfig()
  // The LIFF SDK is heavy: it starts once the skeleton is on screen. The sandbox has no SDK.
  if (!inline?.sandbox) await afterPaint()
  let config: PublicConfig | null = null
  let session: Session | null = null
  try {
    config = await configLoad
    session = await openSession('liff', config)
    const locale = pickLocale(session.language)
    await (locale === guess ? guessed : setLocale(locale))
    if (session.deepLink) navigate(BASE + session.deepLink, { replace: true })
    let api = createApi(session)
    // A referral link is claimed with the verified token before the friend check.
    await claimFromLink(api)
    const early = EARLY[currentPath(BASE)]
    if (early) {
      const request = api.get(early)
      // Whoever takes it handles its failure; a 403 on /me below ends the start-up first.
      request.catch(() => undefined)
      api = withEarly(api, early, request)
    }
    const me = await api.get<MeResponse>('/api/liff/me')
    return { config, session, api, me }
  } catch (error) {
    await guessed.catch(() => undefined)
    throw new BootFailure(error, config, session)
  }
}
