import { describe, expect, it } from 'vitest'
import { clip } from './clip.ts'

const length = (text: string) => [...text].length

describe('clip', () => {
  it('leaves text that fits alone', () => {
    expect(clip('ありがとうございました', 11)).toBe('ありがとうございました')
    expect(clip('', 5)).toBe('')
  })

  it('cuts Japanese at a word boundary and adds 「…」', () => {
    const text = '東京都渋谷区のカフェでお買い上げありがとうございました'
    const clipped = clip(text, 12)
    expect(clipped.endsWith('…')).toBe(true)
    expect(length(clipped)).toBeLessThanOrEqual(12)
    const kept = clipped.slice(0, -1)
    expect(text.startsWith(kept)).toBe(true)
    // The kept part ends where a word ends: the word segmenter has a boundary there.
    const boundaries = [...new Intl.Segmenter('ja', { granularity: 'word' }).segment(text)].map(
      (s) => s.index,
    )
    expect(boundaries).toContain(kept.length)
    // Not mid-word: 「渋谷」「カフェ」 are never split.
    expect(kept).not.toMatch(/渋$|カフ$|カ$/)
  })

  it('never splits an emoji (surrogate pairs, ZWJ sequences, skin tones)', () => {
    const family = '👨‍👩‍👧‍👦' // 7 code points, one grapheme
    const text = `ご来店${family}ありがとう`
    // Room for 「ご来店」 plus part of the family emoji: the emoji is dropped whole, not cut.
    expect(clip(text, 6)).toBe('ご来店…')
    const thumbs = '👍🏽👍🏽👍🏽👍🏽' // two code points each
    const clipped = clip(thumbs, 6)
    expect(clipped).toBe('👍🏽👍🏽…')
    expect(clipped).not.toMatch(/[\uD800-\uDBFF]…$/)
  })

  it('cuts English between words', () => {
    expect(clip('Thank you for shopping at Blue Bottle', 20, 'en')).toBe('Thank you for…')
    // One long word: cut inside it rather than drop everything.
    expect(clip('Supercalifragilistic', 10, 'en')).toBe('Supercali…')
  })
})
