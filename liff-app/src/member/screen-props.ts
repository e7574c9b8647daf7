import type { MeResponse, PublicConfig } from '@joren/shared'
import type { Api } from '../lib/api-client.ts'

/** What every member screen receives from the shell. */
export interface ScreenProps {
  api: Api
  config: PublicConfig
  /** `GET /api/liff/me`, loaded once at start (it is also the friend check). */
  me: MeResponse
  /** Replace the shared `/me` after a save. */
  setMe(me: MeResponse): void
  params: Record<string, string>
}
