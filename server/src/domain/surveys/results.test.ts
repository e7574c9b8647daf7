import { SurveyQuestionsSchema } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { aggregateKey, buildResults, filterOf, type ResultAggregates } from './results.ts'

const version = {
  id: 3,
  surveyId: 1,
  version: 2,
  intro: '',
  createdAt: 0,
  questions: SurveyQuestionsSchema.parse([
    { id: 'n', type: 'nps', label: 'おすすめ度' },
    { id: 'd', type: 'date', label: '来店日' },
  ]),
}

function aggregates(npsCounts: Record<number, number>): ResultAggregates {
  const total = Object.values(npsCounts).reduce((a, b) => a + b, 0)
  return {
    responseCount: total,
    lowScoreCount: 0,
    eligibleCount: 40,
    answered: new Map([['n', total]]),
    optionCounts: new Map(),
    valueCounts: new Map([
      ...Object.entries(npsCounts).map(([v, c]): [string, number] => [aggregateKey('n', v), c]),
      [aggregateKey('d', '2026-11-21'), 2],
      [aggregateKey('d', '2026-11-20'), 1],
    ]),
    texts: new Map(),
  }
}

describe('buildResults', () => {
  it('NPS of 5 promoters, 3 passives, 2 detractors is 30; bands by 9–10 / 7–8 / 0–6', () => {
    const r = buildResults(1, version, [], aggregates({ 10: 2, 9: 3, 8: 1, 7: 2, 6: 1, 0: 1 }))
    expect(r.questions[0]).toMatchObject({
      type: 'nps',
      score: 30,
      promoters: 5,
      passives: 3,
      detractors: 2,
    })
    expect(r.responseRate).toBe(0.25)
    expect(r.questions[1]).toMatchObject({
      distribution: [
        { value: '2026-11-20', count: 1 },
        { value: '2026-11-21', count: 2 },
      ],
    })
  })

  it('rounds NPS and gives null without answers', () => {
    expect(buildResults(1, version, [], aggregates({ 10: 1, 5: 2 })).questions[0]).toMatchObject({
      score: -33,
    })
    expect(buildResults(1, version, [], aggregates({})).questions[0]).toMatchObject({ score: null })
  })
})

describe('filterOf', () => {
  it('turns shop-local dates into an inclusive day range', () => {
    expect(filterOf({ from: '2026-11-20', to: '2026-11-20' }, 3, 'Asia/Tokyo')).toEqual({
      versionId: 3,
      tierId: null,
      from: Date.parse('2026-11-19T15:00:00Z'),
      until: Date.parse('2026-11-20T15:00:00Z'),
    })
  })
})
