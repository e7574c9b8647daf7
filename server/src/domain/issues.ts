import type { z } from 'zod'

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
