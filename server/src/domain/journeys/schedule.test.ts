import { describe, expect, it } from 'vitest'
import { DEFAULT_CONTACT_POLICY } from '@joren/shared'
import { quietHoursEnd } from '../contact-policy/policy.ts'
import { isJourneyHoldout } from './holdout.ts'
import { birthdaysOn, medianGap, passDates, stepDueAt, tierDropAt } from './schedule.ts'

const TZ = 'Asia/Tokyo'
const jst = (s: string) => Date.parse(`${s}+09:00`)

describe('journey schedule', () => {
  it('"day N at HH:MM" counts shop-local calendar days, whatever the UTC date', () => {
    // 00:30 JST on 11 Mar is still 10 Mar in UTC.
    expect(stepDueAt(jst('2027-03-11T00:30:00'), { days: 1, hours: 0, at: '10:00' }, TZ)).toBe(
      jst('2027-03-12T10:00:00'),
    )
    expect(stepDueAt(jst('2027-03-10T23:59:00'), { days: 1, hours: 0, at: '10:00' }, TZ)).toBe(
      jst('2027-03-11T10:00:00'),
    )
    expect(stepDueAt(jst('2027-03-10T23:59:00'), { days: 0, hours: 2, at: null }, TZ)).toBe(
      jst('2027-03-11T01:59:00'),
    )
  })

  it('29 Feb is celebrated on 28 Feb in a year without one', () => {
    expect(birthdaysOn('2027-02-28')).toEqual(['02-28', '02-29'])
    expect(birthdaysOn('2028-02-28')).toEqual(['02-28'])
    expect(birthdaysOn('2028-02-29')).toEqual(['02-29'])
    expect(birthdaysOn('2100-02-28')).toEqual(['02-28', '02-29'])
  })

  it('a pass covers the local days since the last one, at most a week', () => {
    expect(passDates(null, jst('2027-03-10T08:00:00'), TZ)).toEqual(['2027-03-10'])
    expect(passDates(jst('2027-03-10T23:00:00'), jst('2027-03-11T00:10:00'), TZ)).toEqual([
      '2027-03-11',
    ])
    expect(passDates(jst('2027-03-11T00:00:00'), jst('2027-03-11T23:00:00'), TZ)).toEqual([])
    expect(passDates(jst('2027-01-01T00:00:00'), jst('2027-03-11T01:00:00'), TZ)).toHaveLength(7)
  })

  it('the median gap between purchases', () => {
    const d = 86_400_000
    expect(medianGap([0])).toBeNull()
    expect(medianGap([0, 14 * d, 28 * d])).toBe(14 * d)
    expect(medianGap([0, 10 * d, 24 * d, 100 * d])).toBe(14 * d)
  })

  it('quiet hours 21:00–09:00 defer to 09:00 shop time', () => {
    const p = DEFAULT_CONTACT_POLICY
    expect(quietHoursEnd(jst('2027-03-10T20:59:00'), p, TZ)).toBeNull()
    expect(quietHoursEnd(jst('2027-03-10T21:00:00'), p, TZ)).toBe(jst('2027-03-11T09:00:00'))
    expect(quietHoursEnd(jst('2027-03-11T03:00:00'), p, TZ)).toBe(jst('2027-03-11T09:00:00'))
    expect(quietHoursEnd(jst('2027-03-11T09:00:00'), p, TZ)).toBeNull()
    expect(
      quietHoursEnd(
        jst('2027-03-11T13:00:00'),
        { ...p, quietStart: '12:00', quietEnd: '14:00' },
        TZ,
      ),
    ).toBe(jst('2027-03-11T14:00:00'))
    expect(
      quietHoursEnd(
        jst('2027-03-11T03:00:00'),
        { ...p, quietStart: '09:00', quietEnd: '09:00' },
        TZ,
      ),
    ).toBeNull()
  })

  it('the holdout draw is sticky and near its share', () => {
    let held = 0
    for (let m = 1; m <= 10_000; m++) if (isJourneyHoldout(m, 7, 20)) held++
    expect(held).toBeGreaterThan(1800)
    expect(held).toBeLessThan(2200)
    expect(isJourneyHoldout(42, 7, 20)).toBe(isJourneyHoldout(42, 7, 20))
    expect(isJourneyHoldout(42, 7, 0)).toBe(false)
  })

  it('the tier drops when the purchase taking the spend under the threshold ages out of 12 months', () => {
    const at = (t: string) => Date.parse(`${t}+09:00`)
    const purchases = [
      { at: at('2027-03-01T00:00:00'), yen: 20_000 },
      { at: at('2027-01-10T19:30:00'), yen: 15_000 },
      { at: at('2027-06-01T10:00:00'), yen: 20_000 },
    ]
    // 55,000 in a 30,000 tier: January's 15,000 leaves (40,000 left), then March's (20,000 < 30,000).
    expect(tierDropAt(30_000, purchases, 'Asia/Tokyo')).toBe(at('2028-03-01T00:00:00'))
    // Falls under at once when the first purchase leaves.
    expect(tierDropAt(50_000, purchases, 'Asia/Tokyo')).toBe(at('2028-01-10T19:30:00'))
    // The lowest tier (no threshold to fall from), or already under it: none.
    expect(tierDropAt(null, purchases, 'Asia/Tokyo')).toBeNull()
    expect(tierDropAt(100_000, purchases, 'Asia/Tokyo')).toBeNull()
    // 29 Feb of a leap year leaves on 28 Feb.
    expect(tierDropAt(1_000, [{ at: at('2028-02-29T12:00:00'), yen: 5_000 }], 'Asia/Tokyo')).toBe(
      at('2029-02-28T12:00:00'),
    )
  })
})
