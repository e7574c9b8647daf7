import type { ConversationPage, ConversationSummary } from '@joren/shared'
import { formatMemberNumber } from '../../lib/member-number.ts'
import { href } from '../paths.ts'
import { shortTime, supportText } from '../support/support-messages.ts'

interface Props {
  page: ConversationPage | null
  selectedId: number | null
  /** A search or filter is on (changes what "empty" says). */
  filtered: boolean
  loadingMore: boolean
  onMore(): void
}

/** Conversations, unread first: who, state, who handles it, the last message and when. */
export function ConversationList({ page, selectedId, filtered, loadingMore, onMore }: Props) {
  const m = supportText().inbox
  if (!page) {
    return (
      <div class="stack" aria-busy="true">
        <span class="skel" style="height:72px" />
        <span class="skel" style="height:72px" />
        <span class="skel" style="height:72px" />
      </div>
    )
  }
  if (page.items.length === 0) {
    return <p class="card empty">{filtered ? m.empty : m.emptyAll}</p>
  }
  return (
    <>
      <ul class="conversations card" data-testid="conversations">
        {page.items.map((c) => (
          <li key={c.id}>
            <ConversationRow conversation={c} current={c.id === selectedId} />
          </li>
        ))}
      </ul>
      {page.nextCursor && (
        <button
          class="btn btn-secondary btn-block"
          type="button"
          disabled={loadingMore}
          onClick={onMore}
        >
          {m.more}
        </button>
      )}
    </>
  )
}

function ConversationRow({
  conversation: c,
  current,
}: {
  conversation: ConversationSummary
  current: boolean
}) {
  const m = supportText().inbox
  const name = c.memberName ?? m.noName
  const unread = c.unread > 0
  return (
    <a
      class={`conversation${unread ? ' is-unread' : ''}`}
      href={href(`/inbox/${c.id}`)}
      aria-current={current ? 'true' : undefined}
      data-conversation={c.id}
    >
      <span class="avatar" aria-hidden="true">
        {Array.from(name.trim() || '?')[0]}
        {c.pictureUrl && (
          <img
            src={c.pictureUrl}
            alt=""
            referrerpolicy="no-referrer"
            onError={(e) => (e.currentTarget.hidden = true)}
          />
        )}
      </span>
      <span class="conversation-body">
        <span class="conversation-top">
          <span class="conversation-name">{name}</span>
          <time class="conversation-time" dateTime={new Date(c.lastMessageAt).toISOString()}>
            {shortTime(c.lastMessageAt)}
          </time>
        </span>
        <span class="conversation-preview">{c.lastMessagePreview ?? ''}</span>
        <span class="conversation-meta">
          <span class={`status-chip status-${c.status}`}>{m.status[c.status]}</span>
          <span class="small muted">
            {c.assignedTo ? m.assignee(c.assignedTo.displayName) : m.unassigned}
          </span>
          <span class="small muted mono">{formatMemberNumber(c.memberNumber)}</span>
          {unread && (
            <span class="count-badge">
              <span aria-hidden="true">{c.unread}</span>
              <span class="sr-only">{m.unread(c.unread)}</span>
            </span>
          )}
        </span>
      </span>
    </a>
  )
}
