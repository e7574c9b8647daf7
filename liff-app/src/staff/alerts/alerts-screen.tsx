import type { StaffAlert, StaffAlertPage } from '@joren/shared'
import { useState } from 'preact/hooks'
import { queryString } from '../../lib/api-client.ts'
import { formatDateTime } from '../../lib/format.ts'
import { formatMemberNumber } from '../../lib/member-number.ts'
import { useResource } from '../../lib/use-resource.ts'
import { CheckIcon } from '../../ui/icons.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { useStaff } from '../context.ts'
import { paths } from '../inbox/paths.ts'
import { supportText } from '../support/support-messages.ts'
import { locale } from '../messages.ts'
import { href } from '../paths.ts'
import { AlertPrefsCard } from './alert-prefs.tsx'
import { WebhookEventsCard } from './webhook-events.tsx'

const BADGE: Record<StaffAlert['kind'], string> = {
  new_conversation: 'badge-green',
  low_score: 'badge-red',
  webhook_parked: 'badge-gray',
  security: 'badge-red',
  job_failed: 'badge-red',
  data_request: 'badge-red',
}

/**
 * Staff alerts (new conversations, low survey scores, LINE events that could not be handled, bursts
 * of wrong codes or keys), the unhandled LINE events themselves (admin+), and one's own LINE alert
 * settings.
 */
export default function AlertsScreen() {
  const { api, toast, can } = useStaff()
  const m = supportText().alerts
  const [all, setAll] = useState(false)
  const [extra, setExtra] = useState<StaffAlert[]>([])
  const [cursor, setCursor] = useState<string | null | undefined>(undefined)
  const [busy, setBusy] = useState<number | null>(null)
  const [error, setError] = useState<unknown>(null)
  const page = useResource(
    (signal) => {
      setExtra([])
      setCursor(undefined)
      return api.get<StaffAlertPage>(paths.alerts + queryString({ status: all ? 'all' : 'open' }), {
        signal,
      })
    },
    all ? 'all' : 'open',
  )
  const items = [...(page.data?.items ?? []), ...extra]
  const next = cursor === undefined ? page.data?.nextCursor : cursor

  const more = async () => {
    if (!next) return
    try {
      const more = await api.get<StaffAlertPage>(
        paths.alerts + queryString({ status: all ? 'all' : 'open', cursor: next }),
      )
      setExtra((list) => [...list, ...more.items])
      setCursor(more.nextCursor)
    } catch (failure) {
      setError(failure)
    }
  }

  const resolve = async (alert: StaffAlert) => {
    setBusy(alert.id)
    setError(null)
    try {
      await api.send('POST', paths.resolveAlert(alert.id))
      toast(m.resolvedToast)
      page.reload()
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(null)
    }
  }

  return (
    <div class="stack">
      <PageHeader title={m.title} intro={m.intro} />
      <section class="stack" aria-labelledby="alerts-list-title">
        <div class="page-header">
          <h2 class="section-title grow" id="alerts-list-title">
            {all ? m.title : m.open}
          </h2>
          <label class="check">
            <input
              type="checkbox"
              checked={all}
              onChange={(e) => setAll(e.currentTarget.checked)}
            />
            {m.showResolved}
          </label>
        </div>
        {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
        {page.data ? (
          items.length === 0 ? (
            <p class="card empty">{all ? m.emptyAll : m.empty}</p>
          ) : (
            <ul class="rows card alert-list" data-testid="alerts">
              {items.map((alert) => (
                <li key={alert.id} class="row alert-row">
                  <div class="grow stack-xs">
                    <p class="alert-line">
                      <span class={`badge ${BADGE[alert.kind]}`}>{m.kinds[alert.kind]}</span>
                      {alert.memberId !== null && (
                        <strong>{alert.memberName ?? supportText().inbox.noName}</strong>
                      )}
                      {alert.memberNumber && (
                        <span class="small muted mono">
                          {formatMemberNumber(alert.memberNumber)}
                        </span>
                      )}
                      <span class="small muted">{formatDateTime(alert.createdAt, locale())}</span>
                    </p>
                    <p class="pre-wrap">{alert.summary}</p>
                    {alert.resolvedAt !== null && (
                      <p class="small muted">
                        {m.resolvedBy(
                          alert.resolvedBy?.displayName ?? supportText().thread.unknownStaff,
                          formatDateTime(alert.resolvedAt, locale()),
                        )}
                      </p>
                    )}
                    <p class="inline-actions">
                      {alert.conversationId !== null && can('support.inbox') && (
                        <a class="link-button" href={href(`/inbox/${alert.conversationId}`)}>
                          {m.openConversation}
                        </a>
                      )}
                      {alert.memberNumber && can('members.read') && (
                        <a class="link-button" href={href(`/members/${alert.memberNumber}`)}>
                          {m.openMember}
                        </a>
                      )}
                      {alert.kind === 'webhook_parked' && can('webhook.read') && (
                        <a class="link-button" href="#webhook-events">
                          {m.openWebhookEvents}
                        </a>
                      )}
                    </p>
                  </div>
                  {alert.resolvedAt === null && (
                    <button
                      class="btn btn-secondary btn-sm"
                      type="button"
                      disabled={busy === alert.id}
                      onClick={() => void resolve(alert)}
                    >
                      <CheckIcon size={18} />
                      {m.resolve}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )
        ) : page.error ? (
          <ErrorPanel error={page.error} onRetry={page.reload} />
        ) : (
          <span class="skel" style="height:160px" aria-busy="true" />
        )}
        {next && (
          <button class="btn btn-secondary btn-block" type="button" onClick={() => void more()}>
            {supportText().inbox.more}
          </button>
        )}
      </section>
      {can('webhook.read') && <WebhookEventsCard />}
      <AlertPrefsCard />
    </div>
  )
}
