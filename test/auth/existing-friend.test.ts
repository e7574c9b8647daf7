import { describe, expect, it } from 'vitest'
import { useWorld, TestClock } from './world.ts'

const clock = new TestClock()
const world = useWorld(clock)

const profileCalls = () =>
  world.standIn.requests().filter((r) => r.path.startsWith('/v2/bot/profile/'))

describe('friends who added the account before Joren ran', () => {
  it('become members the first time they open the mini-app', async () => {
    // A friend already (no follow webhook will ever come), unknown to Joren.
    const user = world.standIn.createUser({ displayName: '古くからの友だち', friend: true })
    const me = await world.api<{ member: { displayName: string; memberNumber: string } }>(
      'GET',
      '/api/liff/me',
      { token: world.standIn.issueIdToken(user.userId) },
    )
    expect(me.status).toBe(200)
    expect(me.body.member.displayName).toBe('古くからの友だち')
    expect(
      world.joren.rows(
        'select follow_state, member_number from members where line_user_id = ?',
        user.userId,
      ),
    ).toEqual([{ follow_state: 'following', member_number: me.body.member.memberNumber }])
  })

  it('still refuses strangers, asking LINE once a minute at most', async () => {
    const stranger = world.stranger()
    for (let i = 0; i < 3; i++) {
      const res = await world.api('GET', '/api/liff/me', { token: stranger.token() })
      expect(res.status).toBe(403)
      expect((res.body as { error: { code: string } }).error.code).toBe('not_friend')
    }
    expect(profileCalls()).toHaveLength(1)
    expect(world.count('members')).toBe(0)
  })
})
