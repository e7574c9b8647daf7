import { describe, expect, it } from 'vitest'
import { isValidMemberNumber, luhnCheckDigit, newMemberNumber } from './members.ts'

describe('member numbers', () => {
  it('are 10 digits with a valid Luhn check digit', () => {
    let seed = 7
    const rand = (max: number) => (seed = (seed * 48271) % 2147483647) % max
    for (let i = 0; i < 200; i++) {
      const n = newMemberNumber(rand)
      expect(n).toMatch(/^[1-9]\d{9}$/)
      expect(isValidMemberNumber(n)).toBe(true)
    }
  })

  it('catch a single mistyped digit', () => {
    expect(luhnCheckDigit('7992739871')).toBe('3') // the textbook example 79927398713
    const valid = '123456789' + luhnCheckDigit('123456789')
    expect(isValidMemberNumber(valid)).toBe(true)
    for (let i = 0; i < 10; i++) {
      const digit = Number(valid[i])
      const typo = valid.slice(0, i) + String((digit + 1) % 10) + valid.slice(i + 1)
      expect(isValidMemberNumber(typo)).toBe(false)
    }
  })
})
