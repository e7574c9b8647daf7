import type { ConversationSummary } from '@joren/shared'
import { silentLogger, webIds } from '../../server/src/domain/ports.ts'
import { runSupportUpkeep } from '../../server/src/compose/upkeep.ts'
import type { World } from '../auth/world.ts'
import type { ReceivedMessage } from '../../server/src/sandbox/line-stand-in/index.ts'
import { eventually } from '../support/joren-node.ts'

export const ACK_OUTSIDE_HOURS = /営業時間内に担当者から返信します。営業時間: /
export const ACK_ANY = /お問い合わせありがとうございます/

/** Texts the stand-in user received from the product. */
export function textsReceived(world: World, userId: string): string[] {
  return world.standIn
    .received(userId)
    .filter((r) => r.message.type === 'text')
    .map((r) => String(r.message.text))
}

export function acksReceived(world: World, userId: string): ReceivedMessage[] {
  return world.standIn
    .received(userId)
    .filter((r) => r.message.type === 'text' && ACK_ANY.test(String(r.message.text)))
}

/** Waits until the product has processed everything the stand-in delivered. */
export async function settled(world: World): Promise<void> {
  await eventually(() => {
    const [row] = world.joren.rows<{ n: number }>(
      `select (select count(*) from webhook_events where status in ('pending', 'processing'))
            + (select count(*) from outbox where status in ('pending', 'sending')) as n`,
    )
    if ((row?.n ?? 1) > 0) throw new Error('still processing')
  })
}

export function memberIdOf(world: World, userId: string): number {
  const [row] = world.joren.rows<{ id: number }>(
    'select id from members where line_user_id = ?',
    userId,
  )
  if (!row) throw new Error('no member')
  return row.id
}

export function conversationOf(world: World, userId: string) {
  const [row] = world.joren.rows<{
    id: number
    status: string
    cycle: number
    acked_cycle: number
    unread: number
  }>(
    `select c.id, c.status, c.cycle, c.acked_cycle, c.unread from conversations c
       join members m on m.id = c.member_id where m.line_user_id = ?`,
    userId,
  )
  return row ?? null
}

/** A sticker message event from the user, delivered signed like LINE does. */
export async function sendSticker(world: World, userId: string, stickerId = '52002734') {
  const base = world.standIn.buildEvent.text(userId, 'sticker') as unknown as Record<
    string,
    unknown
  > & { message: Record<string, unknown> }
  const event = {
    ...base,
    message: {
      id: String(base.message.id),
      type: 'sticker',
      packageId: '11537',
      stickerId,
      stickerResourceType: 'STATIC',
      keywords: ['Thanks'],
      quoteToken: String(base.message.quoteToken),
    },
  }
  return world.standIn.deliver([event as never])
}

export async function runUpkeep(world: World): Promise<void> {
  await runSupportUpkeep({
    background: world.joren.server.background,
    clock: world.clock,
    ids: webIds,
    logger: silentLogger,
    timeZone: 'Asia/Tokyo',
  })
}

export async function listConversations(
  world: World,
  staff: { token(): string },
  query = '',
): Promise<ConversationSummary[]> {
  const res = await world.api<{ items: ConversationSummary[] }>(
    'GET',
    `/api/staff/inbox/conversations${query}`,
    { token: staff.token() },
  )
  if (res.status !== 200) throw new Error(`list: ${JSON.stringify(res.body)}`)
  return res.body.items
}
