import type { SurveyQuestion } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { chatCanAsk } from './chat.ts'

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
