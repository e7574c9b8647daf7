import type { MeResponse, PublicConfig } from '@joren/shared'
import type { Api } from '../lib/api-client.ts'
import type { Session } from '../lib/session.ts'

/** What every member screen receives from the shell. */
export interface ScreenProps {
  api: Api
  config: PublicConfig
  /** `GET /api/liff/me`, loaded once at start (it is also the friend check). */
  me: MeResponse
  /** Replace the shared `/me` after a save. */
  setMe(me: MeResponse): void
  params: Record<string, string>
  /** Who is signed in (LIFF or the sandbox): LINE-side features such as the share picker. */
  session: Session
}
