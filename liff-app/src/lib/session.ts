import type { PublicConfig } from '@joren/shared'

import { SessionError, type AppName, type Session } from './session-port.ts'

export { SessionError, type AppName, type Session, type SessionErrorCode } from './session-port.ts'

/**
 * Opens the session for the configured platform. Call it after the first paint: outside the
 * sandbox it downloads and starts the LIFF SDK.
 */
export async function openSession(app: AppName, config: PublicConfig): Promise<Session> {
  if (config.sandbox) {
    const { openSandboxSession } = await import('./sandbox-session.ts')
    return openSandboxSession(app)
  }
  if (!config.liffId) throw new SessionError('no_liff_id', 'LIFF_ID is not configured')
  const { openLiffSession } = await import('./liff-session.ts')
  return openLiffSession(config.liffId)
}
