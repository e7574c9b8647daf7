import type { SurveyQuestion } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { draftToSave, restoreDraft, toggleChoice } from './restore-draft.ts'

const options = [
  { id: 'a', label: 'A' },
  { id: 'b', label: 'B' },
  { id: 'c', label: 'C' },
]
const questions: SurveyQuestion[] = [
  { id: 'visit', label: '来店目的', type: 'single', required: true, options },
  {
    id: 'likes',
    label: '好きなもの',
    type: 'multiple',
    required: false,
    options,
    minChoices: null,
    maxChoices: 2,
  },
  { id: 'nps', label: 'おすすめ度', type: 'nps', required: true },
  { id: 'memo', label: 'ご意見', type: 'text', required: false, maxLength: 10, multiline: true },
  { id: 'day', label: '来店日', type: 'date', required: false },
]

describe('restoreDraft', () => {
  it('restores answers saved in chat mode or an earlier visit', () => {
    expect(
      restoreDraft(questions, { visit: 'b', nps: 0, memo: 'おいしい', day: '2026-11-01' }),
    ).toEqual({ visit: 'b', nps: 0, memo: 'おいしい', day: '2026-11-01' })
  })

  it('drops questions and options this version does not have, and values of the wrong type', () => {
    expect(
      restoreDraft(questions, { old: 'x', visit: 'gone', likes: ['c', 'zz'], nps: '7', memo: 3 }),
    ).toEqual({})
  })

  it('keeps an over-long text so the member sees the limit message and can shorten it', () => {
    expect(restoreDraft(questions, { memo: 'あいうえおかきくけこさ' })).toEqual({
      memo: 'あいうえおかきくけこさ',
    })
  })

  it('orders multiple choices as the options are ordered', () => {
    expect(restoreDraft(questions, { likes: ['c', 'a'] })).toEqual({ likes: ['a', 'c'] })
  })

  it('starts empty without a draft', () => {
    expect(restoreDraft(questions, null)).toEqual({})
  })
})

describe('toggleChoice', () => {
  it('adds and removes in option order', () => {
    const ids = ['a', 'b', 'c']
    expect(toggleChoice(ids, undefined, 'c')).toEqual(['c'])
    expect(toggleChoice(ids, ['c'], 'a')).toEqual(['a', 'c'])
    expect(toggleChoice(ids, ['a', 'c'], 'c')).toEqual(['a'])
  })
})

describe('draftToSave', () => {
  it('saves valid answers, trimmed, and leaves out what the server would refuse', () => {
    expect(
      draftToSave(questions, {
        visit: 'a',
        likes: ['a', 'b', 'c'],
        nps: 10,
        memo: '  短い  ',
        day: '',
      }),
    ).toEqual({ visit: 'a', nps: 10, memo: '短い' })
    expect(draftToSave(questions, { memo: 'あいうえおかきくけこさ' })).toEqual({})
  })
})
