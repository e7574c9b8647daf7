import { silentLogger, type Clock, type Logger } from '../domain/ports.ts'

import type { BotInfo } from '../domain/auth/id-token.ts'

export type { BotInfo }

export interface BotInfoOptions {
  apiBaseUrl: string
  channelAccessToken: string
  clock: Clock
  logger?: Logger
  fetch?: typeof fetch
  /** How long a fetched basic ID is trusted. */
  ttlMs?: number
  /** After a failure, how long we answer null before asking LINE again. */
  failureTtlMs?: number
  timeoutMs?: number
}

const BASIC_ID = /^@[0-9A-Za-z._-]{1,40}$/

export function createBotInfo(options: BotInfoOptions): BotInfo {
  const { clock } = options
  const logger = options.logger ?? silentLogger
  const doFetch = options.fetch ?? fetch
  const ttlMs = options.ttlMs ?? 6 * 60 * 60 * 1000
  const failureTtlMs = options.failureTtlMs ?? 60_000
  const timeoutMs = options.timeoutMs ?? 3_000
  const base = options.apiBaseUrl.replace(/\/+$/, '')

  let cached: { url: string | null; until: number } | null = null
  let inflight: Promise<string | null> | null = null

  async function load(): Promise<string | null> {
    try {
      const res = await doFetch(`${base}/v2/bot/info`, {
        headers: { authorization: `Bearer ${options.channelAccessToken}` },
        signal: AbortSignal.timeout(timeoutMs),
      })
      if (!res.ok) {
        throw new Error(
          `status ${res.status} (x-line-request-id ${res.headers.get('x-line-request-id') ?? '-'})`,
        )
      }
      const { basicId } = (await res.json()) as { basicId?: unknown }
      if (typeof basicId !== 'string' || !BASIC_ID.test(basicId))
        throw new Error('no basic ID in the bot info')
      const url = `https://line.me/R/ti/p/${basicId}`
      cached = { url, until: clock.now() + ttlMs }
      return url
    } catch (error) {
      logger.warn('could not read the bot info for the add-friend URL', { error: String(error) })
      cached = { url: cached?.url ?? null, until: clock.now() + failureTtlMs }
      return cached.url
    }
  }

  return {
    async addFriendUrl() {
      if (cached && clock.now() < cached.until) return cached.url
      inflight ??= load().finally(() => {
        inflight = null
      })
      return inflight
    },
  }
}
