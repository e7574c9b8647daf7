import { describe, expect, it } from 'vitest'
import { pickLocale } from './catalogue.ts'

describe('pickLocale', () => {
  it('is English only when LINE says English', () => {
    expect(pickLocale('en')).toBe('en')
    expect(pickLocale('en-US')).toBe('en')
    expect(pickLocale('EN-gb')).toBe('en')
    expect(pickLocale('ja')).toBe('ja')
    expect(pickLocale('zh-TW')).toBe('ja')
    expect(pickLocale(null)).toBe('ja')
  })
})
