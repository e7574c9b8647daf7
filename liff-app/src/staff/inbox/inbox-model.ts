import type {
  ConversationPage,
  ConversationSummary,
  InboxUpdates,
  ThreadMessage,
} from '@joren/shared'
import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { queryString } from '../../lib/api-client.ts'
import { useStaff } from '../context.ts'
import {
  mergeConversations,
  type ListFilter,
  type StatusFilter,
} from './conversation-list-model.ts'
import { reportInboxCounts } from './inbox-counts.ts'
import { paths } from './paths.ts'
import { startPoller, type Poller } from './poller.ts'
import { supportText } from '../support/support-messages.ts'

/** New messages show within this long while the inbox is on screen. */
const POLL_MS = 3000
/** Live messages kept for open threads (older ones come from the thread's own load). */
const LIVE_KEEP = 500

/**
 * The inbox's state: the filtered conversation list (polled for changes, paged on demand), the live
 * messages for open threads, the open alerts count and the screen reader announcement.
 */
export function useInboxModel(selectedId: number | null) {
  const { api } = useStaff()
  const m = supportText().inbox
  const [filter, setFilter] = useState<ListFilter>({ status: 'active', assignedTo: null, q: '' })
  const [typed, setTyped] = useState('')
  const [list, setList] = useState<ConversationPage | null>(null)
  const [listError, setListError] = useState<unknown>(null)
  const [loadingMore, setLoadingMore] = useState(false)
  const [live, setLive] = useState<ThreadMessage[]>([])
  const [openAlerts, setOpenAlerts] = useState(0)
  const [announcement, setAnnouncement] = useState('')
  const [ready, setReady] = useState(false)
  const filterRef = useRef(filter)
  filterRef.current = filter
  const selectedRef = useRef<ConversationSummary | undefined>(undefined)
  const poller = useRef<Poller | null>(null)

  // Polls the updates endpoint: changed conversations join the list, new messages the thread.
  useEffect(() => {
    let cursor: string | undefined
    poller.current = startPoller(async (signal) => {
      const updates = await api.get<InboxUpdates>(paths.updates + queryString({ since: cursor }), {
        signal,
      })
      const first = cursor === undefined
      cursor = updates.cursor
      reportInboxCounts(updates)
      setOpenAlerts(updates.openAlerts)
      if (first) {
        setReady(true)
        return
      }
      if (updates.conversations.length) {
        setList(
          (current) =>
            current && {
              ...current,
              items: mergeConversations(current.items, updates.conversations, filterRef.current),
            },
        )
      }
      if (updates.messages.length) {
        setLive((current) => [...current, ...updates.messages].slice(-LIVE_KEEP))
        const selectedMember = selectedRef.current?.memberId
        const elsewhere = updates.messages.filter(
          (msg) => msg.direction === 'in' && msg.memberId !== selectedMember,
        ).length
        if (elsewhere) setAnnouncement(m.newMessages(elsewhere))
      }
    }, POLL_MS)
    return () => poller.current?.stop()
  }, [api, m])

  // The list itself: after the first poll fixed the cursor, and again whenever the filter changes.
  useEffect(() => {
    if (!ready) return
    const controller = new AbortController()
    setListError(null)
    api
      .get<ConversationPage>(
        paths.conversations +
          queryString({
            status: filter.status,
            assignedTo: filter.assignedTo ? 'me' : undefined,
            q: filter.q.trim(),
          }),
        { signal: controller.signal },
      )
      .then(
        (page) => setList(page),
        (error: unknown) => !controller.signal.aborted && setListError(error),
      )
    return () => controller.abort()
  }, [api, ready, filter])

  // Search as one types, once the typing pauses.
  useEffect(() => {
    const timer = setTimeout(() => setFilter((f) => (f.q === typed ? f : { ...f, q: typed })), 300)
    return () => clearTimeout(timer)
  }, [typed])

  const more = async () => {
    if (!list?.nextCursor) return
    setLoadingMore(true)
    try {
      const page = await api.get<ConversationPage>(
        paths.conversations +
          queryString({
            status: filter.status,
            assignedTo: filter.assignedTo ? 'me' : undefined,
            q: filter.q.trim(),
            cursor: list.nextCursor,
          }),
      )
      setList((current) => ({
        items: [
          ...(current?.items ?? []),
          ...page.items.filter((c) => !current?.items.some((x) => x.id === c.id)),
        ],
        nextCursor: page.nextCursor,
      }))
    } catch (error) {
      setListError(error)
    } finally {
      setLoadingMore(false)
    }
  }

  /** A conversation the thread changed (read, status, assignee): the list shows it at once. */
  const changed = useCallback((next: ConversationSummary) => {
    setList(
      (current) =>
        current && {
          ...current,
          items: mergeConversations(current.items, [next], filterRef.current),
        },
    )
  }, [])
  const refresh = useCallback(() => poller.current?.now(), [])

  const selected = list?.items.find((c) => c.id === selectedId)
  selectedRef.current = selected
  const setStatus = (status: StatusFilter) => setFilter((f) => ({ ...f, status }))

  return {
    filter,
    setFilter,
    typed,
    setTyped,
    list,
    listError,
    loadingMore,
    live,
    openAlerts,
    announcement,
    more,
    changed,
    refresh,
    setStatus,
  }
}
