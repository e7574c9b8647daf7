import type { MeResponse, PublicConfig } from '@joren/shared'
import { pickLocale } from '../i18n/catalogue.ts'
import { afterPaint } from '../lib/after-paint.ts'
import { createApi, type Api } from '../lib/api-client.ts'
import { fetchPublicConfig } from '../lib/public-config.ts'
import { navigate } from '../lib/router.ts'
import { openSession, type Session } from '../lib/session.ts'
import { setLocale } from './messages.ts'
import { claimFromLink } from './referral-claim.ts'
import { BASE } from './routes.ts'

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
 * Config → (after the skeleton has painted) LIFF or the sandbox → language → deep link → a
 * referral link's claim → `/me`.
 * `/me` doubles as the sign-in and friend check: a 403 `not_friend` stops here.
 */
export async function bootMember(): Promise<Booted> {
  const guess = pickLocale(new URLSearchParams(location.search).get('lang') ?? navigator.language)
  const guessed = setLocale(guess)
  const configLoad = fetchPublicConfig()
  await afterPaint()
  let config: PublicConfig | null = null
  let session: Session | null = null
  try {
    config = await configLoad
    session = await openSession('liff', config)
    const locale = pickLocale(session.language)
    await (locale === guess ? guessed : setLocale(locale))
    if (session.deepLink) navigate(BASE + session.deepLink, { replace: true })
    const api = createApi(session)
    // A referral link is claimed with the verified token before the friend check.
    await claimFromLink(api)
    const me = await api.get<MeResponse>('/api/liff/me')
    return { config, session, api, me }
  } catch (error) {
    await guessed.catch(() => undefined)
    throw new BootFailure(error, config, session)
  }
}
