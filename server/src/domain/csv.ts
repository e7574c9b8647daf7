/**
 * CSV for Excel, shared by every export (surveys, members, points import, data rights).
 */

/** Excel (Japanese Windows included) reads UTF-8 only with a byte-order mark. */
export const UTF8_BOM = '\uFEFF'

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
export function csvField(value: string): string {
  // A leading = + - @ would run as a formula in Excel: keep it text.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

export function csvLine(fields: string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`
}
