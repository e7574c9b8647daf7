import { describe, expect, it } from 'vitest'
import { surveyInviteMessage, surveyLiffUrl } from '../../server/src/domain/surveys/links.ts'
import { messagingValidator } from '../../server/src/sandbox/line-stand-in/validate.ts'

const local = { liffId: null, publicUrl: 'http://localhost:8787/', timeZone: 'Asia/Tokyo' }
const liff = {
  liffId: '1234567890-AbCdEfGh',
  publicUrl: 'https://shop.example',
  timeZone: 'Asia/Tokyo',
}

describe('links into the survey page', () => {
  it('deep-links to /liff/surveys/<id> locally and through the LIFF URL when LIFF_ID is set', () => {
    expect(surveyLiffUrl(local, 12)).toBe('http://localhost:8787/liff/surveys/12')
    expect(surveyLiffUrl(liff, 12)).toBe('https://liff.line.me/1234567890-AbCdEfGh/surveys/12')
  })

  it('builds an invitation message LINE accepts, even for a long title', () => {
    const validate = (message: unknown) =>
      messagingValidator().validate('PushMessageRequest', {
        to: `U${'0'.repeat(32)}`,
        messages: [message],
      })
    for (const locale of ['ja', 'en'] as const) {
      const message = surveyInviteMessage(
        liff,
        {
          id: 3,
          title:
            'ご来店ありがとうございました。お料理と接客についての満足度アンケート（所要時間1分）',
          hasReward: true,
        },
        locale,
      )
      expect(validate(message)).toBeNull()
      // Limits LINE states in prose: title 40, text 60 with a title, label 20 characters.
      const { template } = message as {
        template: { title: string; text: string; actions: { label: string }[] }
      }
      expect([...template.title].length).toBeLessThanOrEqual(40)
      expect([...template.text].length).toBeLessThanOrEqual(60)
      expect([...(template.actions[0]?.label ?? '')].length).toBeLessThanOrEqual(20)
      expect(JSON.stringify(message)).toContain(
        'https://liff.line.me/1234567890-AbCdEfGh/surveys/3',
      )
    }
  })
})
