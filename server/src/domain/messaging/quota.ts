import { QUOTA_WARN_RATIO, type MessageQuota } from '@joren/shared'
import type { Clock, Logger } from '../ports.ts'
import type { Messenger } from './messenger.ts'

/** How long LINE's answer is reused (the console's home, the composer's estimate, a send). */
export const QUOTA_CACHE_MS = 30_000
/** How long "LINE did not answer" is reused: an estimate and the send after it ask LINE once. */
export const QUOTA_FAILURE_CACHE_MS = 15_000

export const UNKNOWN_QUOTA: MessageQuota = {
  type: 'unknown',
  limit: null,
  used: null,
  remaining: null,
  level: 'unknown',
  checkedAt: null,
}

export function quotaView(
  info: { type: 'none' | 'limited'; limit: number | null; used: number },
  checkedAt: number,
): MessageQuota {
  if (info.type === 'none' || info.limit === null)
    return { type: 'none', limit: null, used: info.used, remaining: null, level: 'ok', checkedAt }
  const remaining = Math.max(0, info.limit - info.used)
  const level =
    remaining === 0 ? 'reached' : info.used >= info.limit * QUOTA_WARN_RATIO ? 'near' : 'ok'
  return { type: 'limited', limit: info.limit, used: info.used, remaining, level, checkedAt }
}

/**
 * The month's message quota, read from LINE and kept briefly: concurrent readers share one call
 * (two requests: quota and consumption), an answer is reused for QUOTA_CACHE_MS and a failure for
 * QUOTA_FAILURE_CACHE_MS. Never throws: when LINE's quota endpoints fail the quota is 'unknown'
 * and sends go on (LINE still enforces the limit and answers "monthly limit" past it).
 *
 * Messages this process got LINE to accept (or reserved for a send under way) are counted into
 * the kept figure at once, so the next chunk is sized on what is really left; LINE's own figure
 * can lag behind, which the broadcast engine's split-once rule covers.
 */
export interface QuotaReader {
  read(options?: { fresh?: boolean }): Promise<MessageQuota>
  /** `n` messages were accepted by LINE (or are about to be sent): the kept remainder shrinks. */
  consumed(n: number): void
  /**
   * Takes up to `n` of the kept remainder for a send about to go (release what LINE then did not
   * accept). null: no monthly limit, or the quota is unknown — send all, LINE enforces its limit.
   */
  reserve(n: number): Promise<number | null>
  release(n: number): void
  /** LINE answered "monthly limit": the kept figure is wrong; ask again next time. */
  invalidate(): void
}

export function createQuotaReader(deps: {
  messenger: Messenger
  clock: Clock
  logger?: Logger
}): QuotaReader {
  let kept: { quota: MessageQuota; until: number } | null = null
  let inFlight: Promise<MessageQuota> | null = null

  async function ask(): Promise<MessageQuota> {
    const at = deps.clock.now()
    try {
      const info = await deps.messenger.messageQuota()
      const quota = quotaView(info, at)
      kept = { quota, until: deps.clock.now() + QUOTA_CACHE_MS }
      return quota
    } catch (error) {
      deps.logger?.warn('LINE message quota unavailable', { error: String(error) })
      kept = { quota: UNKNOWN_QUOTA, until: deps.clock.now() + QUOTA_FAILURE_CACHE_MS }
      return UNKNOWN_QUOTA
    }
  }

  function consumed(n: number): void {
    if (!kept || kept.quota.type !== 'limited' || kept.quota.used === null) return
    kept = {
      ...kept,
      quota: quotaView(
        { type: 'limited', limit: kept.quota.limit, used: Math.max(0, kept.quota.used + n) },
        kept.quota.checkedAt ?? deps.clock.now(),
      ),
    }
  }

  const reader: QuotaReader = {
    async read(options) {
      const now = deps.clock.now()
      if (!options?.fresh && kept && now < kept.until) return kept.quota
      inFlight ??= ask().finally(() => {
        inFlight = null
      })
      return inFlight
    },
    consumed,
    async reserve(n) {
      await reader.read()
      // The kept figure as it is now (other sends may have reserved since the read began).
      const quota = kept?.quota
      if (!quota || quota.type !== 'limited' || quota.remaining === null) return null
      const granted = Math.min(n, quota.remaining)
      consumed(granted)
      return granted
    },
    release(n) {
      consumed(-n)
    },
    invalidate() {
      kept = null
    },
  }
  return reader
}

const readers = new WeakMap<Messenger, QuotaReader>()

/** One reader per messenger (the composition root passes its own; tests get one this way). */
export function quotaReaderFor(messenger: Messenger, clock: Clock, logger?: Logger): QuotaReader {
  let reader = readers.get(messenger)
  if (!reader) readers.set(messenger, (reader = createQuotaReader({ messenger, clock, logger })))
  return reader
}

/** The console's quota widget: the month's quota as LINE last said it (kept briefly). */
export function createQuotaService(reader: QuotaReader) {
  return {
    current: async (): Promise<{ quota: MessageQuota }> => ({ quota: await reader.read() }),
  }
}
export type QuotaService = ReturnType<typeof createQuotaService>
