import { describe, expect, it } from 'vitest'
import { KeywordRuleInputSchema } from './faq.ts'
import {
  compileSafeRegex,
  safeRegexTest,
  unsafePatternReason,
  type MatchStats,
} from './faq-regex.ts'

const test = (pattern: string, text: string) => safeRegexTest(compileSafeRegex(pattern), text)

describe('safe keyword regex', () => {
  it('agrees with JavaScript RegExp on ordinary patterns', () => {
    const cases: [string, string[]][] = [
      ['営業時間', ['営業時間は？', '今日の営業時間', '営業日']],
      ['^予約', ['予約したい', 'ご予約', '予約']],
      ['キャンセル$', ['予約をキャンセル', 'キャンセルしたい']],
      ['(駐車|ちゅうしゃ)場', ['駐車場ある？', 'ちゅうしゃ場', '駐輪場']],
      ['\\d{3}-?\\d{4}', ['電話は 123-4567', '1234567', '12-34']],
      ['[0-9]+円', ['500円', '円だけ', 'ten円']],
      ['colou?r', ['color', 'colour', 'colr']],
      ['a.c', ['abc', 'ac', 'a-c']],
      ['[^a-z]x', ['1x', 'ax', 'x']],
      ['(ab){2,3}c', ['ababc', 'abc', 'abababc']],
      ['wi-?fi|ワイファイ', ['wifi', 'wi-fi', 'ワイファイ', 'wf']],
      ['x*', ['', 'abc']],
      ['^$', ['', 'a']],
      ['\\.', ['a.b', 'ab']],
    ]
    for (const [pattern, texts] of cases) {
      for (const text of texts) {
        expect(test(pattern, text), `${pattern} on ${text}`).toBe(
          new RegExp(pattern, 'u').test(text),
        )
      }
    }
  })

  it('runs the classic ReDoS pattern (a+)+$ in linear steps instead of exponential time', () => {
    const evil = compileSafeRegex('(a+)+$')
    for (const n of [20, 200, 2000]) {
      const stats: MatchStats = { steps: 0 }
      expect(safeRegexTest(evil, `${'a'.repeat(n)}!`, stats)).toBe(false)
      // Each position visits each NFA state at most once.
      expect(stats.steps).toBeLessThanOrEqual((n + 2) * evil.program.length)
    }
    expect(safeRegexTest(evil, 'aaaa')).toBe(true)
    const stats: MatchStats = { steps: 0 }
    expect(safeRegexTest(compileSafeRegex('(a|a)*b'), 'a'.repeat(5000), stats)).toBe(false)
    expect(stats.steps).toBeLessThan(5001 * 20)
  })

  it('refuses backreferences, lookaround and oversized patterns with a Japanese reason', () => {
    expect(unsafePatternReason('(a)\\1')).toContain('後方参照')
    expect(unsafePatternReason('(?=a)b')).toContain('先読み')
    expect(unsafePatternReason('(?<!a)b')).toContain('後読み')
    expect(unsafePatternReason('a{1,999}')).toContain('50')
    expect(unsafePatternReason('a'.repeat(201))).toContain('200')
    expect(unsafePatternReason('(abc')).toContain(')')
    expect(unsafePatternReason('*a')).not.toBeNull()
    expect(unsafePatternReason('(a+)+$')).toBeNull()
  })

  it('folds pattern literals like messages are folded', () => {
    const fold = (c: string) => c.toLowerCase()
    expect(safeRegexTest(compileSafeRegex('WIFI', fold), 'wifiある？')).toBe(true)
    expect(safeRegexTest(compileSafeRegex('[A-C]x', fold), 'bx')).toBe(true)
  })

  it('the rule schema names the field and the reason when a regex is refused', () => {
    const result = KeywordRuleInputSchema.safeParse({
      match: 'regex',
      pattern: '(?=x)',
      reply: [{ type: 'text', text: 'hi' }],
    })
    expect(result.success).toBe(false)
    expect(result.error?.issues[0]?.path).toEqual(['pattern'])
    expect(result.error?.issues[0]?.message).toContain('この正規表現は使えません')
    const plain = KeywordRuleInputSchema.parse({
      match: 'contains',
      pattern: '(?=x)',
      reply: [{ type: 'text', text: 'hi' }],
    })
    expect(plain.priority).toBe(0)
  })
})
