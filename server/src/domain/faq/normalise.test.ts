import { describe, expect, it } from 'vitest'
import { foldText, normaliseQuestion, toHiragana } from './normalise.ts'

describe('folding and normalising Japanese chat text', () => {
  it('folds width, case and katakana, and removes whitespace', () => {
    expect(foldText(' ﾎﾟｲﾝﾄ　ＷｉＦｉ ')).toBe('ぽいんとwifi')
    expect(toHiragana('クーポン')).toBe('くーぽん')
  })

  it('drops punctuation, greetings and polite / question endings for FAQ matching', () => {
    expect(normaliseQuestion('すみません、駐車場はありますか？')).toBe('駐車場はあり')
    expect(normaliseQuestion('ﾁｭｳｼｬｼﾞｮｳ ありますか')).toBe('駐車場あり')
    expect(normaliseQuestion('営業時間を教えてください！')).toBe('営業時間を')
  })

  it('keeps very short messages instead of cutting them to nothing', () => {
    expect(normaliseQuestion('ですか')).toBe('です') // at least two characters stay
    expect(normaliseQuestion('w')).toBe('w')
  })
})
