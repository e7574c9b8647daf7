import type { BroadcastStatus } from '@joren/shared'
import { broadcastText } from './messages.ts'

const TONE: Record<BroadcastStatus, string> = {
  draft: 'bc-badge-gray',
  scheduled: 'bc-badge-blue',
  planning: 'bc-badge-blue',
  sending: 'bc-badge-green',
  paused: 'bc-badge-amber',
  done: 'bc-badge-green',
  cancelled: 'bc-badge-gray',
  quota_stopped: 'bc-badge-red',
  failed: 'bc-badge-red',
}

export function StatusBadge({ status }: { status: BroadcastStatus }) {
  return (
    <span class={`bc-badge ${TONE[status]}`} data-status={status}>
      {broadcastText().status[status]}
    </span>
  )
}

/** Statuses after which nothing changes any more. */
export const FINISHED: readonly BroadcastStatus[] = ['done', 'cancelled', 'quota_stopped', 'failed']
/** Statuses in which the engine is (or will shortly be) sending: poll for progress. */
export const ACTIVE: readonly BroadcastStatus[] = ['planning', 'sending']
