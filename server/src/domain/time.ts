/** YYYY-MM-DD plus n calendar days (negative n goes back); a plain date, no zone involved. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10)
}

/** Epoch ms of 00:00 on `date` (YYYY-MM-DD) in the given IANA time zone. */
export function startOfDayInZone(date: string, timeZone: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`)
  // The zone's offset can differ across the day (DST); two passes settle it.
  let guess = utcMidnight - offsetMs(utcMidnight, timeZone)
  guess = utcMidnight - offsetMs(guess, timeZone)
  return guess
}

/** One formatter per zone: building an Intl.DateTimeFormat costs far more than using one. */
const ZONE_FORMATS = new Map<string, Intl.DateTimeFormat>()

function zoneFormat(timeZone: string): Intl.DateTimeFormat {
  let format = ZONE_FORMATS.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    ZONE_FORMATS.set(timeZone, format)
  }
  return format
}

/** The zone's UTC offset at an instant, in ms (Asia/Tokyo: +9 h). */
export function offsetMs(at: number, timeZone: string): number {
  const parts = zoneFormat(timeZone).formatToParts(at)
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value)
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  )
  return asUtc - Math.floor(at / 1000) * 1000
}

/** Formats an instant for a message a person reads: 2026/11/22 18:04:05 in the shop's zone. */
export function shopDateTime(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat('ja-JP', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(at)
}
