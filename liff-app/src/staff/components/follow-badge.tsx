import type { MemberListItem } from '@joren/shared'
import { t } from '../messages.ts'

/** 友だち / ブロック中 as a small coloured label. */
export function FollowBadge({ state }: { state: MemberListItem['followState'] }) {
  const m = t().members
  return state === 'following' ? (
    <span class="badge badge-green">{m.following}</span>
  ) : (
    <span class="badge badge-red">{m.blocked}</span>
  )
}
