import { describe, expect, it } from 'vitest'
import { alertSummaryText, isQuietTime } from './alert-push.ts'

const TZ = 'Asia/Tokyo'
const at = (hhmm: string) => Date.parse(`2026-11-23T${hhmm}:00+09:00`)

describe('staff alert pushes', () => {
  it('quiet hours may cross midnight, in shop time', () => {
    expect(isQuietTime(at('23:30'), TZ, '22:00', '08:00')).toBe(true)
    expect(isQuietTime(at('07:59'), TZ, '22:00', '08:00')).toBe(true)
    expect(isQuietTime(at('08:00'), TZ, '22:00', '08:00')).toBe(false)
    expect(isQuietTime(at('12:00'), TZ, '22:00', '08:00')).toBe(false)
    expect(isQuietTime(at('12:30'), TZ, '12:00', '13:00')).toBe(true)
    expect(isQuietTime(at('13:00'), TZ, '12:00', '13:00')).toBe(false)
    expect(isQuietTime(at('03:00'), TZ, null, null)).toBe(false)
  })

  it('summarises everything since the last push in one message', () => {
    const text = alertSummaryText(
      { newConversations: 3, lowScores: 1, otherAlerts: 2, throughId: 9 },
      'https://shop.example/staff/inbox',
    )
    expect(text).toBe(
      [
        '新しいお問い合わせが3件あります',
        '低評価のアンケート回答が1件あります',
        '処理できなかった LINE イベントや不審なアクセスのアラートが2件あります（スタッフ画面の「アラート」）',
        '受信箱で確認してください: https://shop.example/staff/inbox',
      ].join('\n'),
    )
  })
})
