import type { BroadcastDraft, BroadcastProgress, BroadcastResponse } from '@joren/shared'
import type { Api, World } from '../auth/world.ts'
import { eventually, type JorenUnderTest } from '../support/joren-node.ts'

/** The world's API bound to another Joren (after a restart or with other options). */
export function apiFor(joren: JorenUnderTest): Api {
  return (async (method: string, path: string, init: { token?: string; body?: unknown } = {}) => {
    const headers: Record<string, string> = {}
    if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`
    if (init.body !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(`${joren.server.url}${path}`, {
      method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    })
    const text = await res.text()
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null }
  }) as Api
}

export interface AudienceMember {
  userId: string
  memberId: number
  kind: 'consenting' | 'blocked' | 'no_consent'
}

/**
 * Members straight into Joren's database (and as friends in the stand-in): consenting friends,
 * blocked ones (not friends any more) and friends without marketing consent.
 */
export function seedAudience(
  world: World,
  counts: { consenting: number; blocked?: number; noConsent?: number },
  name: (i: number) => string = (i) => `会員${i}`,
): AudienceMember[] {
  const sqlite = world.joren.server.database.sqlite
  const insertMember = sqlite.prepare(
    `insert into members (line_user_id, member_number, display_name, follow_state, follow_state_at,
       first_followed_at, followed_at, blocked_at, created_at, updated_at)
     values (?, ?, ?, ?, 1, 1, 1, ?, 1, 1) returning id`,
  )
  const insertProfile = sqlite.prepare(
    `insert into member_profiles (member_id, interests, marketing_choice, updated_at)
     values (?, '[]', ?, 1)`,
  )
  const plan: AudienceMember['kind'][] = [
    ...Array<AudienceMember['kind']>(counts.consenting).fill('consenting'),
    ...Array<AudienceMember['kind']>(counts.blocked ?? 0).fill('blocked'),
    ...Array<AudienceMember['kind']>(counts.noConsent ?? 0).fill('no_consent'),
  ]
  const out: AudienceMember[] = []
  const base = Number(
    (sqlite.prepare('select count(*) as n from members').get() as { n: number }).n,
  )
  sqlite.transaction(() => {
    plan.forEach((kind, i) => {
      const user = world.standIn.createUser({ displayName: name(i), friend: kind !== 'blocked' })
      const row = insertMember.get(
        user.userId,
        String(2_000_000_000 + base + i),
        name(i),
        kind === 'blocked' ? 'blocked' : 'following',
        kind === 'blocked' ? 1 : null,
      ) as { id: number }
      insertProfile.run(row.id, kind === 'no_consent' ? 'out' : 'in')
      out.push({ userId: user.userId, memberId: row.id, kind })
    })
  })()
  return out
}

export async function createBroadcast(
  world: World,
  owner: { token(): string },
  draft: Partial<BroadcastDraft> = {},
): Promise<number> {
  const res = await world.api<BroadcastResponse>('POST', '/api/staff/broadcasts', {
    token: owner.token(),
    body: {
      title: 'テスト配信',
      messages: [{ type: 'text', text: '今週末はセールです！' }],
      audience: { kind: 'all' },
      ...draft,
    },
  })
  if (res.status !== 201) throw new Error(`create: ${JSON.stringify(res.body)}`)
  return res.body.broadcast.id
}

export async function send(
  world: World,
  owner: { token(): string },
  id: number,
  body: Record<string, unknown> = {},
) {
  return world.api<BroadcastResponse & { error?: { code: string } }>(
    'POST',
    `/api/staff/broadcasts/${id}/send`,
    { token: owner.token(), body },
  )
}

export async function progress(world: World, owner: { token(): string }, id: number) {
  const res = await world.api<BroadcastProgress>('GET', `/api/staff/broadcasts/${id}/progress`, {
    token: owner.token(),
  })
  return res.body
}

export async function untilStatus(
  world: World,
  owner: { token(): string },
  id: number,
  status: string,
  timeoutMs = 15_000,
): Promise<BroadcastProgress> {
  return eventually(async () => {
    const p = await progress(world, owner, id)
    if (p.status !== status) throw new Error(`status ${p.status}, want ${status}`)
    return p
  }, timeoutMs)
}

/** Messages of a broadcast a user received (by any route). */
export function receivedTexts(world: World, userId: string): string[] {
  return world.standIn
    .received(userId)
    .map((r) =>
      r.message.type === 'text' ? String(r.message.text) : `[${String(r.message.type)}]`,
    )
}
