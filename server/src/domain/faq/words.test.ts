import { describe, expect, it } from 'vitest'
import { segmenterAnalyser } from './analyser.ts'
import { defaultSynonymLexicon } from './lexicon.ts'
import { buildWordIndex, contentWords, scoreWords } from './words.ts'

const lemmas = (text: string) =>
  contentWords(segmenterAnalyser(), defaultSynonymLexicon(), text).map((w) => w.lemma)

describe('FAQ content words on the light analyser (Intl.Segmenter)', () => {
  it('turns verb stems cut by ICU into dictionary forms the synonym lexicon knows', () => {
    expect(lemmas('何時まで開いてますか')).toContain('開く')
    expect(lemmas('車を停められますか')).toContain('停める')
    expect(lemmas('何時に閉まりますか')).toContain('閉まる')
    expect(lemmas('北海道まで送ってもらえますか')).toContain('送る')
  })

  it('does not count endings and request frames as topic words', () => {
    expect(lemmas('予約したいのですが')).toEqual(['予約'])
    expect(lemmas('アレルギー対応してますか')).toEqual(['あれるぎー'])
  })

  it('an entry covers an opening-hours question typed with a verb, not only with 営業時間', () => {
    const index = buildWordIndex(
      [
        { id: 1, questions: ['営業時間を教えてください'], answer: '10時から19時までです。' },
        { id: 2, questions: ['駐車場はありますか'], answer: '3台あります。' },
      ],
      segmenterAnalyser(),
      defaultSynonymLexicon(),
    )
    const scores = scoreWords(index, '何時まで開いてますか')
    expect(scores.coverage.get(1)!).toBeGreaterThan(0)
    expect(scores.coverage.get(2)).toBe(0)
  })
})
