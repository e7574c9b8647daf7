import './nav.css'
import { icon } from '../../ui/icons.tsx'
import { usePlace } from '../../lib/use-place.ts'
import { useStaff } from '../context.ts'
import { useInboxCounts } from './inbox-counts.ts'
import { locale } from '../messages.ts'
import { BASE } from '../paths.ts'

/** Icons for the support entries of the navigation (same 24 × 24 stroke style as ui/icons.tsx). */
export const ChatIcon = /* @__PURE__ */ icon(
  'M4 5h16a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H9l-5 4v-4a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1zM8 10h8M8 13h5',
)
export const BookIcon = /* @__PURE__ */ icon(
  'M4 5a2 2 0 0 1 2-2h14v16H6a2 2 0 0 0-2 2zM4 21V5M9 8h7M9 12h5',
)

/**
 * The number of unread conversations on the inbox's navigation entry. (It lives in the console's
 * first chunk, so it carries its two words itself rather than the support catalogues.)
 */
export function UnreadBadge() {
  const { api, can } = useStaff()
  const onInbox = usePlace(BASE).path.startsWith('/inbox')
  const counts = useInboxCounts(api, can('support.inbox'), !onInbox)
  const n = counts?.unreadConversations ?? 0
  if (n === 0) return null
  return (
    <span class="nav-badge" data-testid="inbox-unread-badge">
      <span aria-hidden="true">{n > 99 ? '99+' : n}</span>
      <span class="sr-only">{locale() === 'en' ? `${n} unread` : `未読 ${n}件`}</span>
    </span>
  )
}
