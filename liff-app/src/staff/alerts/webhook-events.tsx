import type { WebhookProblem, WebhookProblemPage } from '@joren/shared'
import { useState } from 'preact/hooks'
import { queryString } from '../../lib/api-client.ts'
import { formatDateTime } from '../../lib/format.ts'
import { formatMemberNumber } from '../../lib/member-number.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ErrorPanel } from '../components/error-panel.tsx'
import { useStaff } from '../context.ts'
import { supportText } from '../support/support-messages.ts'
import { locale } from '../messages.ts'
import { href } from '../paths.ts'

type Filter = 'all' | 'parked' | 'dead'
const PATH = '/api/staff/webhook-events'

/**
 * LINE events the product stored but did not handle (admin+): parked on arrival because their
 * type or shape is unknown, or dead after every retry — each with the reason and what LINE sent.
 */
export function WebhookEventsCard() {
  const { api, can } = useStaff()
  const m = supportText().webhookEvents
  const [filter, setFilter] = useState<Filter>('all')
  const [extra, setExtra] = useState<WebhookProblem[]>([])
  const [cursor, setCursor] = useState<string | null | undefined>(undefined)
  const [error, setError] = useState<unknown>(null)
  const page = useResource((signal) => {
    setExtra([])
    setCursor(undefined)
    return api.get<WebhookProblemPage>(PATH + queryString({ status: filter }), { signal })
  }, `webhook-events:${filter}`)
  const items = [...(page.data?.items ?? []), ...extra]
  const next = cursor === undefined ? page.data?.nextCursor : cursor

  const more = async () => {
    if (!next) return
    try {
      const more = await api.get<WebhookProblemPage>(
        PATH + queryString({ status: filter, cursor: next }),
      )
      setExtra((list) => [...list, ...more.items])
      setCursor(more.nextCursor)
    } catch (failure) {
      setError(failure)
    }
  }

  return (
    <section
      class="stack"
      id="webhook-events"
      aria-labelledby="webhook-events-title"
      data-testid="webhook-events"
    >
      <div class="page-header">
        <div class="grow">
          <h2 class="section-title" id="webhook-events-title">
            {m.title}
          </h2>
          <p class="small muted">{m.intro}</p>
        </div>
        <label class="filter">
          <span class="small muted">{m.show}</span>
          <select
            class="input"
            value={filter}
            onChange={(e) => setFilter(e.currentTarget.value as Filter)}
          >
            {(['all', 'parked', 'dead'] as const).map((value) => (
              <option key={value} value={value}>
                {m.filters[value]}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      {page.data ? (
        items.length === 0 ? (
          <p class="card empty">{m.empty}</p>
        ) : (
          <ul class="rows card alert-list">
            {items.map((event) => (
              <li key={event.eventId} class="row alert-row" data-testid="webhook-event">
                <div class="grow stack-xs">
                  <p class="alert-line">
                    <span class={`badge ${event.status === 'dead' ? 'badge-red' : 'badge-gray'}`}>
                      {m.status[event.status]}
                    </span>
                    <strong class="mono">{event.type || m.noType}</strong>
                    <span class="small muted">
                      {m.received} {formatDateTime(event.receivedAt, locale())}
                    </span>
                    {event.memberNumber &&
                      (can('members.read') ? (
                        <a class="small" href={href(`/members/${event.memberNumber}`)}>
                          {event.memberName ?? formatMemberNumber(event.memberNumber)}
                        </a>
                      ) : (
                        <span class="small">{event.memberName}</span>
                      ))}
                  </p>
                  <p class="pre-wrap">
                    <span class="small muted">{m.reason}: </span>
                    {event.reason}
                  </p>
                  <details class="audit-details">
                    <summary>{m.payload}</summary>
                    <pre class="webhook-payload">
                      {event.payload}
                      {event.payloadTruncated && `\n${m.truncated}`}
                    </pre>
                  </details>
                </div>
              </li>
            ))}
          </ul>
        )
      ) : page.error ? (
        <ErrorPanel error={page.error} onRetry={page.reload} />
      ) : (
        <span class="skel" style="height:120px" aria-busy="true" />
      )}
      {next && (
        <button class="btn btn-secondary btn-block" type="button" onClick={() => void more()}>
          {supportText().inbox.more}
        </button>
      )}
    </section>
  )
}
