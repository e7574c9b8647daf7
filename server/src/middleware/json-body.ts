import { MAX_CSV_MEMBER_NUMBERS } from '@joren/shared'
import type { Context, MiddlewareHandler } from 'hono'
import { matchedRoutes } from 'hono/route'
import { PayloadTooLarge, UnsupportedMediaType } from '../domain/errors.ts'

/**
 * One middleware for every route that reads a JSON body (mounted on /api/* and the sandbox API):
 * a request that carries a body must say `Content-Type: application/json` (415 otherwise: no
 * `text/plain` or form posts that a browser sends cross-site without a preflight), and the body
 * may not exceed the route's limit (413, checked on Content-Length and again while streaming).
 * Routes are named by their registered pattern, e.g. `PUT /api/staff/broadcasts/:id`.
 */

/** API JSON bodies are small; anything larger is refused before it is read. */
export const API_BODY_LIMIT = 16 * 1024

const DRAFT_BODY_LIMIT = 64 * 1024 + MAX_CSV_MEMBER_NUMBERS * 14
const RULE_BODY_LIMIT = 128 * 1024
const SURVEY_BODY_LIMIT = 128 * 1024
/** A journey: up to 10 steps of 5 messages of 4,800 characters. */
const JOURNEY_BODY_LIMIT = 1024 * 1024

/**
 * Routes whose JSON bodies may be larger than API_BODY_LIMIT: a broadcast draft may carry a CSV
 * audience of up to 100,000 member numbers (~12 bytes each), keyword rules carry their reply
 * messages, surveys up to 30 questions or answers (free text up to 2,000 characters each).
 */
export const LARGER_JSON_BODIES: Readonly<Record<string, number>> = {
  'POST /api/staff/broadcasts': DRAFT_BODY_LIMIT,
  'POST /api/staff/broadcasts/estimate': DRAFT_BODY_LIMIT,
  'PUT /api/staff/broadcasts/:id': DRAFT_BODY_LIMIT,
  'POST /api/staff/keyword-rules': RULE_BODY_LIMIT,
  'PUT /api/staff/keyword-rules/:id': RULE_BODY_LIMIT,
  'POST /api/staff/surveys': SURVEY_BODY_LIMIT,
  'PUT /api/staff/surveys/:id': SURVEY_BODY_LIMIT,
  'POST /api/staff/journeys': JOURNEY_BODY_LIMIT,
  'PUT /api/staff/journeys/:id': JOURNEY_BODY_LIMIT,
  'PUT /api/liff/surveys/:id/draft': SURVEY_BODY_LIMIT,
  'POST /api/liff/surveys/:id/responses': SURVEY_BODY_LIMIT,
}

/**
 * Routes that read a body that is not JSON; each checks its own type and limit (the CSV import:
 * text/csv up to CSV_MAX_BYTES). The webhook (raw bytes, 1 MiB) is outside /api altogether.
 */
export const NON_JSON_BODIES: ReadonlySet<string> = new Set([
  'POST /api/staff/purchases/import',
  'POST /api/staff/rich-menu',
])

/**
 * Routes whose JSON body is read whatever its Content-Type (size limit still applies): the
 * integration API, called by POS systems that often omit the header. The 415 exists against
 * cross-site form posts; these routes authenticate with an `Authorization: Bearer` key, which a
 * browser never sends cross-site without a preflight, so the reason does not apply.
 */
export const ANY_TYPE_JSON_BODIES: ReadonlySet<string> = new Set(['POST /api/v1/purchases'])

/**
 * Refuses a body over `maxSize`: at once by its Content-Length, or while it is read when it comes
 * in chunks (the read fails with PayloadTooLarge, which the jsonBody validator passes on as the 413).
 */
function limitBody(c: Context, maxSize: number): void {
  const body = c.req.raw.body
  if (!body) return
  const length = c.req.header('content-length')
  if (length !== undefined && !c.req.raw.headers.has('transfer-encoding')) {
    if (Number(length) > maxSize) throw new PayloadTooLarge(maxSize)
    return
  }
  let size = 0
  const limited = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        size += chunk.byteLength
        if (size > maxSize) controller.error(new PayloadTooLarge(maxSize))
        else controller.enqueue(chunk)
      },
    }),
  )
  c.req.raw = new Request(c.req.raw, { body: limited, duplex: 'half' } as RequestInit)
}

/** `METHOD /pattern` of the route that answers, as registered (the first matched route handler). */
export function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`
}

export function jsonBodyLimitFor(key: string): number {
  return LARGER_JSON_BODIES[key] ?? API_BODY_LIMIT
}

function hasBody(headers: Headers): boolean {
  const length = headers.get('content-length')
  if (length !== null) return length.trim() !== '0'
  return headers.has('transfer-encoding')
}

function isJson(contentType: string | undefined): boolean {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase()
  return mediaType === 'application/json'
}

export const jsonBodies: MiddlewareHandler = async (c, next) => {
  const method = c.req.method
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return next()
  const route = matchedRoutes(c).find((r) => r.method !== 'ALL')
  const key = routeKey(method, route?.path ?? c.req.path)
  if (NON_JSON_BODIES.has(key)) return next()
  if (
    hasBody(c.req.raw.headers) &&
    !ANY_TYPE_JSON_BODIES.has(key) &&
    !isJson(c.req.header('content-type'))
  )
    throw new UnsupportedMediaType()
  limitBody(c, jsonBodyLimitFor(key))
  await next()
}
