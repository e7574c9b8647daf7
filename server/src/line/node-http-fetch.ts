import { Agent, request as httpRequest, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304])

/**
 * A `fetch` for the LINE clients on Node, over node:http with keep-alive sockets. Node's built-in
 * fetch registers every request's abort listener in a FinalizationRegistry; under load their
 * clean-up runs in one go inside GC (tens of ms with the webhook waiting), and each call costs
 * several times more CPU. Supports what the clients use: method, string or byte body, headers, signal.
 */
export function createNodeHttpFetch(
  options: { maxSockets?: number; /** extra trusted CA (PEM) for HTTPS */ ca?: string } = {},
): typeof fetch {
  const maxSockets = options.maxSockets ?? 16
  const agents = {
    'http:': new Agent({ keepAlive: true, maxSockets }),
    'https:': new HttpsAgent({
      keepAlive: true,
      maxSockets,
      ...(options.ca ? { ca: options.ca } : {}),
    }),
  }
  const nodeFetch = (input: string | URL | Request, init: RequestInit = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url)
      const { signal } = init
      const given = init.body
      // Strings (JSON) and bytes (the rich-menu image); nothing streamed.
      const body =
        given instanceof Uint8Array
          ? Buffer.from(given.buffer, given.byteOffset, given.byteLength)
          : given
      if (
        body !== undefined &&
        body !== null &&
        typeof body !== 'string' &&
        !Buffer.isBuffer(body)
      ) {
        reject(new TypeError('createNodeHttpFetch sends string and byte bodies only'))
        return
      }
      if (signal?.aborted) {
        reject(signal.reason)
        return
      }
      const headers: Record<string, string> = {}
      new Headers(init.headers).forEach((value, key) => (headers[key] = value))
      if (typeof body === 'string') headers['content-length'] = String(Buffer.byteLength(body))
      else if (body) headers['content-length'] = String(body.byteLength)
      const secure = url.protocol === 'https:'
      const req = (secure ? httpsRequest : httpRequest)(
        url,
        { method: init.method ?? 'GET', headers, agent: agents[secure ? 'https:' : 'http:'] },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('error', reject)
          res.on('end', () => {
            const responseHeaders = new Headers()
            for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
              responseHeaders.append(res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string)
            const status = res.statusCode ?? 500
            try {
              resolve(
                new Response(NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks), {
                  status,
                  statusText: res.statusMessage,
                  headers: responseHeaders,
                }),
              )
            } catch (error) {
              reject(error)
            }
          })
        },
      )
      req.on('error', reject)
      if (signal) {
        const onAbort = () => req.destroy(signal.reason as Error)
        signal.addEventListener('abort', onAbort, { once: true })
        req.on('close', () => signal.removeEventListener('abort', onAbort))
      }
      req.end(body ?? undefined)
    })
  return nodeFetch as typeof fetch
}
