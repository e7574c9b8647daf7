import type { InboxUpdates } from '@joren/shared'
import { useEffect, useState } from 'preact/hooks'
import type { Api } from '../../lib/api-client.ts'
import { paths } from './paths.ts'
import { startPoller } from './poller.ts'

export interface InboxCounts {
  unreadConversations: number
  openAlerts: number
}

let counts: InboxCounts | null = null
const listeners = new Set<(counts: InboxCounts) => void>()

/** The inbox screen's own polling reports here, so the navigation badge needs no second poll. */
export function reportInboxCounts(next: InboxCounts): void {
  if (
    counts?.unreadConversations === next.unreadConversations &&
    counts.openAlerts === next.openAlerts
  )
    return
  counts = next
  listeners.forEach((listener) => listener(next))
}

/** Outside the inbox, the badge polls the counts at a gentler pace. */
const BADGE_POLL_MS = 20_000

/**
 * Unread conversations and open alerts, kept fresh while the page is visible. With `poll` false
 * (on the inbox itself, which polls faster and reports here) it only listens.
 */
export function useInboxCounts(api: Api, enabled: boolean, poll = true): InboxCounts | null {
  const [value, setValue] = useState(counts)
  useEffect(() => {
    if (!enabled) return
    listeners.add(setValue)
    setValue(counts)
    if (!poll) return () => void listeners.delete(setValue)
    const poller = startPoller(async (signal) => {
      const updates = await api.get<InboxUpdates>(paths.updates, { signal })
      reportInboxCounts({
        unreadConversations: updates.unreadConversations,
        openAlerts: updates.openAlerts,
      })
    }, BADGE_POLL_MS)
    return () => {
      listeners.delete(setValue)
      poller.stop()
    }
  }, [api, enabled, poll])
  return enabled ? value : null
}
