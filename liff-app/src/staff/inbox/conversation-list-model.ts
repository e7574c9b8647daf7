import type { ConversationSummary } from '@joren/shared'

export type StatusFilter = 'active' | 'open' | 'pending' | 'closed' | 'all'

export interface ListFilter {
  status: StatusFilter
  /** Only conversations assigned to this staff member. */
  assignedTo: number | null
  q: string
}

export function matchesStatus(status: ConversationSummary['status'], filter: StatusFilter) {
  if (filter === 'all') return true
  if (filter === 'active') return status !== 'closed'
  return status === filter
}

/** The server's order: unread first, then the newest message first. */
export function byInboxOrder(a: ConversationSummary, b: ConversationSummary): number {
  const unread = Number(b.unread > 0) - Number(a.unread > 0)
  return unread || b.lastMessageAt - a.lastMessageAt || b.id - a.id
}

/**
 * The list after a poll reported `changed` conversations: changed rows are replaced, rows that no
 * longer fit the filter leave, and new rows that fit join — except while searching, where only the
 * server knows what matches the text (rows already shown are still refreshed).
 */
export function mergeConversations(
  list: readonly ConversationSummary[],
  changed: readonly ConversationSummary[],
  filter: ListFilter,
): ConversationSummary[] {
  if (changed.length === 0) return [...list]
  const byId = new Map(list.map((c) => [c.id, c]))
  for (const next of changed) {
    const fits =
      matchesStatus(next.status, filter.status) &&
      (filter.assignedTo === null || next.assignedTo?.id === filter.assignedTo)
    if (!fits) byId.delete(next.id)
    else if (byId.has(next.id) || filter.q.trim() === '') byId.set(next.id, next)
  }
  return [...byId.values()].sort(byInboxOrder)
}
