import type { Config } from '../config.ts'
import type { AppLinks } from '../domain/links.ts'
import type { Clock, Ids, Logger } from '../domain/ports.ts'
import { DEFAULT_MAX_CONTENT_BYTES } from '../domain/support/contents.ts'
import { createContentFetcher } from '../line/content-fetcher.ts'
import { createLineLogin } from '../line/login.ts'
import { createLineMessagingClient } from '../line/messaging-client.ts'
import { createPacer } from '../line/rate-limiter.ts'
import { composeLineAccess } from './line-access.ts'
import type { RuntimePorts } from './ports.ts'

/**
 * The product's clients of LINE, built once: the Messaging API (replies, pushes, quota), LINE
 * Login (ID tokens, the bot's info) and the content API (customers' images) — every call through
 * the one logged, token-refreshing fetch of `composeLineAccess`.
 */
export function composeLineClients(input: {
  ports: RuntimePorts
  links: AppLinks
  clock: Clock
  ids: Ids
  logger: Logger
  config: Config
  /** Tag pushes and multicasts with customAggregationUnits (LINE's per-unit open/click figures). */
  aggregationUnits: boolean
}) {
  const { ports, links, clock, ids, logger, config } = input
  const { line } = ports
  const lineAccess = composeLineAccess({ config, line, clock, logger, ports })
  const lineFetch = lineAccess.fetch
  const messenger = createLineMessagingClient({
    apiBaseUrl: line.apiBaseUrl,
    channelAccessToken: line.channelAccessToken,
    ids,
    logger,
    timeoutMs: ports.lineTimeoutMs,
    fetch: lineFetch,
    pacer: ports.pacer ?? createPacer(),
    aggregationUnits: input.aggregationUnits,
  })
  const login = createLineLogin({ config, line, clock, logger, fetch: lineFetch })
  const content = {
    fetchContent: createContentFetcher({
      dataApiBaseUrl: line.dataApiBaseUrl,
      channelAccessToken: line.channelAccessToken,
      fetch: lineFetch,
    }),
    maxContentBytes: ports.maxContentBytes ?? DEFAULT_MAX_CONTENT_BYTES,
    /** Staff alert pushes link here. */
    inboxUrl: `${links.publicUrl.replace(/\/+$/, '')}/staff/inbox`,
  }
  return { messenger, login, content }
}
