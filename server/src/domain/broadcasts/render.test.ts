import { describe, expect, it } from 'vitest'
import { isPersonalised, maxRenderedLength, renderMessages, renderText } from './render.ts'

const none = { name: null, points: null, tier: null, coupon: null }

describe('renderText', () => {
  it('expands placeholders with the member values', () => {
    expect(
      renderText('{name}様 {points}pt {tier} {coupon}', {
        name: '花子',
        points: 12345,
        tier: 'ゴールド',
        coupon: '100円引き',
      }),
    ).toBe('花子様 12,345pt ゴールド 100円引き')
  })

  it('falls back when a value is missing or blank', () => {
    expect(renderText('{name}様 {points}pt {tier}', { ...none, name: '  ' })).toBe(
      'お客様様 0pt 会員',
    )
  })

  it('keeps {{ and }} as literal braces and never expands a value twice', () => {
    expect(renderText('{{name}} は {name}', { ...none, name: '{points}' })).toBe(
      '{name} は {points}',
    )
  })

  it('leaves unknown braces as written and strips control characters from values', () => {
    expect(renderText('{other} {name}', { ...none, name: 'a\u0000b' })).toBe('{other} ab')
  })

  it('clips a long name to 20 characters', () => {
    expect(renderText('{name}', { ...none, name: 'あ'.repeat(40) })).toBe('あ'.repeat(20))
  })
})

describe('limits and personalisation', () => {
  it('bounds the length after the longest expansion', () => {
    expect(maxRenderedLength('{name}')).toBe(20)
    expect(maxRenderedLength('{{x}}')).toBe(3)
  })

  it('treats texts with member placeholders and coupon cards as personalised', () => {
    expect(isPersonalised([{ type: 'text', text: 'セール {{name}}' }])).toBe(false)
    expect(isPersonalised([{ type: 'text', text: '{name}様' }])).toBe(true)
    expect(isPersonalised([{ type: 'coupon', templateId: 1 }])).toBe(true)
  })

  it('leaves a slot for the coupon card, filled per recipient at send time', () => {
    expect(renderMessages([{ type: 'coupon', templateId: 3 }], none)).toEqual([
      { type: 'joren_coupon_card', templateId: 3 },
    ])
  })
})
