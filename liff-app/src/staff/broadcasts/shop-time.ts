/**
 * `<input type="datetime-local">` values (`YYYY-MM-DDTHH:MM`, no zone) read and written in the
 * shop's time zone, whatever zone the staff member's device is in.
 */

function parts(ms: number, timeZone: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const part of new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(ms)) {
    if (part.type !== 'literal') out[part.type] = Number(part.value)
  }
  return out
}

/** The zone's offset from UTC at `ms`, in ms (Asia/Tokyo: +9 h). */
function offsetAt(ms: number, timeZone: string): number {
  const p = parts(ms, timeZone)
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!)
  return asUtc - Math.floor(ms / 1000) * 1000
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/

/** `2026-12-01T10:30` in `timeZone` → epoch ms; null when the text is not such a value. */
export function shopLocalToEpoch(value: string, timeZone: string): number | null {
  const match = LOCAL.exec(value)
  if (!match) return null
  const [, y, mo, d, h, mi] = match.map(Number)
  const wall = Date.UTC(y!, mo! - 1, d!, h!, mi!)
  // Two passes settle the offset also next to a daylight-saving change.
  let guess = wall - offsetAt(wall, timeZone)
  guess = wall - offsetAt(guess, timeZone)
  return guess
}

/** Epoch ms → `2026-12-01T10:30` as the shop's clock shows it. */
export function epochToShopLocal(ms: number, timeZone: string): string {
  const p = parts(ms, timeZone)
  const pad = (v: number | undefined) => String(v ?? 0).padStart(2, '0')
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`
}
