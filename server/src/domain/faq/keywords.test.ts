import type { KeywordRule } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { createKeywordMatcher, REGEX_INPUT_LIMIT } from './keywords.ts'

let nextId = 1
const rule = (match: KeywordRule['match'], pattern: string, extra: Partial<KeywordRule> = {}) =>
  ({
    id: nextId++,
    match,
    pattern,
    reply: [{ type: 'text', text: pattern }],
    priority: 0,
    enabled: true,
    createdAt: 0,
    updatedAt: 0,
    ...extra,
  }) satisfies KeywordRule

describe('keyword rules', () => {
  const matcher = createKeywordMatcher()

  it('exact compares the whole folded message, contains any part', () => {
    const exact = rule('exact', 'ＷｉＦｉ')
    const contains = rule('contains', 'ちゅうしゃじょう')
    expect(matcher.match([exact], 'wifi')).toBe(exact)
    expect(matcher.match([exact], 'wifi ある?')).toBeNull()
    expect(matcher.match([contains], 'チュウシャジョウ ありますか')).toBe(contains)
  })

  it('regex rules run the safe engine on folded text, literals folded too', () => {
    const regex = rule('regex', '^(予約|ヨヤク).*(したい|できる)$')
    expect(matcher.match([regex], 'よやく できる')).toBe(regex)
    expect(matcher.match([regex], '予約はしたくない')).toBeNull()
  })

  it('takes the first match in the given order and skips disabled rules', () => {
    const off = rule('contains', '予約', { enabled: false })
    const first = rule('contains', '予約')
    const second = rule('contains', '予約')
    expect(matcher.match([off, first, second], '予約したい')).toBe(first)
  })

  it('a ReDoS pattern on a long message answers (no match) instead of hanging', () => {
    const evil = rule('regex', '(a+)+$')
    expect(matcher.match([evil], `${'a'.repeat(REGEX_INPUT_LIMIT - 1)}!`)).toBeNull()
    // Longer than the regex limit: regex rules are skipped, contains still works.
    const contains = rule('contains', '!')
    expect(matcher.match([evil, contains], `${'a'.repeat(REGEX_INPUT_LIMIT + 10)}!`)).toBe(contains)
  })
})
