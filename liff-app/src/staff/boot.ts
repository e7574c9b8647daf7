import type { PublicConfig, Staff } from '@joren/shared'
import { pickLocale } from '../i18n/catalogue.ts'
import { afterPaint } from '../lib/after-paint.ts'
import { createApi, type Api } from '../lib/api-client.ts'
import { fetchPublicConfig } from '../lib/public-config.ts'
import { navigate } from '../lib/router.ts'
import { openSession, type Session } from '../lib/session.ts'
import { setLocale } from './messages.ts'
import { BASE } from './paths.ts'

export interface Signed {
  config: PublicConfig
  session: Session
  api: Api
}

/** Config → (after the first paint) LIFF login or the sandbox → language → deep link. */
export async function bootStaff(): Promise<Signed> {
  const configLoad = fetchPublicConfig()
  await afterPaint()
  const config = await configLoad
  const session = await openSession('staff', config)
  await setLocale(pickLocale(session.language))
  if (session.deepLink) navigate(BASE + session.deepLink, { replace: true })
  return { config, session, api: createApi(session) }
}

/** `GET /api/staff/me`: who is signed in (403 `not_staff` for a LINE user who is not on staff). */
export async function whoAmI(api: Api): Promise<Staff> {
  return (await api.get<{ staff: Staff }>('/api/staff/me')).staff
}
