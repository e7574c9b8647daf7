import type { JourneyTimeline } from '@joren/shared'
import { formatDateTime } from '../../lib/format.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ErrorPanel } from '../components/error-panel.tsx'
import { useStaff } from '../context.ts'
import { locale } from '../messages.ts'
import { journeysText } from './messages.ts'

/** On the member page: that member's journey timeline (entered, each step sent / skipped / due). */
export function MemberJourneys({ memberNumber }: { memberNumber: string }) {
  const { api } = useStaff()
  const m = journeysText()
  const timeline = useResource(
    (signal) =>
      api.get<JourneyTimeline>(
        `/api/staff/journeys/members/${encodeURIComponent(memberNumber)}/timeline`,
        { signal },
      ),
    `journeys:${memberNumber}`,
  )
  const entries = timeline.data?.entries ?? []
  return (
    <section class="card stack" aria-labelledby="jr-timeline-title">
      <h2 id="jr-timeline-title">{m.timeline.title}</h2>
      {timeline.error !== null && !timeline.data ? (
        <ErrorPanel error={timeline.error} onRetry={timeline.reload} />
      ) : !timeline.data ? (
        <span class="skel" style="height:48px" />
      ) : entries.length === 0 ? (
        <p class="muted">{m.timeline.empty}</p>
      ) : (
        <ol class="jr-timeline" data-testid="journey-timeline">
          {entries.map((e, i) => {
            const reason =
              e.reason === null
                ? null
                : e.kind === 'exited'
                  ? (m.timeline.exitReasons[e.reason] ?? e.reason)
                  : (m.reasons[e.reason] ?? e.reason)
            return (
              <li key={`${e.runId}:${i}`}>
                <time dateTime={new Date(e.at).toISOString()}>
                  {formatDateTime(e.at, locale())}
                </time>
                <span>
                  {[
                    e.journeyName,
                    e.step === null ? null : m.timeline.step(e.step),
                    m.timeline.kinds[e.kind] ?? e.kind,
                    reason === null ? null : `（${reason}）`,
                  ]
                    .filter(Boolean)
                    .join(' ')}
                </span>
              </li>
            )
          })}
        </ol>
      )}
    </section>
  )
}
