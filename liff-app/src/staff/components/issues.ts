import { detailsOf } from '../../lib/field-errors.ts'
import { locale, t } from '../messages.ts'

export type Issues = Partial<Record<string, string>>

const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff]/

/**
 * Zod issues (from the shared schema here, or the server's 400 `details`) keyed by their path as
 * the form names its controls: `answer`, `questions.2`, `reply.0.text`. The first message per
 * control wins; a message that is not Japanese (zod's defaults) becomes the generic one.
 */
export function issuesByPath(
  issues: readonly { path: readonly PropertyKey[] | string; message: string }[],
): Issues {
  const out: Issues = {}
  for (const issue of issues) {
    const key = typeof issue.path === 'string' ? issue.path : issue.path.map(String).join('.')
    if (out[key]) continue
    // The regex checker's reason is worth reading in any language; other English UI gets the
    // generic line rather than a Japanese schema message.
    const keep = JAPANESE.test(issue.message) && (locale() === 'ja' || key === 'pattern')
    out[key] = keep ? issue.message : t().errors.fix
  }
  return out
}

/** A 400's per-field details, or null when the failure is not about the fields. */
export function serverIssues(error: unknown): Issues | null {
  const details = detailsOf(error)
  return details.length ? issuesByPath(details) : null
}
