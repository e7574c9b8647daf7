import type { SurveyQuestionResult } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { barsOf, npsBands, percentText, signed } from './results-model.ts'

describe('barsOf', () => {
  it('makes choice bars proportional to their counts among those who answered', () => {
    const result: SurveyQuestionResult = {
      type: 'multiple',
      questionId: 'q1',
      label: '好きなもの',
      answeredCount: 4,
      options: [
        { optionId: 'a', label: 'コーヒー', count: 4, share: 1 },
        { optionId: 'b', label: '紅茶', count: 1, share: 0.25 },
        { optionId: 'c', label: 'ケーキ', count: 0, share: 0 },
      ],
    }
    expect(barsOf(result).map((b) => [b.label, b.percent])).toEqual([
      ['コーヒー', 100],
      ['紅茶', 25],
      ['ケーキ', 0],
    ])
  })

  it('draws empty bars without answers', () => {
    const result: SurveyQuestionResult = {
      type: 'rating',
      questionId: 'q2',
      label: '満足度',
      answeredCount: 0,
      average: null,
      distribution: [1, 2, 3, 4, 5].map((value) => ({ value, count: 0 })),
    }
    expect(barsOf(result).every((b) => b.percent === 0)).toBe(true)
  })
})

describe('npsBands', () => {
  it('splits the stacked bar by band', () => {
    expect(npsBands({ promoters: 2, passives: 1, detractors: 1 })).toEqual([
      { band: 'promoters', count: 2, percent: 50 },
      { band: 'passives', count: 1, percent: 25 },
      { band: 'detractors', count: 1, percent: 25 },
    ])
  })
})

describe('formatting', () => {
  it('shows percentages with one decimal and NPS with its sign', () => {
    expect(percentText(0.4567)).toBe('45.7')
    expect(percentText(1)).toBe('100')
    expect(signed(40)).toBe('+40')
    expect(signed(-25)).toBe('-25')
    expect(signed(0)).toBe('0')
  })
})
