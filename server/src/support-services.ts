import type { Repositories } from './db/repositories/index.ts'
import type { Atomic } from './db/atomic.ts'
import type { Database } from './db/database.ts'
import {
  createAlertPushStore,
  createStaffAlertStore,
} from './db/repositories/support-alert-repository.ts'
import {
  createInboxStore,
  type ConversationCursor,
  type InboxStore,
} from './db/repositories/support-inbox-repository.ts'
import { memberSurveyResponses } from './db/repositories/support-survey-repository.ts'
import { pushStaffAlerts } from './domain/support/alert-push.ts'
import type { Clock, Ids, Logger } from './domain/ports.ts'
import { fetchPendingContents, type ContentFetcher } from './domain/support/contents.ts'
import type { SupportDeps } from './domain/support/handover.ts'
import type { Services } from './services.ts'

export type { SupportDeps } from './domain/support/handover.ts'

/** The hand-over's dependencies from the repositories (the router and the survey use these). */
export function supportDeps(input: {
  repositories: Pick<Repositories, 'conversations' | 'staffAlerts' | 'settings'>
  clock: Clock
  /** The shop's time zone (SHOP_TIMEZONE). */
  timeZone: string
  sandbox?: boolean
}): SupportDeps {
  return {
    conversations: input.repositories.conversations,
    alerts: input.repositories.staffAlerts,
    settings: input.repositories.settings,
    clock: input.clock,
    timeZone: input.timeZone,
    sandbox: input.sandbox ?? false,
  }
}

/**
 * The data API's message content over fetch: GET {dataApiBaseUrl}/v2/bot/message/{id}/content,
 * read up to `maxBytes` (a larger body is abandoned as too large). Timeouts, 5xx and 429 throw so
 * the job retries; other 4xx mean the content is gone.
 */
export function createContentFetcher(input: {
  dataApiBaseUrl: string
  channelAccessToken: string
  fetch?: typeof fetch
  timeoutMs?: number
}): ContentFetcher {
  const doFetch = input.fetch ?? fetch
  const base = input.dataApiBaseUrl.replace(/\/+$/, '')
  return async (lineMessageId, maxBytes) => {
    // LINE message IDs are digits; anything else must not reach another endpoint.
    if (!/^\d{1,30}$/.test(lineMessageId)) return { kind: 'gone', status: 0 }
    const res = await doFetch(`${base}/v2/bot/message/${lineMessageId}/content`, {
      headers: { authorization: `Bearer ${input.channelAccessToken}` },
      signal: AbortSignal.timeout(input.timeoutMs ?? 20_000),
    })
    const contentType = res.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? null
    if (res.status === 429 || res.status >= 500) {
      await res.body?.cancel()
      throw new Error(`content fetch: HTTP ${res.status}`)
    }
    if (res.status !== 200) {
      await res.body?.cancel()
      return { kind: 'gone', status: res.status }
    }
    const declared = Number(res.headers.get('content-length') ?? Number.NaN)
    if (Number.isFinite(declared) && declared > maxBytes) {
      await res.body?.cancel()
      return { kind: 'too_large', size: declared, contentType }
    }
    const chunks: Uint8Array[] = []
    let size = 0
    const reader = res.body?.getReader()
    for (let part = await reader?.read(); part && !part.done; part = await reader?.read()) {
      size += part.value.byteLength
      if (size > maxBytes) {
        await reader?.cancel()
        return { kind: 'too_large', size: null, contentType }
      }
      chunks.push(part.value)
    }
    const bytes = new Uint8Array(size)
    let offset = 0
    for (const chunk of chunks) {
      bytes.set(chunk, offset)
      offset += chunk.byteLength
    }
    return { kind: 'ok', contentType: contentType ?? 'application/octet-stream', bytes }
  }
}

/**
 * The support inbox's periodic upkeep: fetch pending image contents (outside the webhook path),
 * then push each opted-in staff member one summary of new alerts (quiet hours respected).
 */
export async function runSupportUpkeep(input: {
  services: Pick<Services, 'repositories' | 'support' | 'db' | 'atomic'>
  clock: Clock
  ids: Ids
  logger: Logger
  timeZone: string
}): Promise<void> {
  const { services, clock, ids, logger } = input
  await fetchPendingContents({
    contents: services.repositories.contents,
    fetchContent: services.support.fetchContent,
    maxBytes: services.support.maxContentBytes,
    clock,
    ids,
    logger,
  })
  await pushStaffAlerts({
    store: createAlertPushStore(services.db, services.atomic),
    clock,
    ids,
    logger,
    timeZone: input.timeZone,
    inboxUrl: services.support.inboxUrl,
  })
}

const inboxStores = new WeakMap<object, InboxStore>()

/** The staff inbox's storage over this database (one per database, made on first use). */
export function inboxStoreOf(deps: { db: Database; atomic: Atomic }): InboxStore {
  let store = inboxStores.get(deps.db)
  if (!store) {
    store = createInboxStore(deps.db, deps.atomic)
    inboxStores.set(deps.db, store)
  }
  return store
}

export type StaffAlertRepository = ReturnType<typeof createStaffAlertStore>

export function staffAlertStoreOf(db: Database): StaffAlertRepository {
  return createStaffAlertStore(db)
}

export { memberSurveyResponses }
export type { ConversationCursor, InboxStore }
