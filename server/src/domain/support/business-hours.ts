import { DEFAULT_BUSINESS_HOURS, type BusinessHours, type DayHours } from '@joren/shared'
import type { Locale } from '../chat/texts.ts'

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const DAY_LABEL: Record<Locale, string[]> = {
  ja: ['日', '月', '火', '水', '木', '金', '土'],
  en: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
}
/** Shown Monday first, as a shop's opening hours usually are. */
const DISPLAY_ORDER = [1, 2, 3, 4, 5, 6, 0]

export function businessHoursOf(settings: { businessHours?: BusinessHours }): BusinessHours {
  return settings.businessHours ?? DEFAULT_BUSINESS_HOURS
}

const CLOCK_FORMATS = new Map<string, Intl.DateTimeFormat>()

/** The weekday (0 = Sunday), 'YYYY-MM-DD' and 'HH:MM' of an instant in the shop's time zone. */
export function shopClock(
  at: number,
  timeZone: string,
): { weekday: number; date: string; time: string } {
  let format = CLOCK_FORMATS.get(timeZone)
  if (!format) {
    // Built once per zone: building a formatter costs far more than using one.
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
    CLOCK_FORMATS.set(timeZone, format)
  }
  const parts = format.formatToParts(at)
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? ''
  return {
    weekday: WEEKDAYS.indexOf(get('weekday')),
    date: `${get('year')}-${get('month')}-${get('day')}`,
    time: `${get('hour')}:${get('minute')}`,
  }
}

/** The hours of one shop-local date: a special day's own, closed on a holiday, else its weekday's. */
export function hoursOn(hours: BusinessHours, date: string, weekday: number): DayHours {
  const special = hours.specialDays?.find((d) => d.date === date)
  if (special) return special.hours
  if (hours.holidays?.includes(date)) return null
  return hours.days[weekday] ?? null
}

/** Whether the shop is open at `at` (its time zone), holidays and special days included. */
export function isWithinBusinessHours(hours: BusinessHours, at: number, timeZone: string): boolean {
  const { weekday, date, time } = shopClock(at, timeZone)
  const day = hoursOn(hours, date, weekday)
  return !!day && day.open <= time && time < day.close
}

const span = (day: DayHours, locale: Locale) =>
  day ? `${day.open}–${day.close}` : locale === 'ja' ? '定休' : 'closed'

/**
 * The hours in one line: 「10:00–19:00」 when every day is the same, otherwise runs of days with the
 * same hours, e.g. 「月〜金 10:00–19:00、土日 11:00–17:00、…」.
 */
export function describeBusinessHours(hours: BusinessHours, locale: Locale): string {
  const days = DISPLAY_ORDER.map((index) => ({ index, hours: hours.days[index] ?? null }))
  const same = (a: DayHours, b: DayHours) => a?.open === b?.open && a?.close === b?.close
  const first = days[0]?.hours ?? null
  if (days.every((d) => same(d.hours, first))) return span(first, locale)
  const runs: { from: number; to: number; hours: DayHours }[] = []
  for (const day of days) {
    const last = runs[runs.length - 1]
    if (last && same(last.hours, day.hours)) last.to = day.index
    else runs.push({ from: day.index, to: day.index, hours: day.hours })
  }
  const labels = DAY_LABEL[locale]
  const sep = locale === 'ja' ? '、' : ', '
  const dash = locale === 'ja' ? '〜' : '–'
  return runs
    .map((run) => {
      const from = labels[run.from] ?? ''
      const to = labels[run.to] ?? ''
      const name = run.from === run.to ? from : `${from}${dash}${to}`
      return `${name} ${span(run.hours, locale)}`
    })
    .join(sep)
}
