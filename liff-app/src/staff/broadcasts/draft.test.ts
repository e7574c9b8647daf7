import { describe, expect, it } from 'vitest'
import {
  checkDraft,
  emptyForm,
  fromBroadcast,
  insertAt,
  move,
  renderSample,
  toDraft,
  type ComposerForm,
} from './draft.ts'

const TZ = 'Asia/Tokyo'
const MESSAGES = { chooseSegment: 'choose', scheduleMissing: 'when' }

function form(patch: Partial<ComposerForm> = {}): ComposerForm {
  return {
    ...emptyForm(),
    title: '休眠のお客さまへ',
    messages: [
      { key: 1, type: 'text', text: '{name} さん、お久しぶりです。{coupon} をどうぞ' },
      { key: 2, type: 'coupon', templateId: 7 },
    ],
    audience: { kind: 'segment', segmentId: 3 },
    ...patch,
  }
}

describe('the composer draft', () => {
  it('becomes the API body: image URLs for both sizes, schedule in shop time', () => {
    const draft = toDraft(
      form({
        messages: [{ key: 1, type: 'image', url: ' https://example.com/a.png ' }],
        timing: 'later',
        scheduledLocal: '2026-12-01T10:30',
        holdoutPercent: '10',
      }),
      TZ,
    )
    expect(draft).toMatchObject({
      messages: [
        {
          type: 'image',
          originalContentUrl: 'https://example.com/a.png',
          previewImageUrl: 'https://example.com/a.png',
        },
      ],
      audience: { kind: 'segment', segmentId: 3 },
      scheduledAt: Date.parse('2026-12-01T01:30:00Z'),
      holdoutPercent: 10,
      attributionDays: 7,
    })
  })

  it('passes the shared schema when complete, and names each problem by field', () => {
    expect(checkDraft(form(), TZ, MESSAGES).errors).toEqual({})
    const errors = checkDraft(
      form({
        title: ' ',
        messages: [
          { key: 1, type: 'text', text: 'こんにちは {nmae}' },
          { key: 2, type: 'text', text: '{coupon} どうぞ' },
        ],
        audience: { kind: 'segment', segmentId: null },
        timing: 'later',
        scheduledLocal: '',
        holdoutPercent: '80',
      }),
      TZ,
      MESSAGES,
    ).errors
    expect(errors.title).toBe('タイトルを入力してください')
    expect(errors['messages.0']).toContain('{nmae}')
    expect(errors['messages.1']).toContain('クーポンカード')
    expect(errors.audience).toBe('choose')
    expect(errors.scheduledAt).toBe('when')
    expect(errors.holdoutPercent).toContain('50')
  })

  it('round-trips a saved broadcast back into the form', () => {
    const draft = toDraft(form({ timing: 'later', scheduledLocal: '2026-12-24T18:00' }), TZ)
    const back = fromBroadcast(
      {
        id: 1,
        title: draft.title,
        status: 'scheduled',
        audience: { kind: 'segment', segmentId: 3 },
        messages: [
          { type: 'text', text: 'やあ' },
          { type: 'coupon', templateId: 7 },
        ],
        scheduledAt: draft.scheduledAt ?? null,
        createdAt: 0,
        startedAt: null,
        finishedAt: null,
        recipientCount: 0,
        holdoutPercent: 5,
        attributionDays: 14,
        error: null,
      },
      TZ,
    )
    expect(back).toMatchObject({
      timing: 'later',
      scheduledLocal: '2026-12-24T18:00',
      holdoutPercent: '5',
      attributionDays: '14',
      messages: [
        { type: 'text', text: 'やあ' },
        { type: 'coupon', templateId: 7 },
      ],
    })
  })

  it('fills placeholders for the preview and leaves unknown ones visible', () => {
    const sample = { name: '山田 花子', points: 1280, tier: 'シルバー' }
    expect(renderSample('{name} さん {points}pt {tier} {coupon} {nmae}', sample, '100円引き')).toBe(
      '山田 花子 さん 1,280pt シルバー 100円引き {nmae}',
    )
  })

  it('inserts a placeholder at the caret and moves messages', () => {
    expect(insertAt('こんにちは さん', 6, 6, '{name}')).toEqual({
      text: 'こんにちは {name}さん',
      caret: 12,
    })
    expect(move(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'c', 'b'])
    expect(move(['a', 'b'], 0, -1)).toEqual(['a', 'b'])
  })
})
