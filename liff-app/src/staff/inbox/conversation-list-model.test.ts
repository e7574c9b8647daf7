import type { ConversationSummary } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { mergeConversations, type ListFilter } from './conversation-list-model.ts'

const row = (id: number, patch: Partial<ConversationSummary> = {}): ConversationSummary => ({
  id,
  memberId: id,
  memberNumber: String(id).padStart(10, '0'),
  memberName: `会員${id}`,
  pictureUrl: null,
  language: 'ja',
  followState: 'following',
  status: 'open',
  openReason: 'unanswered',
  assignedTo: null,
  unread: 0,
  lastMessageAt: id * 1000,
  lastInboundAt: id * 1000,
  lastMessagePreview: 'こんにちは',
  openedAt: 0,
  closedAt: null,
  updatedAt: 0,
  ...patch,
})
const ACTIVE: ListFilter = { status: 'active', assignedTo: null, q: '' }

describe('mergeConversations', () => {
  it('puts a conversation with a new unread message at the top', () => {
    const list = [row(3), row(2), row(1)]
    const merged = mergeConversations(list, [row(1, { unread: 1, lastMessageAt: 500 })], ACTIVE)
    expect(merged.map((c) => c.id)).toEqual([1, 3, 2])
    expect(merged[0]?.unread).toBe(1)
  })

  it('adds new conversations that fit, drops ones that no longer do', () => {
    const list = [row(2), row(1)]
    const merged = mergeConversations(
      list,
      [row(5), row(2, { status: 'closed' }), row(6, { status: 'closed' })],
      ACTIVE,
    )
    expect(merged.map((c) => c.id)).toEqual([5, 1])
  })

  it('keeps to the assignee filter', () => {
    const mine = { ...ACTIVE, assignedTo: 7 }
    const merged = mergeConversations(
      [row(1, { assignedTo: { id: 7, displayName: 'A' } })],
      [row(1), row(2, { assignedTo: { id: 7, displayName: 'A' } }), row(3)],
      mine,
    )
    expect(merged.map((c) => c.id)).toEqual([2])
  })

  it('while searching, refreshes shown rows but adds none', () => {
    const search = { ...ACTIVE, q: '駐車場' }
    const merged = mergeConversations([row(1)], [row(1, { unread: 2 }), row(9)], search)
    expect(merged.map((c) => [c.id, c.unread])).toEqual([[1, 2]])
  })
})
