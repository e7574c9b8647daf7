import { describe, expect, it } from 'vitest'
import { requiredProgress } from './progress.ts'

const questions = [
  { id: 'q1', required: true },
  { id: 'q2', required: true },
  { id: 'q3', required: false },
  { id: 'q4', required: true },
]

describe('requiredProgress', () => {
  it('counts answered required questions only', () => {
    expect(requiredProgress(questions, { q1: 'a', q3: 'free', q4: 5 })).toEqual({
      answered: 2,
      total: 3,
      ratio: 2 / 3,
    })
  })

  it('does not count blank text, empty selections or cleared values', () => {
    expect(requiredProgress(questions, { q1: '  ', q2: [], q4: null }).answered).toBe(0)
  })

  it('counts a zero (NPS 0) as an answer', () => {
    expect(requiredProgress(questions, { q4: 0 }).answered).toBe(1)
  })

  it('falls back to all questions when none is required', () => {
    const optional = [
      { id: 'a', required: false },
      { id: 'b', required: false },
    ]
    expect(requiredProgress(optional, { b: ['x'] })).toEqual({ answered: 1, total: 2, ratio: 0.5 })
    expect(requiredProgress([], {}).ratio).toBe(1)
  })
})
