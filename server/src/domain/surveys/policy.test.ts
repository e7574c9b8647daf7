import { SurveyQuestionsSchema } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { assertOpen, DAY_MS, lowScoreReasons, mappingsOf, npsOf, responseSlot } from './policy.ts'
import type { StoredSurvey } from './store.ts'

const TZ = 'Asia/Tokyo'
// 2026-11-20 15:00 JST; the shop-local day starts at 2026-11-20 00:00 JST = 11-19 15:00 UTC.
const created = Date.parse('2026-11-20T06:00:00Z')
const dayStart = Date.parse('2026-11-19T15:00:00Z')

const survey: StoredSurvey = {
  id: 7,
  title: 't',
  status: 'open',
  currentVersionId: 1,
  rewardTemplateId: null,
  policy: { kind: 'once' },
  opensAt: null,
  closesAt: null,
  alerts: { npsAtOrBelow: 6, ratingAtOrBelow: 2 },
  createdBy: null,
  createdAt: created,
  updatedAt: created,
}

describe('responseSlot', () => {
  it('once: one key per member, ever', () => {
    expect(responseSlot(survey, 3, created + 400 * DAY_MS, TZ)).toEqual({
      dedupeKey: 'survey:7:member:3',
      nextAvailableAt: null,
    })
  })

  it('every N days: periods from shop-local midnight of the creation day', () => {
    const weekly = { ...survey, policy: { kind: 'every_n_days' as const, days: 7 } }
    expect(responseSlot(weekly, 3, created, TZ)).toEqual({
      dedupeKey: 'survey:7:member:3:period:0',
      nextAvailableAt: dayStart + 7 * DAY_MS,
    })
    expect(responseSlot(weekly, 3, dayStart + 7 * DAY_MS - 1, TZ).dedupeKey).toBe(
      'survey:7:member:3:period:0',
    )
    expect(responseSlot(weekly, 3, dayStart + 7 * DAY_MS, TZ)).toEqual({
      dedupeKey: 'survey:7:member:3:period:1',
      nextAvailableAt: dayStart + 14 * DAY_MS,
    })
  })
})

describe('assertOpen', () => {
  it('refuses drafts, closed surveys and times outside the dates', () => {
    expect(() => assertOpen({ ...survey, status: 'draft' }, created)).toThrow('受付を終了')
    expect(() => assertOpen({ ...survey, status: 'closed' }, created)).toThrow('受付を終了')
    expect(() => assertOpen({ ...survey, opensAt: created + 1 }, created)).toThrow('まだ始まって')
    expect(() => assertOpen({ ...survey, closesAt: created }, created)).toThrow('受付を終了')
    expect(() =>
      assertOpen({ ...survey, opensAt: created, closesAt: created + 1 }, created),
    ).not.toThrow()
  })
})

const questions = SurveyQuestionsSchema.parse([
  {
    id: 'p',
    type: 'single',
    label: '目的',
    options: [
      { id: 'a', label: 'A', mapping: { tags: ['x'], attributes: [{ key: 'k', value: 'A' }] } },
      { id: 'b', label: 'B', mapping: { tags: ['x', 'y'] } },
    ],
  },
  {
    id: 'm',
    type: 'multiple',
    label: '興味',
    options: [
      { id: 'c', label: 'C', mapping: { attributes: [{ key: 'k', value: 'A' }] } },
      { id: 'd', label: 'D', mapping: { attributes: [{ key: 'j', value: 'D' }] } },
    ],
  },
  { id: 's', type: 'rating', label: '満足度' },
  { id: 'n', type: 'nps', label: 'おすすめ度' },
])

describe('answers to effects', () => {
  it('collects the chosen options’ tags and attributes, deduplicated', () => {
    expect(mappingsOf(questions, { p: 'b', m: ['c', 'd'] })).toEqual({
      tags: ['x', 'y'],
      attributes: [
        { key: 'k', value: 'A' },
        { key: 'j', value: 'D' },
      ],
    })
    expect(mappingsOf(questions, { p: 'a', m: ['c'] })).toEqual({
      tags: ['x'],
      attributes: [{ key: 'k', value: 'A' }],
    })
  })

  it('finds low scores at or below the thresholds, and the NPS', () => {
    const alerts = { npsAtOrBelow: 6, ratingAtOrBelow: 2 }
    expect(lowScoreReasons(questions, { s: 3, n: 7 }, alerts)).toEqual([])
    expect(lowScoreReasons(questions, { s: 2, n: 6 }, alerts)).toEqual([
      '「満足度」評価 2',
      '「おすすめ度」NPS 6',
    ])
    expect(
      lowScoreReasons(questions, { s: 1, n: 0 }, { npsAtOrBelow: null, ratingAtOrBelow: null }),
    ).toEqual([])
    expect(npsOf(questions, { n: 0 })).toBe(0)
    expect(npsOf(questions, {})).toBeNull()
  })
})
