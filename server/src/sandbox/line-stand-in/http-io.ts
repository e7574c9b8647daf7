import type {
  IncomingHttpHeaders,
  IncomingMessage,
  OutgoingHttpHeaders,
  ServerResponse,
} from 'node:http'

export interface Call {
  method: string
  path: string
  query: string
  headers: IncomingHttpHeaders
  requestId: string
  /** capture groups of the route's path pattern */
  params: string[]
  raw: Buffer
  /** parsed body for 'json' and 'form' routes */
  body: unknown
}

export interface Reply {
  status: number
  body?: unknown
  headers?: Record<string, string>
  bytes?: { contentType: string; data: Buffer }
}

export type BodyKind = 'json' | 'form' | 'bytes' | 'none'

export interface Route {
  method: string
  path: string | RegExp
  body: BodyKind
  /** requires the channel access token */
  auth: boolean
  /** token bucket name; absent = not rate limited */
  rate?: string
  handle(call: Call): Reply | Promise<Reply>
}

export const emptyBody = Buffer.alloc(0)

export const json = (status: number, body: unknown, headers?: Record<string, string>): Reply =>
  headers ? { status, body, headers } : { status, body }

export const message = (status: number, text: string): Reply => ({
  status,
  body: { message: text },
})

/** Resolves null when the body exceeds the limit (the rest is drained, not buffered). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const declared = Number(req.headers['content-length'])
  if (declared > limit) return Promise.resolve(null)
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let over = false
    req.on('data', (chunk: Buffer) => {
      if (over) return
      size += chunk.length
      if (size > limit) {
        over = true
        chunks.length = 0
      } else chunks.push(chunk)
    })
    req.on('end', () => {
      if (over) resolve(null)
      else if (chunks.length === 0) resolve(emptyBody)
      else resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size))
    })
    req.on('error', reject)
  })
}

export function send(res: ServerResponse, requestId: string, reply: Reply): void {
  const headers: OutgoingHttpHeaders = { 'x-line-request-id': requestId, ...reply.headers }
  let data: Buffer | string
  if (reply.bytes) {
    headers['content-type'] = reply.bytes.contentType
    data = reply.bytes.data
  } else {
    headers['content-type'] = 'application/json'
    data = JSON.stringify(reply.body ?? {})
  }
  headers['content-length'] = Buffer.byteLength(data)
  res.writeHead(reply.status, headers)
  res.end(data)
}

/** Exact paths through a Map, parameterised paths through their RegExps in order. */
export class Router {
  private readonly exact = new Map<string, Route>()
  private readonly patterns: Route[] = []

  constructor(routes: Route[]) {
    for (const route of routes) {
      if (typeof route.path === 'string') this.exact.set(`${route.method} ${route.path}`, route)
      else this.patterns.push(route)
    }
  }

  match(method: string, path: string): { route: Route; params: string[] } | undefined {
    const route = this.exact.get(`${method} ${path}`)
    if (route) return { route, params: [] }
    for (const candidate of this.patterns) {
      if (candidate.method !== method) continue
      const found = (candidate.path as RegExp).exec(path)
      if (found) return { route: candidate, params: found.slice(1).map(safeDecode) }
    }
    return undefined
  }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    return part
  }
}
