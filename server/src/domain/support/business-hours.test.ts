import type { BusinessHours } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import type { SettingsStore } from '../shop/settings.ts'
import { describeBusinessHours, isWithinBusinessHours } from './business-hours.ts'
import { acknowledgement } from './handover.ts'

const TZ = 'Asia/Tokyo'
/** 2026-11-23 is a Monday; these are Tokyo times. */
const at = (hhmm: string, day = '2026-11-23') => Date.parse(`${day}T${hhmm}:00+09:00`)

const weekdaysOnly: BusinessHours = {
  days: [
    null,
    { open: '10:00', close: '19:00' },
    { open: '10:00', close: '19:00' },
    { open: '10:00', close: '19:00' },
    { open: '10:00', close: '19:00' },
    { open: '10:00', close: '19:00' },
    { open: '11:00', close: '17:00' },
  ],
}

function settingsWith(value: unknown): SettingsStore {
  return {
    get: async () => value,
    putWrite: () => ({}),
    put: async () => {},
    putIfAbsent: async (_key, v) => v,
    delete: async () => {},
  }
}

describe('business hours', () => {
  it('knows whether the shop is open in its own time zone', () => {
    expect(isWithinBusinessHours(weekdaysOnly, at('10:00'), TZ)).toBe(true)
    expect(isWithinBusinessHours(weekdaysOnly, at('18:59'), TZ)).toBe(true)
    expect(isWithinBusinessHours(weekdaysOnly, at('19:00'), TZ)).toBe(false)
    expect(isWithinBusinessHours(weekdaysOnly, at('09:59'), TZ)).toBe(false)
    // Sunday closed, Saturday shorter.
    expect(isWithinBusinessHours(weekdaysOnly, at('12:00', '2026-11-22'), TZ)).toBe(false)
    expect(isWithinBusinessHours(weekdaysOnly, at('17:30', '2026-11-28'), TZ)).toBe(false)
    expect(isWithinBusinessHours(weekdaysOnly, at('16:30', '2026-11-28'), TZ)).toBe(true)
  })

  it('describes the hours in one line, Japanese and English', () => {
    const daily = { days: Array.from({ length: 7 }, () => ({ open: '10:00', close: '19:00' })) }
    expect(describeBusinessHours(daily, 'ja')).toBe('10:00–19:00')
    expect(describeBusinessHours(weekdaysOnly, 'ja')).toBe(
      '月〜金 10:00–19:00、土 11:00–17:00、日 定休',
    )
    expect(describeBusinessHours(weekdaysOnly, 'en')).toBe(
      'Mon–Fri 10:00–19:00, Sat 11:00–17:00, Sun closed',
    )
  })

  it('words the acknowledgement for outside and inside hours (default 10:00–19:00)', async () => {
    const deps = { settings: settingsWith(undefined), sandbox: false, timeZone: TZ }
    expect(await acknowledgement(deps, 'ja', at('21:00'))).toEqual({
      type: 'text',
      text: 'お問い合わせありがとうございます。営業時間内に担当者から返信します。営業時間: 10:00–19:00',
    })
    const inside = await acknowledgement(deps, 'ja', at('12:00'))
    expect(inside).toMatchObject({ text: expect.stringContaining('担当者に引き継ぎました') })
    const english = await acknowledgement(deps, 'en', at('21:00'))
    expect(english).toMatchObject({
      text: 'Thank you for your message. A staff member will reply during business hours. Business hours: 10:00–19:00',
    })
    const custom = {
      ...deps,
      settings: settingsWith({ name: '店', categories: [], businessHours: weekdaysOnly }),
    }
    expect(await acknowledgement(custom, 'ja', at('12:00', '2026-11-22'))).toMatchObject({
      text: expect.stringContaining('営業時間内に担当者から返信します。営業時間: 月〜金'),
    })
  })
})
