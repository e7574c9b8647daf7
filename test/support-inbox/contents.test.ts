import type { ConversationDetail } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { silentLogger, webIds } from '../../server/src/domain/ports.ts'
import { fetchPendingContents } from '../../server/src/domain/support/contents.ts'
import { claimOwner, TestClock, useWorld } from '../auth/world.ts'
import { conversationOf, runUpkeep, sendSticker, settled } from './inbox-world.ts'

const clock = new TestClock()
const world = useWorld(clock)

async function threadOf(owner: { token(): string }, userId: string) {
  const conversation = conversationOf(world, userId)
  if (!conversation) throw new Error('no conversation')
  const res = await world.api<ConversationDetail>(
    'GET',
    `/api/staff/inbox/conversations/${conversation.id}`,
    { token: owner.token() },
  )
  return res.body.messages
}

describe('images and stickers from customers', () => {
  it('fetches an image from the data API outside the webhook and serves it to staff', async () => {
    const owner = await claimOwner(world)
    const member = await world.member()
    await world.standIn.sendImage(member.userId)
    await settled(world)
    // Nothing was fetched on the webhook path.
    expect(world.standIn.requests().filter((r) => r.path.endsWith('/content'))).toEqual([])
    const [pending] = (await threadOf(owner, member.userId)).filter((m) => m.kind === 'image')
    expect(pending?.content).toMatchObject({ type: 'image', status: 'pending' })
    await runUpkeep(world)
    const [stored] = (await threadOf(owner, member.userId)).filter((m) => m.kind === 'image')
    expect(stored?.content).toMatchObject({ type: 'image', status: 'stored' })
    const url = stored?.content.type === 'image' ? stored.content.contentUrl : null
    expect(url).toBe(`/api/staff/inbox/contents/${stored?.id}`)
    const res = await fetch(`${world.joren.server.url}${url}`, {
      headers: { authorization: `Bearer ${owner.token()}` },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(res.headers.get('cache-control')).toMatch(/^private/)
    const bytes = new Uint8Array(await res.arrayBuffer())
    expect([...bytes.slice(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG')
    const [row] = world.joren.rows<{ status: string; size: number; attempts: number }>(
      'select status, size, attempts from message_contents',
    )
    expect(row).toMatchObject({ status: 'stored', size: bytes.byteLength, attempts: 1 })

    // Staff only: no token, or a non-staff user, gets nothing.
    const anonymous = await fetch(`${world.joren.server.url}${url}`)
    expect(anonymous.status).toBe(401)
    const stranger = world.stranger()
    const other = await fetch(`${world.joren.server.url}${url}`, {
      headers: { authorization: `Bearer ${stranger.token()}` },
    })
    expect(other.status).toBe(403)
  })

  it('keeps no bytes of an image over the size limit, and retries a failing fetch', async () => {
    const owner = await claimOwner(world)
    const member = await world.member()
    await world.standIn.sendImage(member.userId)
    await settled(world)
    const { background } = world.joren.server
    const job = {
      contents: background.repositories.contents,
      fetchContent: background.content.fetchContent,
      clock,
      ids: webIds,
      logger: silentLogger,
    }
    // The data API fails once: the row stays pending with its attempt counted, due later.
    const fault = world.standIn.inject({
      path: /\/content$/,
      kind: 'status',
      status: 500,
      count: 1,
    })
    await fetchPendingContents({ ...job, maxBytes: 10 })
    expect(fault.hits).toBe(1)
    expect(world.joren.rows('select status, attempts from message_contents')).toEqual([
      { status: 'pending', attempts: 1 },
    ])
    expect(await fetchPendingContents({ ...job, maxBytes: 10 })).toBe(0)
    clock.advance(60_000)
    // The stand-in's PNG is larger than this limit.
    await fetchPendingContents({ ...job, maxBytes: 10 })
    expect(world.joren.rows('select status, bytes, attempts from message_contents')).toEqual([
      { status: 'too_large', bytes: null, attempts: 2 },
    ])
    const [image] = (await threadOf(owner, member.userId)).filter((m) => m.kind === 'image')
    expect(image?.content).toMatchObject({ status: 'too_large', contentUrl: null })
    const res = await world.api('GET', `/api/staff/inbox/contents/${image?.id}`, {
      token: owner.token(),
    })
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ error: { code: 'content_not_available' } })
  })

  it('fetches a pending image at once when staff open it', async () => {
    const owner = await claimOwner(world)
    const member = await world.member()
    await world.standIn.sendImage(member.userId)
    await settled(world)
    const [pending] = (await threadOf(owner, member.userId)).filter((m) => m.kind === 'image')
    const res = await fetch(`${world.joren.server.url}/api/staff/inbox/contents/${pending?.id}`, {
      headers: { authorization: `Bearer ${owner.token()}` },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(world.joren.rows('select status, attempts from message_contents')).toEqual([
      { status: 'stored', attempts: 1 },
    ])
    // The job finds nothing left to fetch.
    await runUpkeep(world)
    expect(world.standIn.requests().filter((r) => r.path.endsWith('/content'))).toHaveLength(1)
  })

  it('shows a sticker by its LINE image URL and hands the member over', async () => {
    const owner = await claimOwner(world)
    const member = await world.member()
    await sendSticker(world, member.userId, '52002734')
    await settled(world)
    expect(conversationOf(world, member.userId)).toMatchObject({ status: 'open', unread: 1 })
    const [sticker] = (await threadOf(owner, member.userId)).filter((m) => m.kind === 'sticker')
    expect(sticker?.content).toEqual({
      type: 'sticker',
      packageId: '11537',
      stickerId: '52002734',
      imageUrl:
        'https://stickershop.line-scdn.net/stickershop/v1/sticker/52002734/android/sticker.png',
      label: '[スタンプ] Thanks',
    })
    expect(world.count('message_contents')).toBe(0)
  })
})
