import type { FaqEntry } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { createFaqAnswerer } from './answerer.ts'

const entry = (id: number, questions: string[], answer: string): FaqEntry => ({
  id,
  questions,
  answer,
  enabled: true,
  createdAt: 0,
  updatedAt: 0,
})

describe('FAQ answerer', () => {
  it('tokenises the entries once per version and rebuilds when they change', async () => {
    let version = 'v1'
    let entries = [entry(1, ['駐車場はありますか'], '4台分あります')]
    let lists = 0
    const answerer = createFaqAnswerer({
      version: async () => version,
      listEnabled: async () => {
        lists++
        return entries
      },
    })
    expect((await answerer.answer('駐車場ありますか？')).entry?.answer).toBe('4台分あります')
    expect((await answerer.answer('駐車場ってある？')).entry?.id).toBe(1)
    expect(lists).toBe(1)

    version = 'v2'
    entries = [
      entry(1, ['駐車場はありますか'], '6台分あります'),
      entry(2, ['定休日はいつですか'], '水曜日です'),
    ]
    expect((await answerer.answer('駐車場ありますか？')).entry?.answer).toBe('6台分あります')
    expect((await answerer.answer('定休日はいつ？')).entry?.id).toBe(2)
    expect(lists).toBe(2)
  })

  it('hands over on unrelated text, with close entries as suggestions', async () => {
    const answerer = createFaqAnswerer({
      version: async () => 'v',
      listEnabled: async () => [
        entry(1, ['駐車場はありますか', '車で行けますか'], '4台分あります'),
        entry(2, ['定休日はいつですか'], '水曜日です'),
      ],
    })
    const unrelated = await answerer.answer('アルバイトの募集はしていますか')
    expect(unrelated.entry).toBeNull()
    expect(unrelated.match.outcome).toBe('hand_over')
  })
})
