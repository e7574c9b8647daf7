import type { Env, MiddlewareHandler } from 'hono'
import { validator } from 'hono/validator'
import { z } from 'zod'
import { DomainError, InvalidRequest } from '../domain/errors.ts'
import { issueDetails } from '../domain/issues.ts'

export { issueDetails, type IssueDetail } from '../domain/issues.ts'

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i

/** zod's own messages in Japanese; schemas that set a message keep theirs. */
const JAPANESE = z.locales.ja()

/** Parses input against a shared schema; a failure is a 400 naming each field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input, { error: JAPANESE.localeError })
  if (!result.success) {
    const details = issueDetails(result.error.issues)
    throw new InvalidRequest(
      details[0] ? `${details[0].path}: ${details[0].message}` : 'invalid input',
      details,
    )
  }
  return result.data
}

/**
 * Route middleware: the JSON body, validated with a shared schema (`c.req.valid('json')`).
 * Invalid JSON or a schema failure is a 400 naming each field.
 */
export function jsonBody<S extends z.ZodType>(
  schema: S,
): MiddlewareHandler<Env, string, { in: { json: z.input<S> }; out: { json: z.infer<S> } }> {
  return async (c, next) => {
    // Only a JSON body is read as JSON (a text/plain or form body is never parsed as one).
    if (!JSON_TYPE.test(c.req.header('content-type') ?? ''))
      throw new InvalidRequest('Content-Type: application/json の JSON で送ってください。')
    let body: unknown
    try {
      body = await c.req.json()
    } catch (error) {
      // A body the JSON middleware refused while it streamed in (413) stays a 413.
      if (error instanceof DomainError) throw error
      throw new InvalidRequest('リクエストの本文が JSON として読めません。')
    }
    c.req.addValidatedData('json', parseInput(schema, body) as object)
    await next()
  }
}

/** Route middleware: the query string, validated (`c.req.valid('query')`). */
export function queryOf<S extends z.ZodType>(schema: S) {
  return validator('query', (value): z.infer<S> => parseInput(schema, value))
}

/** Route middleware: the path parameters, validated (`c.req.valid('param')`). */
export function paramsOf<S extends z.ZodType>(schema: S) {
  return validator('param', (value): z.infer<S> => parseInput(schema, value))
}
