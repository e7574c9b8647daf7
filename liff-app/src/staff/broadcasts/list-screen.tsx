import type { BroadcastProgress, BroadcastSummary, SegmentListResponse } from '@joren/shared'
import { formatDateTime } from '../../lib/format.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ChevronRightIcon, PlusIcon } from '../../ui/icons.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { useStaff } from '../context.ts'
import { locale } from '../messages.ts'
import { href } from '../paths.ts'
import { broadcastText } from './messages.ts'
import { StatusBadge } from './status-badge.tsx'

/** Every broadcast, newest first: its state, audience size and when it goes (or went) out. */
export default function BroadcastListScreen() {
  const { api, can } = useStaff()
  const m = broadcastText()
  const list = useResource(
    (signal) => api.get<{ broadcasts: BroadcastSummary[] }>('/api/staff/broadcasts', { signal }),
    'broadcasts',
  )
  const segments = useResource(
    (signal) => api.get<SegmentListResponse>('/api/staff/segments', { signal }),
    'segments',
  )
  const segmentNames = new Map(segments.data?.segments.map((s) => [s.id, s.name]))
  return (
    <div class="stack">
      <PageHeader title={m.list.title} intro={m.list.intro}>
        {can('broadcasts.send') && (
          <a class="btn" href={href('/broadcasts/new')}>
            <PlusIcon size={20} />
            {m.list.create}
          </a>
        )}
      </PageHeader>
      {list.error && !list.data ? (
        <ErrorPanel error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <div class="card stack" aria-busy="true">
          <span class="skel" style="height:56px" />
          <span class="skel" style="height:56px" />
        </div>
      ) : list.data.broadcasts.length === 0 ? (
        <p class="card empty">{m.list.empty}</p>
      ) : (
        <ul class="card rows" data-testid="broadcast-list">
          {list.data.broadcasts.map((b) => (
            <BroadcastRow key={b.id} broadcast={b} segmentNames={segmentNames} />
          ))}
        </ul>
      )}
    </div>
  )
}

function BroadcastRow({
  broadcast: b,
  segmentNames,
}: {
  broadcast: BroadcastSummary
  segmentNames: Map<number, string>
}) {
  const m = broadcastText()
  const when = whenText(b)
  const sent = useSentCount(b)
  return (
    <li class="row">
      <a class="row-main bc-row" href={href(`/broadcasts/${b.id}`)}>
        <span class="bc-row-title grow">
          <strong>{b.title}</strong>
          <span class="muted small">{audienceText(b, segmentNames)}</span>
        </span>
        <StatusBadge status={b.status} />
        <span class="bc-row-facts small">
          <span>
            <span class="muted">{m.list.recipients} </span>
            {b.recipientCount > 0 ? m.count(b.recipientCount) : '—'}
          </span>
          <span>
            <span class="muted">{m.list.sent} </span>
            {sent === null ? '—' : m.count(sent)}
          </span>
          <span>
            <span class="muted">{m.list.when} </span>
            {when}
          </span>
        </span>
        <ChevronRightIcon size={20} />
      </a>
    </li>
  )
}

/** The summary has no sent count: a started broadcast's row reads its progress. */
function useSentCount(b: BroadcastSummary): number | null {
  const { api } = useStaff()
  const started = b.startedAt !== null
  const progress = useResource(
    (signal) =>
      started
        ? api.get<BroadcastProgress>(`/api/staff/broadcasts/${b.id}/progress`, { signal })
        : Promise.resolve(null),
    `${b.id}:${b.status}:${started}`,
  )
  return progress.data?.recipients.sent ?? null
}

function audienceText(b: BroadcastSummary, segmentNames: Map<number, string>): string {
  const m = broadcastText()
  if (b.audience.kind === 'members') return m.audienceKind.members(b.audience.memberCount)
  if (b.audience.kind === 'all') return m.audienceKind.all
  const name = segmentNames.get(b.audience.segmentId)
  return name ? m.audienceKind.segmentNamed(name) : m.audienceKind.segment
}

function whenText(b: BroadcastSummary): string {
  const m = broadcastText()
  if (b.startedAt !== null) return m.list.startedAt(formatDateTime(b.startedAt, locale()))
  if (b.scheduledAt !== null) return m.list.scheduledFor(formatDateTime(b.scheduledAt, locale()))
  return m.list.notScheduled
}
