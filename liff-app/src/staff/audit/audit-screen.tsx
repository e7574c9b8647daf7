import type { AuditEntry, AuditPage } from '@joren/shared'
import { useEffect, useState } from 'preact/hooks'
import { queryString } from '../../lib/api-client.ts'
import { formatDateTime } from '../../lib/format.ts'
import { formatMemberNumber } from '../../lib/member-number.ts'
import { ErrorPanel } from '../components/error-panel.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { useStaff } from '../context.ts'
import { locale, t } from '../messages.ts'
import { href } from '../paths.ts'

/** Who changed what and when, newest first, 50 at a time. */
export default function AuditScreen() {
  const { api } = useStaff()
  const m = t().audit
  const [items, setItems] = useState<AuditEntry[]>([])
  const [next, setNext] = useState<string | null>(null)
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<unknown>(null)

  const load = async (cursor: string | null, signal?: AbortSignal) => {
    setLoading(true)
    setError(null)
    try {
      const page = await api.get<AuditPage>(`/api/staff/audit${queryString({ cursor })}`, {
        signal,
      })
      setItems((shown) => (cursor ? [...shown, ...page.items] : page.items))
      setNext(page.nextCursor)
    } catch (failure) {
      if (!signal?.aborted) setError(failure)
    } finally {
      if (!signal?.aborted) setLoading(false)
    }
  }

  useEffect(() => {
    const controller = new AbortController()
    void load(null, controller.signal)
    return () => controller.abort()
  }, [])

  return (
    <div class="stack">
      <PageHeader title={m.title} intro={m.intro} />
      {items.length === 0 && loading ? (
        <div class="card stack" aria-busy="true">
          <span class="skel" style="height:56px" />
          <span class="skel" style="height:56px" />
          <span class="skel" style="height:56px" />
        </div>
      ) : items.length === 0 && error ? (
        <ErrorPanel error={error} onRetry={() => void load(null)} />
      ) : items.length === 0 ? (
        <p class="empty card">{m.empty}</p>
      ) : (
        <ol class="card rows audit">
          {items.map((entry) => (
            <AuditRow entry={entry} key={entry.id} />
          ))}
        </ol>
      )}
      {items.length > 0 && error !== null && (
        <ErrorPanel error={error} onRetry={() => void load(next)} />
      )}
      {next && items.length > 0 && (
        <div class="list-foot">
          <button
            class="btn btn-secondary"
            type="button"
            disabled={loading}
            onClick={() => void load(next)}
          >
            {loading ? t().loading : t().more}
          </button>
        </div>
      )}
    </div>
  )
}

function AuditRow({ entry }: { entry: AuditEntry }) {
  const m = t().audit
  const changed = entry.before !== null || entry.after !== null
  return (
    <li class="row audit-row">
      <div class="audit-line">
        <time class="muted small" dateTime={new Date(entry.at).toISOString()}>
          {formatDateTime(entry.at, locale())}
        </time>
        <strong>{m.actions[entry.action] ?? entry.action}</strong>
        <span class="muted">
          {entry.staffName ?? m.system} · {m.targets[entry.targetType] ?? entry.targetType}{' '}
          {entry.targetType === 'member' && entry.targetId ? (
            <a href={href(`/members/${entry.targetId}`)}>{formatMemberNumber(entry.targetId)}</a>
          ) : (
            entry.targetId && `#${entry.targetId}`
          )}
        </span>
      </div>
      {changed && (
        <details class="audit-details">
          <summary>{m.details}</summary>
          <div class="audit-diff">
            <div>
              <span class="field-hint">{m.before}</span>
              <pre>{show(entry.before)}</pre>
            </div>
            <div>
              <span class="field-hint">{m.after}</span>
              <pre>{show(entry.after)}</pre>
            </div>
          </div>
        </details>
      )}
    </li>
  )
}

function show(value: unknown): string {
  return value === null || value === undefined ? t().none : JSON.stringify(value, null, 2)
}
