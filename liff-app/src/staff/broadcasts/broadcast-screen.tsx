import type {
  FailedRecipientPage,
  Broadcast,
  BroadcastAttribution,
  BroadcastProgress,
  BroadcastResponse,
  BroadcastResult,
  CouponTemplateStats,
  SegmentListResponse,
} from '@joren/shared'
import { useEffect, useState } from 'preact/hooks'
import { formatDateTime } from '../../lib/format.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ChevronLeftIcon, PencilIcon } from '../../ui/icons.tsx'
import { ConfirmDialog } from '../components/confirm-dialog.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { useStaff } from '../context.ts'
import { locale } from '../messages.ts'
import { href } from '../paths.ts'
import { PauseIcon, PlayIcon, StopIcon } from './icons.tsx'
import { broadcastText } from './messages.ts'
import { ACTIVE, FINISHED, StatusBadge } from './status-badge.tsx'

/** While the engine works, progress is read this often. */
export const POLL_MS = 2000

/** `/broadcasts/:id`: progress while sending, pause / resume / cancel, the report, attribution. */
export default function BroadcastScreen({ params }: { params: Record<string, string> }) {
  const { api, can, toast } = useStaff()
  const m = broadcastText().detail
  const id = Number(params.id)
  const detail = useResource(
    (signal) => api.get<BroadcastResponse>(`/api/staff/broadcasts/${id}`, { signal }),
    `broadcast:${id}`,
  )
  const broadcast = detail.data?.broadcast
  const progress = useProgress(id, broadcast?.status)
  // The progress poll is the fresher source of the status.
  const status = progress?.status ?? broadcast?.status
  const { reload } = detail
  useEffect(() => {
    // A change the poll saw (e.g. sending → done): read the broadcast again, once per status.
    if (progress?.status) reload()
  }, [progress?.status, reload])

  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const [cancelling, setCancelling] = useState(false)
  const act = async (action: 'pause' | 'resume' | 'cancel', done: string) => {
    setBusy(true)
    setError(null)
    try {
      const next = await api.send<BroadcastResponse>(
        'POST',
        `/api/staff/broadcasts/${id}/${action}`,
      )
      detail.set(next)
      toast(done)
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }

  const back = (
    <a class="back-link" href={href('/broadcasts')}>
      <ChevronLeftIcon size={20} />
      {m.back}
    </a>
  )
  if (detail.error && !broadcast) {
    return (
      <div class="stack">
        {back}
        <ErrorPanel error={detail.error} onRetry={detail.reload} />
      </div>
    )
  }
  if (!broadcast || !status) {
    return (
      <div class="stack" aria-busy="true">
        {back}
        <span class="skel skel-title" style="width:40%" />
        <span class="skel" style="height:200px" />
      </div>
    )
  }

  const sendAllowed = can('broadcasts.send')
  const finished = FINISHED.includes(status)
  // Planning (freezing the audience) comes before startedAt: show progress from then on.
  const started =
    broadcast.startedAt !== null ||
    progress?.startedAt != null ||
    ACTIVE.includes(status) ||
    status === 'paused'
  return (
    <div class="stack">
      {back}
      <PageHeader title={broadcast.title}>
        <StatusBadge status={status} />
        {sendAllowed && (status === 'draft' || status === 'scheduled') && (
          <a class="btn btn-secondary" href={href(`/broadcasts/${id}/edit`)}>
            <PencilIcon size={20} />
            {m.edit}
          </a>
        )}
      </PageHeader>
      {broadcast.scheduledAt !== null && status === 'scheduled' && (
        <p class="card">{m.scheduledFor(formatDateTime(broadcast.scheduledAt, locale()))}</p>
      )}
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}

      {started && progress && <ProgressCard progress={progress} />}

      {sendAllowed && !finished && status !== 'draft' && (
        <div class="bc-actions bc-controls">
          {/* Planning runs in the background after the send; only sending can be paused. */}
          {status === 'sending' && (
            <button
              class="btn btn-secondary"
              type="button"
              disabled={busy}
              onClick={() => void act('pause', m.paused)}
            >
              <PauseIcon size={20} />
              {m.pause}
            </button>
          )}
          {status === 'paused' && (
            <button
              class="btn"
              type="button"
              disabled={busy}
              onClick={() => void act('resume', m.resumed)}
            >
              <PlayIcon size={20} />
              {m.resume}
            </button>
          )}
          <button
            class="btn btn-danger"
            type="button"
            disabled={busy}
            onClick={() => setCancelling(true)}
          >
            <StopIcon size={20} />
            {m.cancel}
          </button>
        </div>
      )}

      {finished && started && <ResultCard id={id} status={status} />}
      {started && <AttributionCard id={id} finished={finished} />}
      <ContentCard broadcast={broadcast} />

      <ConfirmDialog
        open={cancelling}
        title={m.cancelTitle}
        body={m.cancelBody}
        confirmLabel={m.cancel}
        busy={busy}
        onConfirm={() => {
          setCancelling(false)
          void act('cancel', m.cancelled)
        }}
        onCancel={() => setCancelling(false)}
      />
    </div>
  )
}

/** Reads progress now, then every POLL_MS while the broadcast is being sent. */
function useProgress(id: number, status: Broadcast['status'] | undefined) {
  const { api } = useStaff()
  const [progress, setProgress] = useState<BroadcastProgress | null>(null)
  const live = progress?.status ?? status
  const polling = live !== undefined && (ACTIVE.includes(live) || live === 'scheduled')
  useEffect(() => {
    if (status === undefined || status === 'draft') return
    const controller = new AbortController()
    let timer: ReturnType<typeof setTimeout> | undefined
    const read = () => {
      api
        .get<BroadcastProgress>(`/api/staff/broadcasts/${id}/progress`, {
          signal: controller.signal,
        })
        .then(
          (next) => {
            if (controller.signal.aborted) return
            setProgress(next)
            if (ACTIVE.includes(next.status) || next.status === 'scheduled')
              timer = setTimeout(read, POLL_MS)
          },
          () => {
            if (!controller.signal.aborted) timer = setTimeout(read, POLL_MS * 2)
          },
        )
    }
    read()
    return () => {
      controller.abort()
      clearTimeout(timer)
    }
    // Restart when polling stops or starts (pause → resume), not on every answer.
  }, [api, id, status, polling])
  return progress
}

function ProgressCard({ progress }: { progress: BroadcastProgress }) {
  const m = broadcastText()
  const d = m.detail
  const r = progress.recipients
  const toSend = r.total - r.holdout
  const done = r.sent + r.failed
  const sending = ACTIVE.includes(progress.status)
  const planning = progress.status === 'planning'
  const rows: [string, number, string][] = [
    [d.queued, r.queued, 'queued'],
    [d.sending, r.sending, 'sending'],
    [d.sent, r.sent, 'sent'],
    [d.failed, r.failed, 'failed'],
    [d.holdout, r.holdout, 'holdout'],
  ]
  return (
    <section
      class="card stack"
      aria-labelledby="bc-progress-title"
      data-testid="broadcast-progress"
    >
      <h2 id="bc-progress-title" class="section-title">
        {d.progress}
      </h2>
      <div class="stack-sm">
        {planning ? (
          // No value: indeterminate, the audience is still being frozen.
          <progress class="bc-progress" aria-label={d.planning} />
        ) : (
          <progress
            class="bc-progress"
            max={Math.max(toSend, 1)}
            value={done}
            aria-label={d.progressLabel(r.sent, toSend)}
          />
        )}
        <p class="bc-progress-text" aria-live="polite" data-testid="progress-text">
          {planning ? d.planning : d.progressLabel(r.sent, toSend)}
        </p>
        {(sending || planning) && <p class="muted small">{d.live}</p>}
      </div>
      {!planning && (
        <>
          <dl class="bc-tiles">
            {rows.map(([label, value, key]) => (
              <div key={key} class={`bc-tile bc-tile-${key}`} data-testid={`progress-${key}`}>
                <dt>{label}</dt>
                <dd>{m.count(value)}</dd>
              </div>
            ))}
            <div class="bc-tile">
              <dt>{d.total}</dt>
              <dd>{m.count(r.total)}</dd>
            </div>
          </dl>
          <p class="muted small">
            {d.chunks(
              progress.chunks.sent,
              progress.chunks.total,
              progress.chunks.multicast,
              progress.chunks.push,
            )}
          </p>
        </>
      )}
      {progress.error && (
        <p class="bc-warning" role="alert">
          {progress.error}
        </p>
      )}
    </section>
  )
}

function ResultCard({ id, status }: { id: number; status: string }) {
  const { api } = useStaff()
  const m = broadcastText()
  const d = m.detail
  const result = useResource(
    (signal) => api.get<BroadcastResult>(`/api/staff/broadcasts/${id}/result`, { signal }),
    `result:${id}:${status}`,
  )
  if (result.error && !result.data)
    return <ErrorPanel error={result.error} onRetry={result.reload} />
  if (!result.data) return <span class="skel" style="height:160px" />
  const r = result.data
  return (
    <section class="card stack" aria-labelledby="bc-result-title" data-testid="broadcast-result">
      <h2 id="bc-result-title" class="section-title">
        {d.result}
      </h2>
      <dl class="bc-facts">
        <div>
          <dt>{d.accepted}</dt>
          <dd data-testid="result-accepted">{m.count(r.accepted)}</dd>
        </div>
        <div>
          <dt>{d.failedTotal}</dt>
          <dd data-testid="result-failed">{m.count(r.failed)}</dd>
        </div>
        <div>
          <dt>{d.holdout}</dt>
          <dd data-testid="result-holdout">{m.count(r.holdout)}</dd>
        </div>
        {r.notSent > 0 && (
          <div>
            <dt>{d.notSent}</dt>
            <dd>{m.count(r.notSent)}</dd>
          </div>
        )}
        <div>
          <dt>{d.couponsIssued}</dt>
          <dd data-testid="result-coupons">{r.couponsIssued.toLocaleString()}</dd>
        </div>
        {r.line === null ? (
          <div>
            <dt>{d.lineOpened}</dt>
            <dd class="muted" data-testid="result-line-opened">
              {d.lineNotPolled}
            </dd>
          </div>
        ) : (
          <>
            <div>
              <dt>{d.lineOpened}</dt>
              <dd data-testid="result-line-opened">
                {r.line.opened === null ? d.lineFewerThan20 : m.count(r.line.opened)}
                <span class="muted small">
                  {' '}
                  {d.lineAsOf(formatDateTime(r.line.reportedAt, locale()))}
                </span>
              </dd>
            </div>
            <div>
              <dt>{d.lineClicked}</dt>
              <dd data-testid="result-line-clicked">
                {r.line.clicked === null ? d.lineFewerThan20 : m.count(r.line.clicked)}
              </dd>
            </div>
          </>
        )}
        {r.startedAt !== null && (
          <div>
            <dt>{d.startedAt}</dt>
            <dd>{formatDateTime(r.startedAt, locale())}</dd>
          </div>
        )}
        {r.finishedAt !== null && (
          <div>
            <dt>{d.finishedAt}</dt>
            <dd>{formatDateTime(r.finishedAt, locale())}</dd>
          </div>
        )}
      </dl>
      {r.failures.length > 0 && (
        <div class="stack-sm">
          <h3 class="field-label">{d.reasons}</h3>
          <ul class="bc-reasons">
            {r.failures.map((f) => (
              <li key={f.reason}>
                <span class="grow">{f.reason}</span>
                <strong>{m.count(f.recipients)}</strong>
              </li>
            ))}
          </ul>
        </div>
      )}
      {r.failed > 0 && <FailedRecipients id={id} key={`${id}:${status}`} />}
    </section>
  )
}

/** Who did not get it and why (LINE's reason in Japanese), a page at a time. */
function FailedRecipients({ id }: { id: number }) {
  const { api } = useStaff()
  const d = broadcastText().detail
  const [items, setItems] = useState<FailedRecipientPage['items']>([])
  const [cursor, setCursor] = useState<string | null | undefined>(undefined)
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const load = async (after?: string) => {
    setBusy(true)
    try {
      const query = after ? `?cursor=${encodeURIComponent(after)}` : ''
      const page = await api.get<FailedRecipientPage>(
        `/api/staff/broadcasts/${id}/failed-recipients${query}`,
      )
      setItems((list) => (after ? [...list, ...page.items] : page.items))
      setCursor(page.nextCursor)
      setError(null)
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }
  useEffect(() => {
    void load()
  }, [id])
  if (error && items.length === 0) return <ErrorPanel error={error} onRetry={() => void load()} />
  return (
    <div class="stack-sm" data-testid="failed-recipients">
      <h3 class="field-label">{d.failedRecipients}</h3>
      <div class="bc-failed-scroll">
        <table class="bc-failed">
          <thead>
            <tr>
              <th scope="col">{d.failedMember}</th>
              <th scope="col">{d.failedReason}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.memberId}>
                <td>
                  <a href={href(`/members/${r.memberNumber}`)}>{r.memberName ?? r.memberNumber}</a>
                  <div class="small muted">{r.memberNumber}</div>
                </td>
                <td>{r.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {cursor && (
        <button
          class="btn btn-secondary btn-sm"
          type="button"
          disabled={busy}
          onClick={() => void load(cursor)}
        >
          {d.failedMore}
        </button>
      )}
    </div>
  )
}

function AttributionCard({ id, finished }: { id: number; finished: boolean }) {
  const { api } = useStaff()
  const m = broadcastText()
  const d = m.detail
  const attribution = useResource(
    (signal) =>
      api.get<BroadcastAttribution>(`/api/staff/broadcasts/${id}/attribution`, { signal }),
    `attribution:${id}:${finished}`,
  )
  const a = attribution.data
  return (
    <section class="card stack" aria-labelledby="bc-attr-title" data-testid="broadcast-attribution">
      <h2 id="bc-attr-title" class="section-title">
        {d.attribution}
      </h2>
      {attribution.error && !a ? (
        <ErrorPanel error={attribution.error} onRetry={attribution.reload} />
      ) : !a ? (
        <span class="skel" style="height:120px" />
      ) : (
        <>
          <p class="muted small">
            {a.windowStart !== null && a.windowEnd !== null
              ? d.attributionWindow(
                  formatDateTime(a.windowStart, locale()),
                  formatDateTime(a.windowEnd, locale()),
                  a.days,
                )
              : d.attributionPending}
          </p>
          <div class="bc-table-wrap">
            <table class="bc-table">
              <thead>
                <tr>
                  <th scope="col">{d.group}</th>
                  <th scope="col">{d.members}</th>
                  <th scope="col">{d.purchasers}</th>
                  <th scope="col">{d.purchases}</th>
                  <th scope="col">{d.revenue}</th>
                  <th scope="col">{d.conversion}</th>
                </tr>
              </thead>
              <tbody>
                {(
                  [
                    [d.groupRecipients, a.recipients, 'recipients'],
                    [d.groupHoldout, a.holdout, 'holdout'],
                  ] as const
                ).map(([label, g, key]) => (
                  <tr key={key} data-testid={`attribution-${key}`}>
                    <th scope="row">{label}</th>
                    <td>{m.count(g.members)}</td>
                    <td>{m.count(g.purchasers)}</td>
                    <td>{g.purchases.toLocaleString()}</td>
                    <td>{m.yen(g.revenueYen)}</td>
                    <td>{g.conversion === null ? '—' : m.percent(g.conversion)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p data-testid="attribution-coupons">
            {d.couponsRedeemed(a.coupons.redeemed, a.coupons.issued)}
          </p>
          {a.lift === null ? (
            <p class="muted small">{d.noHoldout}</p>
          ) : (
            <dl class="bc-facts">
              <div>
                <dt>{d.lift}</dt>
                <dd data-testid="attribution-lift">
                  <strong>{m.points(a.lift)}</strong>
                </dd>
              </div>
              {a.liftInterval95 !== null && (
                <div>
                  <dt>{d.liftInterval}</dt>
                  <dd data-testid="attribution-lift-interval">
                    {`${m.points(a.liftInterval95[0])} 〜 ${m.points(a.liftInterval95[1])}`}
                  </dd>
                </div>
              )}
              {a.relativeLift !== null && (
                <div>
                  <dt>{d.relativeLift}</dt>
                  <dd>{`${a.relativeLift >= 0 ? '+' : ''}${m.percent(a.relativeLift)}`}</dd>
                </div>
              )}
            </dl>
          )}
        </>
      )}
    </section>
  )
}

function ContentCard({ broadcast }: { broadcast: Broadcast }) {
  const { api } = useStaff()
  const m = broadcastText()
  const d = m.detail
  const k = m.composer.kinds
  const couponId = broadcast.messages.find((x) => x.type === 'coupon')
  const templates = useResource(
    (signal) =>
      couponId
        ? api.get<{ templates: CouponTemplateStats[] }>('/api/staff/coupons/templates', { signal })
        : Promise.resolve({ templates: [] }),
    `templates:${couponId ? 1 : 0}`,
  )
  const segmentId = broadcast.audience.kind === 'segment' ? broadcast.audience.segmentId : null
  const segments = useResource(
    (signal) =>
      segmentId === null
        ? Promise.resolve({ segments: [] })
        : api.get<SegmentListResponse>('/api/staff/segments', { signal }),
    `segments:${segmentId}`,
  )
  const segmentName = segments.data?.segments.find((s) => s.id === segmentId)?.name
  const audience =
    broadcast.audience.kind === 'members'
      ? m.audienceKind.members(broadcast.audience.memberNumbers.length)
      : broadcast.audience.kind === 'all'
        ? m.audienceKind.all
        : segmentName
          ? m.audienceKind.segmentNamed(segmentName)
          : m.audienceKind.segment
  return (
    <section class="card stack-sm" aria-labelledby="bc-content-title">
      <h2 id="bc-content-title" class="section-title">
        {d.messages}
      </h2>
      <ol class="bc-summary-list">
        {broadcast.messages.map((message, index) => (
          <li key={index}>
            <span class="chip-sm">{k[message.type]}</span>{' '}
            {message.type === 'text'
              ? message.text
              : message.type === 'image'
                ? message.originalContentUrl
                : (templates.data?.templates.find((t) => t.id === message.templateId)?.title ??
                  `#${message.templateId}`)}
          </li>
        ))}
      </ol>
      <p>
        <span class="muted">{d.audience}: </span>
        {audience}
      </p>
    </section>
  )
}
