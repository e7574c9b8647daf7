import { describe, expect, it } from 'vitest'
import type { ShopTextSource } from '../texts/texts.ts'
import { receiptMessage } from './messages.ts'
import type { PurchaseRecord } from './store.ts'

describe('receipt altText', () => {
  it('a very long shop heading is shortened at a word with 「…」, never inside an emoji', async () => {
    // 2,000 code points of Japanese with emoji (surrogate pairs and a ZWJ sequence) throughout.
    const heading = 'ご来店ありがとうございました🎉👨‍👩‍👧 '.repeat(100)
    const texts: ShopTextSource = { render: () => Promise.resolve(heading) }
    const message = await receiptMessage(texts, 'ja', {
      shopName: '喫茶ジョレン',
      purchase: { amountYen: 1200, pointsGranted: 12 } as PurchaseRecord,
      balance: 340,
      tier: { tier: null, spend12mYen: 1200, next: null },
    })
    if (message.type !== 'flex') throw new Error('expected a flex receipt')
    const alt = message.altText
    expect([...alt].length).toBeLessThanOrEqual(1500)
    expect(alt.endsWith('…')).toBe(true)
    // No lone surrogate, and the kept part ends where a word (or a whole emoji) ends.
    expect(alt).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/)
    const full = `${heading}（1,200円・12pt付与）`
    const kept = alt.slice(0, -1)
    expect(full.startsWith(kept)).toBe(true)
    const boundaries = [...new Intl.Segmenter('ja', { granularity: 'word' }).segment(full)].map(
      (s) => s.index,
    )
    expect(boundaries).toContain(kept.length)
  })
})
