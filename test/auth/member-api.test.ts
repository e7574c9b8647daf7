import { describe, expect, it } from 'vitest'
import {
  CARD_KEY_SETTING,
  CARD_TOKEN_TTL_MS,
  importCardKey,
  verifyCardToken,
} from '../../server/src/domain/members/card-token.ts'
import { useWorld, TestClock } from './world.ts'

const clock = new TestClock()
const world = useWorld(clock)

const profile = {
  birthday: '1990-04-01',
  gender: 'female',
  prefecture: '13',
  interests: ['food', 'sweets'],
}

const memberNumberOf = (userId: string) =>
  world.joren.rows<{ member_number: string }>(
    'select member_number from members where line_user_id = ?',
    userId,
  )[0]?.member_number

describe('GET /api/public/config', () => {
  it('tells the apps the LIFF ID, sandbox flag, shop name and add-friend URL without a token', async () => {
    const res = await world.api('GET', '/api/public/config')
    expect(res).toEqual({
      status: 200,
      body: {
        liffId: null,
        sandbox: false,
        shopName: 'マイショップ',
        addFriendUrl: 'https://line.me/R/ti/p/@000joren',
      },
    })
    await world.api('GET', '/api/public/config')
    // The bot info is cached.
    expect(world.standIn.requests().filter((r) => r.path === '/v2/bot/info')).toHaveLength(1)
  })
})

describe('member API (/api/liff)', () => {
  it('shows the signed-in member, the shop and its categories', async () => {
    const member = await world.member('山田 花子')
    const res = await world.api('GET', '/api/liff/me', { token: member.token() })
    expect(res).toEqual({
      status: 200,
      body: {
        member: {
          memberNumber: memberNumberOf(member.userId),
          displayName: '山田 花子',
          pictureUrl: null,
          language: 'ja',
        },
        shop: { name: 'マイショップ' },
        profile: null,
        categories: expect.arrayContaining([{ id: 'food', label: 'フード' }]),
      },
    })
  })

  it('refuses a LINE user who is not a friend, or blocked the account, with the add-friend URL', async () => {
    const stranger = world.stranger()
    const blocked = await world.member()
    await world.standIn.unfollow(blocked.userId)
    await expect
      .poll(() =>
        world.joren.rows('select follow_state from members where line_user_id = ?', blocked.userId),
      )
      .toEqual([{ follow_state: 'blocked' }])
    for (const user of [stranger, blocked]) {
      for (const [method, path] of [
        ['GET', '/api/liff/me'],
        ['GET', '/api/liff/card'],
      ] as const) {
        const res = await world.api(method, path, { token: user.token() })
        expect(res).toEqual({
          status: 403,
          body: {
            error: {
              code: 'not_friend',
              message: expect.stringContaining('友だち追加'),
              addFriendUrl: 'https://line.me/R/ti/p/@000joren',
            },
          },
        })
      }
    }
    const put = await world.api('PUT', '/api/liff/profile', {
      token: stranger.token(),
      body: { ...profile, interests: [] },
    })
    expect(put.status).toBe(403)
    expect(world.count('member_profiles')).toBe(0)
  })

  it("saves the member's own profile; a user ID in the body or query cannot reach another member", async () => {
    const a = await world.member('A さん')
    const b = await world.member('B さん')
    const bId = world.joren.rows<{ id: number }>(
      'select id from members where line_user_id = ?',
      b.userId,
    )[0]?.id
    const smuggled = {
      ...profile,
      userId: b.userId,
      lineUserId: b.userId,
      memberId: bId,
      memberNumber: memberNumberOf(b.userId),
    }
    const saved = await world.api('PUT', `/api/liff/profile?userId=${b.userId}`, {
      token: a.token(),
      body: smuggled,
    })
    // No choice given: the member never chose, and gets the shop's messages (every friend).
    expect(saved).toEqual({
      status: 200,
      body: {
        ...profile,
        marketingConsent: true,
        marketingChoice: null,
        updatedAt: expect.any(Number),
      },
    })
    const rows = world.joren.rows<{ line_user_id: string }>(
      'select m.line_user_id from member_profiles p join members m on m.id = p.member_id',
    )
    expect(rows).toEqual([{ line_user_id: a.userId }])

    const meB = await world.api('GET', `/api/liff/me?userId=${a.userId}`, { token: b.token() })
    expect(meB.body).toMatchObject({ member: { displayName: 'B さん' }, profile: null })
    const meA = await world.api('GET', `/api/liff/me?userId=${b.userId}`, { token: a.token() })
    expect(meA.body).toMatchObject({
      member: { displayName: 'A さん' },
      profile: { ...profile, updatedAt: expect.any(Number) },
    })
  })

  it('records consent_updated_at only when the marketing consent changes', async () => {
    const member = await world.member()
    const put = (body: object) =>
      world.api('PUT', '/api/liff/profile', { token: member.token(), body })
    const consentAt = () =>
      world.joren.rows<{ at: number | null }>(
        'select consent_updated_at as at from member_profiles',
      )[0]?.at

    await put(profile) // first save, no consent given: nothing to record
    expect(consentAt()).toBeNull()
    clock.advance(1_000)
    await put({ ...profile, marketingConsent: true })
    const given = consentAt()
    expect(given).toEqual(expect.any(Number))
    clock.advance(1_000)
    await put({ ...profile, marketingConsent: true, prefecture: '27' })
    expect(consentAt()).toBe(given)
    clock.advance(1_000)
    await put({ ...profile, marketingConsent: false })
    expect(consentAt()).toBeGreaterThan(given!)
  })

  it('accepts only interests from the shop category list, naming each bad field', async () => {
    const member = await world.member()
    const res = await world.api('PUT', '/api/liff/profile', {
      token: member.token(),
      body: { ...profile, interests: ['food', 'cars', 'drink', 'boats'] },
    })
    expect(res).toEqual({
      status: 400,
      body: {
        error: {
          code: 'invalid_request',
          message: expect.stringContaining('興味・関心'),
          details: [
            { path: 'interests.1', message: expect.stringContaining('cars') },
            { path: 'interests.3', message: expect.stringContaining('boats') },
          ],
        },
      },
    })
    const invalid = await world.api('PUT', '/api/liff/profile', {
      token: member.token(),
      body: { ...profile, birthday: '1990-02-30' },
    })
    expect(invalid).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request', details: [{ path: 'birthday' }] } },
    })
    expect(world.count('member_profiles')).toBe(0)
  })

  it('issues a member card code that verifies now, expires in 5 minutes and resists tampering', async () => {
    const member = await world.member()
    const res = await world.api<{ token: string; expiresAt: number; refreshAfter: number }>(
      'GET',
      '/api/liff/card',
      { token: member.token() },
    )
    expect(res.status).toBe(200)
    const now = clock.now()
    expect(res.body.refreshAfter).toBeGreaterThan(now + 3 * 60_000)
    expect(res.body.refreshAfter).toBeLessThan(res.body.expiresAt)
    expect(res.body.expiresAt).toBeLessThanOrEqual(now + CARD_TOKEN_TTL_MS)

    // The key lives in settings (generated at first use), never in the response.
    const stored = world.joren.rows<{ value: string }>(
      'select value from settings where key = ?',
      CARD_KEY_SETTING,
    )[0]
    const raw = JSON.parse(stored!.value) as { key: string }
    expect(JSON.stringify(res.body)).not.toContain(raw.key)
    const key = await importCardKey(new Uint8Array(Buffer.from(raw.key, 'base64url')))

    const memberNumber = memberNumberOf(member.userId)
    expect(await verifyCardToken(res.body.token, clock.now(), key)).toEqual({
      ok: true,
      memberNumber,
    })
    expect(await verifyCardToken(res.body.token, res.body.expiresAt + 1, key)).toEqual({
      ok: false,
      error: 'expired',
    })
    const tampered = res.body.token.replace(memberNumber!, '1234567897')
    expect(await verifyCardToken(tampered, clock.now(), key)).toEqual({
      ok: false,
      error: 'invalid',
    })

    // A second request uses the same key.
    const again = await world.api<{ token: string }>('GET', '/api/liff/card', {
      token: member.token(),
    })
    expect((await verifyCardToken(again.body.token, clock.now(), key)).ok).toBe(true)
  })
})
