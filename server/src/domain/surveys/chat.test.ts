import { surveyScaleLabels, type SurveyQuestion } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { askMessage, chatCanAsk } from './chat.ts'
import type { StoredSurvey, StoredSurveyVersion } from './store.ts'

const single = (id: string, options: number, required = true): SurveyQuestion => ({
  id,
  type: 'single',
  label: id,
  required,
  options: Array.from({ length: options }, (_, i) => ({ id: `o${i}`, label: `o${i}` })),
})
const nps = (id: string, required = true): SurveyQuestion => ({
  id,
  type: 'nps',
  label: id,
  required,
})

describe('which surveys chat mode asks', () => {
  it('1–5 single-choice, rating and NPS questions that fit 13 quick replies, plus any others', () => {
    expect(
      chatCanAsk([
        single('a', 3),
        nps('b'),
        { id: 'c', type: 'rating', label: 'c', required: true },
      ]),
    ).toBe(true)
    // NPS 0–10 + skip + 中断 = 13 still fits.
    expect(chatCanAsk([nps('a', false)])).toBe(true)
    expect(chatCanAsk([single('a', 12)])).toBe(true)
    expect(chatCanAsk([single('a', 13)])).toBe(false)
    expect(chatCanAsk([single('a', 12, false)])).toBe(false)
  })

  it('not free text, multiple choice, dates, or more than 5 questions', () => {
    const text: SurveyQuestion = {
      id: 't',
      type: 'text',
      label: 't',
      required: false,
      maxLength: 100,
      multiline: true,
    }
    // Free text and dates are handed to the mini-app when reached; chat asks the rest.
    expect(chatCanAsk([single('a', 2), text])).toBe(true)
    expect(chatCanAsk([...Array.from({ length: 5 }, (_, i) => single(`q${i}`, 2)), text])).toBe(
      true,
    )
    expect(chatCanAsk([text])).toBe(false)
    expect(chatCanAsk([{ id: 'd', type: 'date', label: 'd', required: true }])).toBe(false)
    expect(chatCanAsk(Array.from({ length: 6 }, (_, i) => single(`q${i}`, 2)))).toBe(false)
    expect(chatCanAsk([])).toBe(false)
  })
})

describe('scale labels in chat', () => {
  const rating: SurveyQuestion = { id: 'r', type: 'rating', label: '味は？', required: true }
  const npsQ: SurveyQuestion = { id: 'n', type: 'nps', label: 'おすすめ度は？', required: true }
  const survey = { id: 7 } as StoredSurvey
  const version = { id: 3, questions: [rating, npsQ] } as StoredSurveyVersion
  const body = (q: SurveyQuestion, locale: 'ja' | 'en') => {
    const message = askMessage(survey, version, q, locale)
    return message.type === 'text' ? message.text : ''
  }

  it('are the words the mini-app shows at the ends of its scale (surveyScaleLabels)', () => {
    for (const locale of ['ja', 'en'] as const) {
      // The mini-app's question field renders surveyScaleLabels(question, locale): the same call.
      const r = surveyScaleLabels(rating, locale)
      const n = surveyScaleLabels(npsQ, locale)
      const sep = locale === 'ja' ? '、' : ', '
      expect(body(rating, locale)).toContain(`1 = ${r.low}${sep}5 = ${r.high}`)
      expect(body(npsQ, locale)).toContain(`0 = ${n.low}${sep}10 = ${n.high}`)
    }
    expect(body(rating, 'ja')).toContain('1 = とても不満、5 = とても満足')
    expect(body(npsQ, 'en')).toContain('0 = Not at all likely, 10 = Extremely likely')
    // The staff's own words win on both sides.
    const custom: SurveyQuestion = { ...rating, lowLabel: '薄い', highLabel: '濃い' }
    expect(body(custom, 'ja')).toContain('1 = 薄い、5 = 濃い')
  })
})
