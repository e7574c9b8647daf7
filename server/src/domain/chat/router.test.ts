import { describe, expect, it } from 'vitest'
import type { Member } from '../members/members.ts'
import { ChatRouter, createDefaultRouter, normaliseCommandText } from './router.ts'

const member: Member = {
  id: 1,
  lineUserId: `U${'a'.repeat(32)}`,
  memberNumber: '1234567897',
  displayName: '花子',
  language: 'ja',
  followState: 'following',
}

const textOf = (replies: { type: string; text?: string }[]) =>
  replies.map((r) => r.text ?? r.type).join('\n')

describe('chat router', () => {
  it('normalises full-width, case and spaces before matching', () => {
    expect(normaliseCommandText(' ＨＥＬＰ ')).toBe('help')
    expect(normaliseCommandText('ポ イ ン ト')).toBe('ポイント')
  })

  it('answers unknown text with the Japanese help, or English for English speakers', async () => {
    const router = createDefaultRouter()
    expect(textOf(await router.routeText({ member, now: 0 }, 'こんにちは'))).toContain(
      'ご利用いただける機能',
    )
    const en = { ...member, language: 'en' }
    expect(textOf(await router.routeText({ member: en, now: 0 }, 'hello'))).toContain(
      'Here is what',
    )
  })

  it('routes commands first-match and postbacks by action', async () => {
    const router = new ChatRouter()
      .command({
        name: 'points',
        matches: (t) => t === 'ポイント',
        handle: async () => [{ type: 'text', text: 'P' }],
      })
      .postback('points', async (_ctx, params) => [{ type: 'text', text: `pb:${params.get('x')}` }])
    expect(textOf(await router.routeText({ member, now: 0 }, '　ポイント　'))).toBe('P')
    expect(textOf(await router.routePostback({ member, now: 0 }, 'action=points&x=1'))).toBe('pb:1')
    expect(textOf(await router.routePostback({ member, now: 0 }, 'action=nope'))).toContain(
      'ご利用',
    )
  })

  it('refuses two handlers for one postback action', () => {
    expect(() =>
      new ChatRouter().postback('a', async () => []).postback('a', async () => []),
    ).toThrow()
  })
})
