// HTTP control surface under /_stand-in/ so other processes (the sandbox's server, Workers tests,
// benchmarks) can drive the stand-in. Never deployed, so no auth — but it mints ID tokens for any
// user (the sandbox's demo owner among them), so it answers only loopback requests naming a
// loopback host and this port, without proxy headers, and grants no cross-origin (CORS) access:
// neither a web page nor a DNS-rebinding host can reach it.
import type { Call, Reply, Route } from './http-io.ts'
import { json, message, Router } from './http-io.ts'
import type {
  CreateUserInput,
  DeliverOptions,
  Fault,
  IdTokenOptions,
  LatencyRange,
  LineStandIn,
  WebhookEvent,
} from './types.ts'

type Body = Record<string, unknown>

export const controlPrefix = '/_stand-in/'

const FORWARDING_HEADERS = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-real-ip',
  'via',
  'cf-connecting-ip',
]

/** True when a control request came from this machine, straight to this port by a loopback name. */
export function isLoopbackControlRequest(request: {
  host: string | undefined
  localPort: number | undefined
  remoteAddress: string | undefined
  headers: Record<string, unknown>
}): boolean {
  const peer = request.remoteAddress?.replace(/^::ffff:/, '') ?? ''
  if (peer !== '::1' && !/^127\.\d+\.\d+\.\d+$/.test(peer)) return false
  if (FORWARDING_HEADERS.some((name) => request.headers[name] !== undefined)) return false
  const host = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]):(\d+)$/i.exec(request.host ?? '')
  return host !== null && Number(host[2]) === request.localPort
}

const bodyOf = (call: Call): Body =>
  typeof call.body === 'object' && call.body !== null && !Array.isArray(call.body)
    ? (call.body as Body)
    : {}

const text = (body: Body, key: string): string => {
  const value = body[key]
  if (typeof value !== 'string') throw new Error(`body.${key} must be a string`)
  return value
}

/** JSON has no RegExp, so the control API takes `pathPattern` (a RegExp source) as well. */
export function faultFromJson(body: Body): Fault {
  const { pathPattern, ...rest } = body
  const fault = { ...rest } as unknown as Fault
  if (typeof pathPattern === 'string') fault.path = new RegExp(pathPattern)
  return fault
}

async function delivery(run: () => Promise<unknown>): Promise<Reply> {
  try {
    return json(200, await run())
  } catch (error) {
    return message(502, `webhook delivery failed: ${(error as Error).message}`)
  }
}

export function controlRouter(standIn: LineStandIn): Router {
  const user = /^\/_stand-in\/users\/(U[0-9a-f]{32})/
  const userAction = (action: string) => new RegExp(`${user.source}/${action}$`)
  const route = (method: string, path: string | RegExp, handle: Route['handle']): Route => ({
    method,
    path: typeof path === 'string' ? `${controlPrefix}${path}` : path,
    body: 'json',
    auth: false,
    handle,
  })
  const userId = (call: Call): string => call.params[0] ?? ''

  return new Router([
    route('GET', 'info', () =>
      json(200, {
        url: standIn.url,
        jwksUrl: standIn.jwksUrl,
        issuer: standIn.issuer,
        channelSecret: standIn.channelSecret,
        channelAccessToken: standIn.channelAccessToken,
        loginChannelId: standIn.loginChannelId,
        botUserId: standIn.botUserId,
        webhookUrl: standIn.webhookUrl ?? null,
      }),
    ),
    // The rich menus LINE holds (the sandbox's console test checks what the button published).
    route('GET', 'rich-menus', () => {
      const live = standIn.defaultRichMenu()?.richMenuId
      return json(
        200,
        standIn.richMenus().map((r) => ({
          richMenuId: r.richMenuId,
          name: r.menu.name,
          isDefault: r.richMenuId === live,
          image: r.image
            ? {
                contentType: r.image.contentType,
                bytes: r.image.data.byteLength,
                base64: r.image.data.toString('base64'),
              }
            : null,
        })),
      )
    }),
    route('PUT', 'webhook-url', (call) => {
      const url = bodyOf(call).url
      standIn.setWebhookUrl(typeof url === 'string' ? url : undefined)
      return json(200, { webhookUrl: standIn.webhookUrl ?? null })
    }),
    route('POST', 'users', (call) =>
      json(201, standIn.createUser(bodyOf(call) as CreateUserInput)),
    ),
    // With whether each ever added the account: "not added yet" is not "blocked".
    route('GET', 'users', () =>
      json(
        200,
        standIn.users().map((u) => ({ ...u, everFollowed: standIn.everFollowed(u.userId) })),
      ),
    ),
    route('GET', new RegExp(`${user.source}$`), (call) => {
      const found = standIn.user(userId(call))
      return found ? json(200, found) : message(404, 'Not found')
    }),
    route('POST', userAction('follow'), (call) => delivery(() => standIn.follow(userId(call)))),
    route('POST', userAction('unfollow'), (call) => delivery(() => standIn.unfollow(userId(call)))),
    route('POST', userAction('text'), (call) => {
      const value = text(bodyOf(call), 'text')
      return delivery(() => standIn.sendText(userId(call), value))
    }),
    route('POST', userAction('postback'), (call) => {
      const body = bodyOf(call)
      const data = text(body, 'data')
      const params = body.params as Record<string, string> | undefined
      const displayText = typeof body.displayText === 'string' ? body.displayText : undefined
      return delivery(() => standIn.postback(userId(call), data, params, { displayText }))
    }),
    route('POST', userAction('image'), (call) => delivery(() => standIn.sendImage(userId(call)))),
    route('GET', userAction('messages'), (call) => json(200, standIn.received(userId(call)))),
    // The user opens a message they received (and with click: true, taps a link in it).
    route('POST', userAction('interact'), (call) => {
      const body = bodyOf(call)
      return json(200, standIn.interact(userId(call), text(body, 'messageId'), body.click === true))
    }),
    route('GET', userAction('sent'), (call) => json(200, standIn.sent(userId(call)))),
    route('GET', userAction('loading'), (call) => json(200, standIn.loading(userId(call)))),
    route('POST', userAction('id-token'), (call) =>
      json(200, { idToken: standIn.issueIdToken(userId(call), bodyOf(call) as IdTokenOptions) }),
    ),
    route('POST', 'deliver', (call) => {
      const { events, ...options } = bodyOf(call)
      if (!Array.isArray(events)) throw new Error('body.events must be an array')
      return delivery(() => standIn.deliver(events as WebhookEvent[], options as DeliverOptions))
    }),
    route('POST', 'faults', (call) => {
      const handle = standIn.inject(faultFromJson(bodyOf(call)))
      return json(201, { id: handle.id })
    }),
    route('PUT', 'latency', (call) => {
      const body = bodyOf(call)
      if (body.minMs === undefined && body.maxMs === undefined) standIn.setLatency(undefined)
      else {
        const { pathPattern, ...range } = body
        standIn.setLatency({
          ...(range as unknown as LatencyRange),
          ...(typeof pathPattern === 'string' ? { path: new RegExp(pathPattern) } : {}),
        })
      }
      return json(200, {})
    }),
    route('PUT', 'reachable', async (call) => {
      const reachable = bodyOf(call).reachable
      if (typeof reachable !== 'boolean') throw new Error('body.reachable must be a boolean')
      await standIn.setReachable(reachable)
      return json(200, { reachable })
    }),
    route('DELETE', 'faults', () => {
      standIn.clearFaults()
      return json(200, {})
    }),
    route('DELETE', /^\/_stand-in\/faults\/([\w-]+)$/, (call) =>
      standIn.removeFault(call.params[0] ?? '') ? json(200, {}) : message(404, 'Not found'),
    ),
    route('POST', 'rotate-keys', async () => {
      await standIn.rotateKeys()
      return json(200, {})
    }),
    route('POST', 'reset', () => {
      standIn.reset()
      return json(200, {})
    }),
    route('GET', 'requests', () => json(200, standIn.requests())),
    route('GET', 'quota', () => json(200, standIn.quota())),
    route('PUT', 'quota', (call) => {
      const body = bodyOf(call)
      const { limit, used, reportedUsageLag } = body
      const count = (v: unknown, name: string) => {
        if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0))
          throw new Error(`body.${name} must be a non-negative integer`)
        return v as number | undefined
      }
      if (limit !== null) count(limit, 'limit')
      standIn.setQuota({
        limit: limit as number | null | undefined,
        used: count(used, 'used'),
        reportedUsageLag: count(reportedUsageLag, 'reportedUsageLag'),
      })
      return json(200, standIn.quota())
    }),
  ])
}
