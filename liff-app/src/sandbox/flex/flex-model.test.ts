import { describe, expect, it } from 'vitest'
import { COUPON_BUBBLE } from './coupon-fixture.ts'
import { flexToView, type BubbleView, type FlexNode } from './flex-model.ts'

function bubbleOf(contents: unknown): BubbleView {
  const view = flexToView(contents)
  if (view?.container.type !== 'bubble') throw new Error('expected a bubble')
  return view.container
}

function box(node: FlexNode | undefined) {
  if (node?.type !== 'box') throw new Error(`expected a box, got ${node?.type}`)
  return node
}

describe('flexToView', () => {
  it('lays out a coupon bubble: hero, body rows, separator and footer buttons', () => {
    const view = flexToView(COUPON_BUBBLE)
    expect(view?.unsupported).toEqual([])
    const bubble = bubbleOf(COUPON_BUBBLE)
    expect(bubble.style.width).toBe('260px') // kilo
    expect(bubble.blocks.map((b) => b.name)).toEqual(['hero', 'body', 'footer'])

    const [hero, body, footer] = bubble.blocks
    expect(hero?.node).toMatchObject({
      type: 'image',
      imageStyle: { width: '100%', aspectRatio: '20 / 13', objectFit: 'cover' },
    })

    const content = box(body?.node)
    expect(content.style).toMatchObject({
      display: 'flex',
      flexDirection: 'column',
      padding: '20px',
    })
    const [label, title, validity, separator, code, spacer] = content.children
    expect(label).toMatchObject({
      type: 'text',
      text: 'COUPON',
      style: { fontSize: '13px', fontWeight: '700', color: '#06c755', whiteSpace: 'nowrap' },
    })
    // wrap keeps the line break; spacing md separates the body's children
    expect(title).toMatchObject({
      text: '次回ご来店で使える\n10% OFF クーポン',
      style: { fontSize: '22px', whiteSpace: 'pre-wrap', marginTop: '8px' },
    })

    const row = box(validity)
    expect(row.style).toMatchObject({ flexDirection: 'row', alignItems: 'baseline' })
    expect(row.children.map((c) => ('style' in c ? c.style.flex : null))).toEqual([
      '2 0 0',
      '5 0 0',
    ])
    expect(row.children[1]).toMatchObject({ style: { marginInlineStart: '4px', color: '#666666' } })

    // its own margin (lg) replaces the box's spacing
    expect(separator).toMatchObject({ type: 'separator', style: { marginTop: '12px' } })
    expect(separator?.type === 'separator' && separator.style.borderTop).toMatch(/^1px solid #/)

    const codeRow = box(code)
    expect(codeRow.children.map((c) => c.type)).toEqual(['text', 'filler', 'text'])
    expect(codeRow.children.map((c) => ('style' in c ? c.style.flex : null))).toEqual([
      '0 0 auto',
      '1 0 0',
      '0 0 auto',
    ])
    expect(codeRow.children[2]).toMatchObject({ text: 'WELCOME10', style: { textAlign: 'end' } })
    expect(spacer).toMatchObject({ type: 'spacer', style: { height: '4px' } })

    expect(footer?.style.borderTop).toMatch(/^1px solid #/)
    const [use, terms] = box(footer?.node).children
    expect(use).toMatchObject({
      type: 'button',
      variant: 'primary',
      label: '今すぐ使う',
      action: { kind: 'postback', data: 'action=help', displayText: 'クーポンを使います' },
      style: { backgroundColor: '#17c950', color: '#ffffff', minHeight: '52px' },
    })
    expect(terms).toMatchObject({
      type: 'button',
      variant: 'link',
      action: { kind: 'uri', uri: 'https://example.com/terms' },
      style: { minHeight: '44px', marginTop: '4px' },
    })
  })

  it('renders a carousel, keeps block styles and reports components it does not know', () => {
    const view = flexToView({
      type: 'carousel',
      contents: [
        {
          type: 'bubble',
          size: 'micro',
          header: {
            type: 'box',
            layout: 'vertical',
            paddingAll: 'md',
            paddingTop: 'xl',
            contents: [
              { type: 'text', text: 'A', contents: [{ type: 'span', text: 'B', weight: 'bold' }] },
            ],
          },
          body: { type: 'box', layout: 'vertical', contents: [{ type: 'sparkle' }] },
          styles: { header: { backgroundColor: '#ffeecc' } },
        },
        { type: 'bubble', body: { type: 'box', layout: 'horizontal', contents: [] } },
      ],
    })
    expect(view?.unsupported).toEqual(['sparkle'])
    if (view?.container.type !== 'carousel') throw new Error('expected a carousel')
    const [first, second] = view.container.bubbles
    expect(first?.style.width).toBe('160px')
    expect(second?.style.width).toBe('300px') // mega by default
    const header = first?.blocks[0]
    expect(header?.style.backgroundColor).toBe('#ffeecc')
    // the box's own padding replaces the block default, and paddingTop still wins over paddingAll
    const headerBox = box(header?.node)
    expect(headerBox.style).toMatchObject({ padding: '8px', paddingTop: '16px' })
    expect(Object.keys(headerBox.style).indexOf('padding')).toBeLessThan(
      Object.keys(headerBox.style).indexOf('paddingTop'),
    )
    expect(headerBox.children[0]).toMatchObject({
      type: 'text',
      spans: [{ text: 'B', style: { fontWeight: '700' } }],
    })
  })

  it('returns null for what is not a bubble or carousel, and drops unsafe values', () => {
    expect(flexToView(null)).toBeNull()
    expect(flexToView({ type: 'hologram' })).toBeNull()
    const bubble = bubbleOf({
      type: 'bubble',
      body: {
        type: 'box',
        layout: 'vertical',
        backgroundColor: 'red; background: url(x)',
        contents: [
          { type: 'text', text: 'x', color: 'javascript:alert(1)', size: '12em' },
          { type: 'button', action: { type: 'uri', label: 'x', uri: 'javascript:alert(1)' } },
        ],
      },
    })
    const content = box(bubble.blocks[0]?.node)
    expect(content.style.backgroundColor).toBeUndefined()
    expect(content.children[0]).toMatchObject({ style: { color: '#111111', fontSize: '16px' } })
    expect(content.children[1]).toMatchObject({ action: { kind: 'unsupported', type: 'uri' } })
  })
})
