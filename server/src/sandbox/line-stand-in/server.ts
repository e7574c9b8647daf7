import type { IncomingMessage, ServerResponse } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { controlPrefix, isLoopbackControlRequest } from './control-api.ts'
import type { BaseLatency, FaultDecision, Faults } from './faults.ts'
import type { Reply, Router } from './http-io.ts'
import { emptyBody, json, message, readBody, send } from './http-io.ts'
import { newRequestId } from './ids.ts'
import type { RateLimiter } from './rate-limit.ts'
import type { StandInState } from './state.ts'
import type { RecordedRequest } from './types.ts'

/** LINE rejects request bodies over 2 MB. */
export const maxBodyBytes = 2 * 1024 * 1024

export interface PipelineDeps {
  router: Router
  control: () => Router | undefined
  faults: Faults
  latency: BaseLatency
  limiter: RateLimiter | undefined
  state: StandInState
  channelAccessToken: string
  /** Short-lived tokens the stand-in issued (and that have not expired). */
  acceptsToken?: (token: string) => boolean
}

const unauthorized = (): Reply =>
  message(
    401,
    'Authentication failed. Confirm that the access token in the authorization header is valid.',
  )
const rateLimited = (): Reply =>
  message(429, 'The API rate limit has been exceeded. Try again later.')
const tooLarge = (): Reply => ({
  ...message(413, 'Request Entity Too Large'),
  headers: { connection: 'close' },
})

function parseLoggedBody(req: IncomingMessage, raw: Buffer): unknown {
  if (raw.length === 0 || !(req.headers['content-type'] ?? '').includes('json')) return null
  try {
    return JSON.parse(raw.toString('utf8')) as unknown
  } catch {
    return null
  }
}

export function createRequestListener(
  deps: PipelineDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  const bearer = `Bearer ${deps.channelAccessToken}`
  const authorized = (header: string | undefined): boolean => {
    if (header === bearer) return true
    if (header === undefined || !/^bearer\s+/i.test(header)) return false
    const token = header.replace(/^bearer\s+/i, '').trim()
    return token === deps.channelAccessToken || (deps.acceptsToken?.(token) ?? false)
  }

  async function dispatch(
    req: IncomingMessage,
    entry: RecordedRequest,
    raw: Buffer,
    decision: FaultDecision,
  ): Promise<Reply> {
    if (decision.outcome?.kind === 'status' && decision.outcome.phase === 'before') {
      // refused before processing: nothing is validated, recorded as delivered or consumed
      entry.body = parseLoggedBody(req, raw)
      return {
        status: decision.outcome.status,
        body: decision.outcome.body,
        headers: decision.outcome.headers,
      }
    }
    const match = deps.router.match(entry.method, entry.path)
    if (!match) return message(404, 'Not found')
    const { route, params } = match
    if (route.auth && !authorized(req.headers.authorization)) return unauthorized()
    if (deps.limiter && route.rate && !deps.limiter.take(route.rate)) return rateLimited()
    let body: unknown = null
    if (route.body === 'json') {
      const contentType = req.headers['content-type'] ?? ''
      if (!contentType.toLowerCase().includes('application/json')) {
        return message(415, `The content type, '${contentType}', is not supported`)
      }
      try {
        body = JSON.parse(raw.toString('utf8')) as unknown
      } catch {
        return message(400, 'The request body could not be parsed as JSON (line: -, column: -)')
      }
      entry.body = body
    } else if (route.body === 'form') {
      body = Object.fromEntries(new URLSearchParams(raw.toString('utf8')))
      entry.body = body
    }
    return route.handle({
      method: entry.method,
      path: entry.path,
      query: entry.query,
      headers: req.headers,
      requestId: entry.requestId,
      params,
      raw,
      body,
    })
  }

  async function handleLine(
    req: IncomingMessage,
    res: ServerResponse,
    entry: RecordedRequest,
  ): Promise<void> {
    const decision = deps.faults.decide(entry.method, entry.path)
    const latencyMs = deps.latency.for(entry.path) + decision.latencyMs
    if (latencyMs > 0) await sleep(latencyMs)
    const outcome = decision.outcome
    if (outcome?.kind === 'drop' && outcome.phase === 'before') {
      deps.state.log.push(entry)
      req.socket.destroy()
      return
    }
    const raw = await readBody(req, maxBodyBytes)
    const reply = raw === null ? tooLarge() : await dispatch(req, entry, raw, decision)
    if (decision.answerLatencyMs > 0) await sleep(decision.answerLatencyMs)
    if (outcome?.kind === 'drop') {
      // processed, then the connection was lost before the answer: the caller cannot tell
      deps.state.log.push(entry)
      req.socket.destroy()
      return
    }
    const answered =
      outcome?.kind === 'status' && outcome.phase === 'after'
        ? { status: outcome.status, body: outcome.body, headers: outcome.headers }
        : reply
    entry.status = answered.status
    deps.state.log.push(entry)
    send(res, entry.requestId, answered)
  }

  async function handleControl(
    req: IncomingMessage,
    res: ServerResponse,
    entry: RecordedRequest,
  ): Promise<void> {
    const local = isLoopbackControlRequest({
      host: req.headers.host,
      localPort: req.socket.localPort,
      remoteAddress: req.socket.remoteAddress,
      headers: req.headers,
    })
    if (!local) {
      res.shouldKeepAlive = false
      send(res, entry.requestId, {
        ...message(403, 'The stand-in control API answers loopback requests only'),
        headers: { connection: 'close' },
      })
      return
    }
    const match = deps.control()?.match(entry.method, entry.path)
    const raw = await readBody(req, maxBodyBytes)
    let reply: Reply
    if (!match) reply = message(404, 'Not found')
    else if (raw === null) reply = tooLarge()
    else {
      try {
        const body: unknown = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'))
        reply = await match.route.handle({
          method: entry.method,
          path: entry.path,
          query: entry.query,
          headers: req.headers,
          requestId: entry.requestId,
          params: match.params,
          raw: raw ?? emptyBody,
          body,
        })
      } catch (error) {
        reply = message(400, (error as Error).message)
      }
    }
    send(res, entry.requestId, reply)
  }

  return (req, res) => {
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const entry: RecordedRequest = {
      method: req.method ?? 'GET',
      path: q < 0 ? url : url.slice(0, q),
      query: q < 0 ? '' : url.slice(q + 1),
      headers: req.headers,
      body: null,
      status: 0,
      requestId: newRequestId(),
      at: deps.state.now(),
    }
    const work = entry.path.startsWith(controlPrefix)
      ? handleControl(req, res, entry)
      : handleLine(req, res, entry)
    work.catch((error: unknown) => {
      console.error('LINE stand-in: request failed', error)
      if (!res.headersSent && !res.destroyed) {
        send(
          res,
          entry.requestId,
          json(500, { message: `stand-in error: ${(error as Error).message}` }),
        )
      }
    })
  }
}
