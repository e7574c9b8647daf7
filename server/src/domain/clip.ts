/**
 * Shortening text for a LINE length limit without cutting mid-word (issue 15): the cut falls on
 * a word boundary (Intl.Segmenter's dictionary word break, so Japanese too) and never inside a
 * grapheme (an emoji with its modifiers, a surrogate pair, a letter with its combining mark), and
 * 「…」 marks it. Lengths are counted in code points, as the rest of the domain counts LINE limits.
 * Intl.Segmenter ships with Node 20+ and workerd.
 */

const codePoints = (text: string) => [...text].length

export function clip(text: string, max: number, locale: string = 'ja'): string {
  if (codePoints(text) <= max) return text
  if (max < 1) return ''
  const room = max - 1 // the 「…」
  // The longest run of whole graphemes that fits, as a UTF-16 index into `text`.
  let used = 0
  let end = 0
  for (const { segment } of new Intl.Segmenter(locale, { granularity: 'grapheme' }).segment(text)) {
    const n = codePoints(segment)
    if (used + n > room) break
    used += n
    end += segment.length
  }
  // Back off to the last word boundary at or before it, unless that loses more than half.
  let wordEnd = 0
  for (const { index } of new Intl.Segmenter(locale, { granularity: 'word' }).segment(text)) {
    if (index > end) break
    wordEnd = index
  }
  const cut = wordEnd > end / 2 ? wordEnd : end
  return `${text.slice(0, cut).trimEnd()}…`
}
