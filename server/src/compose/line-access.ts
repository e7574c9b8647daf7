import { channelTokenSettings, type Config } from '../config.ts'
import type { Clock, Logger } from '../domain/ports.ts'
import {
  createChannelTokenSource,
  withChannelToken,
  type ChannelTokenSource,
} from '../line/channel-token.ts'
import { withLineCallLog } from '../line/line-call-log.ts'
import type { LineSettings, RuntimePorts } from './ports.ts'

/**
 * How this process reaches LINE's APIs: the runtime's fetch, every call logged (method, path,
 * status, x-line-request-id), and — with short-lived tokens (v2.1, stateless) — the current token
 * put into each call, issued and refreshed before expiry by the token source. The sandbox and a
 * long-lived token use the configured token as it is.
 */
export function composeLineAccess(input: {
  config: Config
  line: LineSettings
  clock: Clock
  logger: Logger
  ports: Pick<RuntimePorts, 'lineFetch' | 'secrets'>
}): { fetch: typeof fetch; tokens: ChannelTokenSource } {
  const { config, line, clock, logger, ports } = input
  const runtimeFetch: typeof fetch = ports.lineFetch ?? ((url, init) => fetch(url, init))
  const logged = withLineCallLog(runtimeFetch, logger)
  const settings = config.sandbox
    ? ({ kind: 'long-lived', token: line.channelAccessToken } as const)
    : channelTokenSettings(config)
  const tokens = createChannelTokenSource({
    settings,
    apiBaseUrl: line.apiBaseUrl,
    clock,
    logger,
    fetch: logged,
    onIssued: (token) => ports.secrets?.add(token),
  })
  return {
    fetch:
      tokens.kind === 'long-lived'
        ? logged
        : withChannelToken(logged, tokens, [line.apiBaseUrl, line.dataApiBaseUrl]),
    tokens,
  }
}
