import { compileSafeRegex, safeRegexTest, type KeywordRule, type SafeRegex } from '@joren/shared'
import { foldChar, foldText } from './normalise.ts'

/**
 * Regex rules skip messages longer than this (LINE allows 5,000 characters): matching is linear,
 * but a long message times many rules still adds up. Cutting the text instead would change what
 * `$` means.
 */
export const REGEX_INPUT_LIMIT = 2000

/**
 * Staff keyword rules on folded text (`foldText`: width, case, kana, no whitespace), tried in
 * priority order; the first that matches answers. exact: the whole message; contains: anywhere;
 * regex: the linear-time engine in shared/src/api/faq-regex.ts (never JavaScript's RegExp, which
 * can backtrack exponentially on a crafted message).
 */
export function createKeywordMatcher() {
  // Compiled patterns by rule version, so a message does not re-parse every rule.
  const compiled = new Map<string, SafeRegex | null>()

  function regexOf(rule: KeywordRule): SafeRegex | null {
    const key = `${rule.id}:${rule.updatedAt}:${rule.pattern}`
    if (!compiled.has(key)) {
      let regex: SafeRegex | null = null
      try {
        regex = compileSafeRegex(rule.pattern, foldChar)
      } catch {
        regex = null // refused at save time; a rule stored before a rule change never matches
      }
      if (compiled.size > 500) compiled.clear()
      compiled.set(key, regex)
    }
    return compiled.get(key) ?? null
  }

  return {
    /** The first rule (in the given order) that matches `text`, or null. */
    match(rules: readonly KeywordRule[], text: string): KeywordRule | null {
      const folded = foldText(text)
      const regexAllowed = Array.from(folded).length <= REGEX_INPUT_LIMIT
      for (const rule of rules) {
        if (!rule.enabled) continue
        if (rule.match === 'regex') {
          const regex = regexAllowed ? regexOf(rule) : null
          if (regex && safeRegexTest(regex, folded)) return rule
          continue
        }
        const pattern = foldText(rule.pattern)
        if (pattern.length === 0) continue
        if (rule.match === 'exact' ? folded === pattern : folded.includes(pattern)) return rule
      }
      return null
    },
  }
}
export type KeywordMatcher = ReturnType<typeof createKeywordMatcher>
