/** How a failed batch reads: which constraint of the store refused it (SQLite and D1 alike). */

/** True when a batch failed on a CHECK (a concurrent writer consumed the same lot or balance). */
export function isCheckFailure(error: unknown): boolean {
  return /CHECK constraint failed/i.test(errorText(error))
}

/** True when a batch failed on a UNIQUE index (the dedupe key was written already). */
export function isUniqueFailure(error: unknown): boolean {
  return /UNIQUE constraint failed/i.test(errorText(error))
}

function errorText(error: unknown): string {
  let text = ''
  let current: unknown = error
  for (let depth = 0; current && depth < 5; depth++) {
    text += ` ${String(current)}`
    current = (current as { cause?: unknown }).cause
  }
  return text
}
