import type {
  ConversationDetail,
  ConversationStatus,
  ConversationSummary,
  StaffRef,
  ThreadMessage,
} from '@joren/shared'
import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { queryString } from '../../lib/api-client.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ChevronLeftIcon } from '../../ui/icons.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { useStaff } from '../context.ts'
import { href } from '../paths.ts'
import { MemberContextPanel } from './member-context.tsx'
import { paths } from './paths.ts'
import { FaqAsksPanel } from './faq-asks-panel.tsx'
import { ReplyBox } from './reply-box.tsx'
import { supportText } from '../support/support-messages.ts'
import { Thread } from './thread.tsx'

interface Props {
  id: number
  /** Messages the inbox's poll brought (any conversation; this view keeps its member's). */
  live: readonly ThreadMessage[]
  onChanged(conversation: ConversationSummary): void
  /** After a reply: poll at once so the thread shows it. */
  onSent(): void
}

/** One conversation: its header (status, assignee), the thread, the reply box, the member. */
export function ConversationView({ id, live, onChanged, onSent }: Props) {
  const { api } = useStaff()
  const m = supportText()
  const detail = useResource(
    (signal) => api.get<ConversationDetail>(paths.conversation(id), { signal }),
    String(id),
  )
  const [older, setOlder] = useState<ThreadMessage[]>([])
  const [olderCursor, setOlderCursor] = useState<number | null | undefined>(undefined)
  const [loadingOlder, setLoadingOlder] = useState(false)
  const data = detail.data
  const conversation = data?.conversation
  const memberId = conversation?.memberId

  // The thread: older pages, the first load, and what the poll brought since, once each.
  const messages = useMemo(() => {
    if (!data) return []
    const byId = new Map<number, ThreadMessage>()
    // The poll brings new messages as they were created; the thread's own load knows how they went.
    for (const msg of live) if (msg.memberId === memberId) byId.set(msg.id, msg)
    for (const msg of [...older, ...data.messages]) byId.set(msg.id, msg)
    return [...byId.values()].sort((a, b) => a.createdAt - b.createdAt || a.id - b.id)
  }, [data, older, live, memberId])

  // A new message from the customer changes the reply mode (a fresh reply token): ask again.
  const lastInbound = [...messages].reverse().find((msg) => msg.direction === 'in')?.id
  const seenInbound = useRef<number | undefined>(undefined)
  useEffect(() => {
    if (!data || lastInbound === undefined) return
    if (seenInbound.current === undefined) {
      seenInbound.current = lastInbound
      return
    }
    if (lastInbound !== seenInbound.current) {
      seenInbound.current = lastInbound
      detail.reload()
    }
  }, [data, lastInbound, detail])

  // While a message of the shop is queued or being retried, look again shortly: it goes, or fails.
  const inFlight = messages.some((msg) => msg.state === 'queued' || msg.state === 'retrying')
  useEffect(() => {
    if (!inFlight) return
    const timer = setTimeout(() => detail.reload(), 2_000)
    return () => clearTimeout(timer)
  }, [inFlight, data, detail])

  // Opening the thread, or a new message arriving while it is open and visible, reads it.
  useEffect(() => {
    if (!conversation || conversation.unread === 0 || document.hidden) return
    api.send<ConversationSummary | undefined>('POST', paths.read(id)).then(
      (next) => onChanged(next ?? { ...conversation, unread: 0 }),
      () => undefined, // the next open tries again; nothing the staff member must act on
    )
  }, [api, id, conversation, lastInbound, onChanged])

  const loadOlder = async () => {
    const before = olderCursor === undefined ? data?.olderCursor : olderCursor
    if (!before) return
    setLoadingOlder(true)
    try {
      const page = await api.get<ConversationDetail>(
        paths.conversation(id) + queryString({ before }),
      )
      setOlder((list) => [...page.messages, ...list])
      setOlderCursor(page.olderCursor)
    } finally {
      setLoadingOlder(false)
    }
  }

  if (!data || !conversation) {
    return (
      <div class="inbox-thread">
        <BackLink />
        {detail.error ? (
          <ErrorPanel error={detail.error} onRetry={detail.reload} />
        ) : (
          <div class="stack" aria-busy="true">
            <span class="sr-only" role="status">
              {m.inbox.title}
            </span>
            <span class="skel skel-title" style="width:40%" />
            <span class="skel" style="height:280px" />
          </div>
        )}
      </div>
    )
  }

  const hasOlder = (olderCursor === undefined ? data.olderCursor : olderCursor) !== null
  const name = conversation.memberName ?? m.inbox.noName
  const update = (next: ConversationSummary) => {
    detail.set({ ...data, conversation: next })
    onChanged(next)
  }
  return (
    <>
      <section class="inbox-thread" aria-labelledby="thread-title">
        <BackLink />
        <header class="thread-head">
          <h2 class="section-title grow" id="thread-title">
            {m.thread.label(name)}
          </h2>
          <ConversationControls conversation={conversation} onChanged={update} />
        </header>
        <Thread
          messages={messages}
          memberName={name}
          hasOlder={hasOlder}
          loadingOlder={loadingOlder}
          onOlder={() => void loadOlder()}
          blocked={conversation.followState === 'blocked'}
          onResent={() => {
            detail.reload()
            onSent()
          }}
        />
        <FaqAsksPanel memberId={conversation.memberId} messages={messages} />
        <ReplyBox
          key={id}
          conversationId={id}
          blocked={conversation.followState === 'blocked'}
          replyMode={data.replyMode}
          replyTokenExpiresAt={data.replyTokenExpiresAt}
          onSent={() => {
            detail.reload()
            onSent()
          }}
        />
      </section>
      <MemberContextPanel conversationId={id} />
    </>
  )
}

function BackLink() {
  return (
    <a class="back-link inbox-back" href={href('/inbox')}>
      <ChevronLeftIcon size={20} />
      {supportText().inbox.back}
    </a>
  )
}

const STATUSES: ConversationStatus[] = ['open', 'pending', 'closed']

function ConversationControls({
  conversation,
  onChanged,
}: {
  conversation: ConversationSummary
  onChanged(next: ConversationSummary): void
}) {
  const { api, me, toast } = useStaff()
  const m = supportText()
  const staff = useResource(
    (signal) => api.get<StaffRef[]>(paths.staff, { signal }),
    'assignable-staff',
  )
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const id = conversation.id

  const change = async (
    path: string,
    body: unknown,
    local: Partial<ConversationSummary>,
    done: string,
  ) => {
    setBusy(true)
    setError(null)
    try {
      const next = await api.send<ConversationSummary | undefined>('PUT', path, body)
      onChanged(
        next && typeof next === 'object' && 'id' in next ? next : { ...conversation, ...local },
      )
      toast(done)
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  const assign = (staffId: number | null) => {
    const who = staffId === null ? null : (staff.data?.find((s) => s.id === staffId) ?? null)
    const assignedTo = staffId === me.id ? { id: me.id, displayName: me.displayName } : who
    void change(paths.assignee(id), { staffId }, { assignedTo }, m.thread.assigned)
  }
  // Someone removed from the staff can still be the assignee: keep them choosable.
  const people = [...(staff.data ?? [])]
  if (conversation.assignedTo && !people.some((p) => p.id === conversation.assignedTo?.id)) {
    people.push(conversation.assignedTo)
  }

  return (
    <div class="thread-controls">
      <label class="filter">
        <span class="small muted">{m.thread.status}</span>
        <select
          class="input"
          value={conversation.status}
          disabled={busy}
          onChange={(e) => {
            const status = e.currentTarget.value as ConversationStatus
            void change(paths.status(id), { status }, { status }, m.thread.statusChanged)
          }}
        >
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {m.inbox.status[s]}
            </option>
          ))}
        </select>
      </label>
      <label class="filter">
        <span class="small muted">{m.thread.assign}</span>
        <select
          class="input"
          value={conversation.assignedTo ? String(conversation.assignedTo.id) : ''}
          disabled={busy}
          onChange={(e) => {
            const value = e.currentTarget.value
            assign(value === '' ? null : Number(value))
          }}
        >
          <option value="">{m.thread.assignNone}</option>
          {people.map((p) => (
            <option key={p.id} value={String(p.id)}>
              {p.displayName}
            </option>
          ))}
        </select>
      </label>
      {conversation.assignedTo?.id !== me.id && (
        <button
          class="btn btn-secondary btn-sm self-end"
          type="button"
          disabled={busy}
          onClick={() => assign(me.id)}
        >
          {m.thread.assignMe}
        </button>
      )}
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
    </div>
  )
}
