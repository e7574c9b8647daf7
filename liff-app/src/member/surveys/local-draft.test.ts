import type { SurveyQuestion } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { localDraft, mergeDrafts } from './local-draft.ts'

const questions: SurveyQuestion[] = [
  {
    id: 'visit',
    label: '来店目的',
    type: 'single',
    required: true,
    options: [
      { id: 'a', label: 'A' },
      { id: 'b', label: 'B' },
    ],
  },
  { id: 'nps', label: 'おすすめ度', type: 'nps', required: true },
  { id: 'memo', label: 'ご意見', type: 'text', required: false, maxLength: 5, multiline: true },
]

function memoryStorage() {
  const items = new Map<string, string>()
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  }
}

describe('mergeDrafts', () => {
  it('lets the server draft (e.g. answers given in chat) win, and fills in from the device', () => {
    expect(
      mergeDrafts(questions, { visit: 'b', nps: 8 }, { visit: 'a', memo: '長すぎるご意見です' }),
    ).toEqual({ visit: 'b', nps: 8, memo: '長すぎるご意見です' })
  })

  it('works with either side missing, and drops what no longer fits', () => {
    expect(mergeDrafts(questions, null, { visit: 'zz', nps: 3 })).toEqual({ nps: 3 })
    expect(mergeDrafts(questions, { nps: 0 }, null)).toEqual({ nps: 0 })
    expect(mergeDrafts(questions, null, null)).toEqual({})
  })
})

describe('localDraft', () => {
  it('keeps the answers per key until cleared', () => {
    const storage = memoryStorage()
    const draft = localDraft(storage, 'k', () => 1_000)
    expect(draft.read()).toBeNull()
    draft.write({ visit: 'a' })
    expect(localDraft(storage, 'k', () => 2_000).read()).toEqual({ visit: 'a' })
    expect(localDraft(storage, 'other', () => 2_000).read()).toBeNull()
    draft.clear()
    expect(draft.read()).toBeNull()
  })

  it('ignores an old copy and anything unreadable', () => {
    const storage = memoryStorage()
    localDraft(storage, 'k', () => 0).write({ visit: 'a' })
    expect(localDraft(storage, 'k', () => 15 * 24 * 3600_000).read()).toBeNull()
    storage.items.set('k', '{not json')
    expect(localDraft(storage, 'k').read()).toBeNull()
  })

  it('works without storage', () => {
    const draft = localDraft(null, 'k')
    draft.write({ visit: 'a' })
    expect(draft.read()).toBeNull()
  })
})
