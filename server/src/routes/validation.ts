import type { Context } from 'hono'
import { z } from 'zod'
import { DomainError, InvalidRequest } from '../domain/errors.ts'

/** zod's own messages in Japanese; schemas that set a message keep theirs. */
const JAPANESE = z.locales.ja()

export interface IssueDetail {
  path: string
  message: string
}

/**
 * Flattens zod issues into `{ path, message }`. For a union, the branch that came closest (fewest
 * issues) explains the failure: "events.0.webhookEventId: required", not "events.0: no match".
 */
export function issueDetails(
  issues: readonly z.core.$ZodIssue[],
  prefix: PropertyKey[] = [],
): IssueDetail[] {
  const details: IssueDetail[] = []
  for (const issue of issues) {
    const path = [...prefix, ...issue.path]
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? []
      details.push(...issueDetails(closest, path))
    } else {
      details.push({ path: path.map(String).join('.'), message: issue.message })
    }
  }
  return details
}

/** Parses query or path input; a failure is a 400 naming each field. */
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
 * Parses a JSON body; invalid JSON or a schema failure is a 400 naming each field. A body the
 * JSON middleware refused while it streamed in (413) stays a 413.
 */
export async function parseBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let body: unknown
  try {
    body = await c.req.json()
  } catch (error) {
    if (error instanceof DomainError) throw error
    throw new InvalidRequest('リクエストの本文が JSON として読めません。')
  }
  return parseInput(schema, body)
}
