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

  it('without fallback stages, answers unknown text with the help (Japanese or English)', async () => {
    const router = createDefaultRouter()
    expect(textOf(await router.routeText({ member, now: 0 }, 'こんにちは'))).toContain(
      'ご利用いただける機能',
    )
    const en = { ...member, language: 'en' }
    expect(textOf(await router.routeText({ member: en, now: 0 }, 'hello'))).toContain(
      'Here is what',
    )
  })

  it('the help mentions the bottom menu only when the shop published one', async () => {
    const without = textOf(
      await createDefaultRouter(async () => false).routeText({ member, now: 0 }, '?'),
    )
    expect(without).toContain('「会員証」')
    expect(without).toContain('「紹介」')
    expect(without).not.toContain('メニュー')
    const withMenu = textOf(
      await createDefaultRouter(async () => true).routeText({ member, now: 0 }, '?'),
    )
    expect(withMenu).toContain('画面下のメニューからもご利用いただけます。')
    const en = { ...member, language: 'en' }
    expect(
      textOf(await createDefaultRouter(async () => false).routeText({ member: en, now: 0 }, '?')),
    ).not.toContain('menu')
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

  it('passes text no command took through the fallback stages in order; the first non-null wins', async () => {
    const seen: string[] = []
    const stage = (name: string, result: string[] | null) => ({
      name,
      handle: async () => {
        seen.push(name)
        return result?.map((text) => ({ type: 'text' as const, text })) ?? null
      },
    })
    const router = createDefaultRouter()
      .fallback(stage('keywords', null))
      .fallback(stage('quiet', []))
      .fallback(stage('faq', ['never']))
    expect(await router.routeText({ member, now: 0 }, 'こんにちは')).toEqual([])
    expect(seen).toEqual(['keywords', 'quiet'])
    // A command never reaches the stages.
    seen.length = 0
    expect(textOf(await router.routeText({ member, now: 0 }, 'ヘルプ'))).toContain(
      'ご利用いただける',
    )
    expect(seen).toEqual([])
    // When every stage passes, the help message is the last resort.
    const passing = createDefaultRouter().fallback(stage('keywords', null))
    expect(textOf(await passing.routeText({ member, now: 0 }, 'こんにちは'))).toContain('ご利用')
  })

  it('refuses two handlers for one postback action', () => {
    expect(() =>
      new ChatRouter().postback('a', async () => []).postback('a', async () => []),
    ).toThrow()
  })
})
