import type { FieldIssue } from './api-error.ts'

export type FieldErrors = Partial<Record<string, string>>

const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff]/

/**
 * Issues (from the shared zod schema in the browser, or the server's 400 `details`) → one message
 * per top-level field. A schema's own Japanese message is shown in Japanese; anything else (zod's
 * English defaults, or English UI) falls back to the field's message from the catalogue.
 */
export function fieldErrors(
  issues: readonly { path: readonly PropertyKey[] | string; message: string }[],
  locale: 'ja' | 'en',
  fallback: (field: string) => string,
): FieldErrors {
  const errors: FieldErrors = {}
  for (const issue of issues) {
    const path = typeof issue.path === 'string' ? issue.path.split('.') : issue.path.map(String)
    const field = path[0] ?? ''
    if (errors[field]) continue
    errors[field] =
      locale === 'ja' && JAPANESE.test(issue.message) ? issue.message : fallback(field)
  }
  return errors
}

export function detailsOf(error: unknown): FieldIssue[] {
  return typeof error === 'object' &&
    error !== null &&
    'details' in error &&
    Array.isArray(error.details)
    ? (error.details as FieldIssue[])
    : []
}
