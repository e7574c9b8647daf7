import { DAY, HOUR, type DemoContext } from './demo-context.ts'
import type { ConversationStart } from './demo-surveys.ts'
import * as text from './demo-texts.ts'

/** Support conversations in the guests' own words, answered by the shop. */

export interface DemoConversation {
  id: number
  memberId: number
  status: 'open' | 'closed'
  openReason: 'low_score' | 'unanswered'
  unread: number
  cycle: number
  ackedCycle: number
  lastMessageAt: number
  lastInboundAt: number | null
  readThroughId: number
  openedAt: number
  closedAt: number | null
  updatedAt: number
}
export interface DemoChatMessage {
  id: number
  memberId: number
  direction: 'in' | 'out'
  kind: string
  text: string
  payload: string
  sourceKey: string
  origin: 'staff' | null
  via: 'push' | null
  createdAt: number
}

export function supportConversations(
  { rng, now, ids }: DemoContext,
  conversationStarts: ConversationStart[],
) {
  const conversations: DemoConversation[] = []
  const chatMessages: DemoChatMessage[] = []
  for (const start of conversationStarts.sort((a, b) => a.at - b.at)) {
    if (conversations.some((c) => c.memberId === start.memberId)) continue
    const thread = start.low ? text.lowScoreThread(rng) : text.questionThread(rng)
    const id: number = ids.conversation + conversations.length + 1
    let at = start.at
    let readThroughId = 0
    let lastInboundAt: number | null = null
    let unread = 0
    const answered = start.low || rng.chance(0.85) || start.at < now - 7 * DAY
    const lines = answered ? thread : thread.slice(0, 1)
    for (const [n, line] of lines.entries()) {
      at += n === 0 ? 0 : rng.between(3, 90) * 60_000
      if (at >= now) break
      const chatId: number = ids.chat + chatMessages.length + 1
      chatMessages.push({
        id: chatId,
        memberId: start.memberId,
        direction: line.from === 'guest' ? ('in' as const) : ('out' as const),
        kind: 'text',
        text: line.text,
        payload: JSON.stringify({ type: 'text', text: line.text }),
        sourceKey: `demo:${chatId}`,
        origin: line.from === 'guest' ? null : ('staff' as const),
        via: line.from === 'guest' ? null : ('push' as const),
        createdAt: at,
      })
      if (line.from === 'guest') {
        lastInboundAt = at
        if (answered) readThroughId = chatId
        else unread++
      }
    }
    conversations.push({
      id,
      memberId: start.memberId,
      status: answered ? ('closed' as const) : ('open' as const),
      openReason: start.low ? ('low_score' as const) : ('unanswered' as const),
      unread,
      cycle: 1,
      ackedCycle: 1,
      lastMessageAt: at,
      lastInboundAt,
      readThroughId,
      openedAt: start.at,
      closedAt: answered ? at + HOUR : null,
      updatedAt: at,
    })
  }
  return { conversations, chatMessages }
}

/** A few questions by chat (reservations, allergies, opening hours). */
export function maybeAskByChat(
  { rng, now, atCafeHours }: DemoContext,
  conversationStarts: ConversationStart[],
  memberId: number,
  followedAt: number,
) {
  if (rng.chance(0.03)) {
    const at = followedAt + rng.int(Math.max(1, Math.floor((now - followedAt) / DAY))) * DAY
    if (at < now - HOUR && !conversationStarts.some((c) => c.memberId === memberId))
      conversationStarts.push({ memberId, at: atCafeHours(at), low: false })
  }
}
