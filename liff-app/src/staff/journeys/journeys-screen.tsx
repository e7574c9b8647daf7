import type { ContactPolicy, JourneyLift, JourneyList, JourneySummary } from '@joren/shared'
import { useState } from 'preact/hooks'
import { useResource } from '../../lib/use-resource.ts'
import { ConfirmDialog } from '../components/confirm-dialog.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { useStaff } from '../context.ts'
import { href } from '../paths.ts'
import { journeysText } from './messages.ts'

/** Pushes a journey has sent so far (each sent step is one billed message). */
export const sentCount = (journey: JourneySummary) =>
  journey.stepStats.reduce((total, s) => total + s.sent, 0)

/**
 * Every journey (the six templates first, off until switched on): its trigger, on / off, what it
 * costs, and per step entered / sent / skipped by reason / converted; the contact policy above.
 */
export default function JourneysScreen() {
  const { api, can, toast } = useStaff()
  const m = journeysText()
  const list = useResource(
    (signal) => api.get<JourneyList>('/api/staff/journeys', { signal }),
    'journeys',
  )
  const [confirming, setConfirming] = useState<JourneySummary | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const manage = can('broadcasts.send')

  const setEnabled = async (journey: JourneySummary, enabled: boolean) => {
    setBusy(true)
    setError(null)
    try {
      const { journey: next } = await api.send<{ journey: JourneySummary }>(
        'PUT',
        `/api/staff/journeys/${journey.id}/enabled`,
        { enabled },
      )
      if (list.data)
        list.set({ journeys: list.data.journeys.map((j) => (j.id === next.id ? next : j)) })
      toast(enabled ? m.enable.enabled(next.name) : m.enable.disabled(next.name))
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
      setConfirming(null)
    }
  }

  return (
    <div class="stack">
      <PageHeader title={m.title} intro={m.intro}>
        {manage && (
          <a class="btn" href={href('/journeys/new')}>
            {m.editor.newJourney}
          </a>
        )}
      </PageHeader>
      <PolicyCard manage={manage} />
      <section class="card stack jr-cost" aria-labelledby="jr-cost-title">
        <h2 id="jr-cost-title" class="section-title">
          {m.cost.title}
        </h2>
        <p class="muted small">{m.cost.body}</p>
      </section>
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      {list.error && !list.data ? (
        <ErrorPanel error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <div class="card stack" aria-busy="true">
          <span class="skel" style="height:88px" />
          <span class="skel" style="height:88px" />
        </div>
      ) : list.data.journeys.length === 0 ? (
        <p class="card empty">{m.list.empty}</p>
      ) : (
        <ul class="jr-list" data-testid="journey-list">
          {list.data.journeys.map((j) => (
            <JourneyCard
              key={j.id}
              journey={j}
              manage={manage}
              busy={busy}
              onToggle={() => (j.enabled ? void setEnabled(j, false) : setConfirming(j))}
            />
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={confirming !== null}
        title={m.enable.title}
        body={confirming ? m.enable.body(confirming.name, confirming.steps.length) : ''}
        confirmLabel={m.enable.confirm}
        busy={busy}
        onConfirm={() => confirming && void setEnabled(confirming, true)}
        onCancel={() => setConfirming(null)}
      />
    </div>
  )
}

function JourneyCard(props: {
  journey: JourneySummary
  manage: boolean
  busy: boolean
  onToggle(): void
}) {
  const m = journeysText()
  const j = props.journey
  const titleId = `jr-title-${j.id}`
  return (
    <li class="card stack jr-card" data-testid={`journey-${j.templateKey ?? j.id}`}>
      <div class="jr-head">
        <div class="grow stack-sm">
          <h2 id={titleId} class="jr-name">
            {j.name}
          </h2>
          <p class="muted small">
            {[m.trigger(j.trigger), j.templateKey !== null ? m.list.template : null]
              .filter(Boolean)
              .join(' · ')}
          </p>
        </div>
        <label class="jr-switch">
          <input
            type="checkbox"
            role="switch"
            checked={j.enabled}
            aria-checked={j.enabled}
            aria-label={m.list.switchLabel(j.name)}
            disabled={!props.manage || props.busy}
            onClick={(event) => {
              // The server's answer sets the state (switching on asks first).
              event.preventDefault()
              props.onToggle()
            }}
          />
          <span class="jr-switch-track" aria-hidden="true" />
          <span class={j.enabled ? 'jr-on' : 'muted'}>{j.enabled ? m.list.on : m.list.off}</span>
        </label>
      </div>
      {props.manage && (
        <div class="row-actions">
          <a
            class="btn btn-secondary btn-sm"
            href={href(`/journeys/${j.id}/edit`)}
            aria-label={m.editor.editLabel(j.name)}
          >
            {m.editor.edit}
          </a>
        </div>
      )}
      <p class="jr-facts small" data-testid="journey-cost">
        <span>{m.cost.perMember(j.steps.length)}</span>
        <span>{m.cost.sent(sentCount(j))}</span>
      </p>
      <dl class="jr-counts small">
        <div>
          <dt class="muted">{m.list.entered}</dt>
          <dd>{j.entered.toLocaleString('ja-JP')}</dd>
        </div>
        <div>
          <dt class="muted">{m.list.active}</dt>
          <dd>{j.active.toLocaleString('ja-JP')}</dd>
        </div>
        <div>
          <dt class="muted">{m.list.converted}</dt>
          <dd>{j.converted.toLocaleString('ja-JP')}</dd>
        </div>
        {j.holdoutPercent > 0 && (
          <div>
            <dt class="muted">{m.list.heldOut}</dt>
            <dd>
              {j.heldOut.toLocaleString('ja-JP')}（{j.holdoutPercent}%）
            </dd>
          </div>
        )}
      </dl>
      {(j.holdoutPercent > 0 || j.heldOut > 0) && <LiftLine journey={j} />}
      <div class="jr-steps-wrap">
        <table class="jr-steps">
          <caption class="sr-only">{m.steps.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{m.steps.step}</th>
              <th scope="col">{m.steps.wait}</th>
              <th scope="col" class="num">
                {m.steps.entered}
              </th>
              <th scope="col" class="num">
                {m.steps.sent}
              </th>
              <th scope="col">{m.steps.skipped}</th>
              <th scope="col" class="num">
                {m.steps.deferred}
              </th>
              <th scope="col" class="num">
                {m.steps.converted}
              </th>
            </tr>
          </thead>
          <tbody>
            {j.steps.map((step, i) => {
              const stats = j.stepStats[i]
              const skipped = Object.entries(stats?.skipped ?? {})
              return (
                <tr key={i}>
                  <th scope="row">{m.steps.number(i)}</th>
                  <td>{m.wait(step.wait.days, step.wait.hours, step.wait.at)}</td>
                  <td class="num">{stats?.entered ?? 0}</td>
                  <td class="num">{stats?.sent ?? 0}</td>
                  <td>
                    {skipped.length === 0
                      ? '0'
                      : skipped.map(([reason, count]) => (
                          <span key={reason} class="jr-skip">
                            {m.reasons[reason] ?? reason} {count}
                          </span>
                        ))}
                  </td>
                  <td class="num">{stats?.deferred ?? 0}</td>
                  <td class="num">{stats?.converted ?? 0}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
    </li>
  )
}

/** The contact policy: quiet hours in shop time and the weekly cap, changed by senders. */
function PolicyCard({ manage }: { manage: boolean }) {
  const { api, toast } = useStaff()
  const m = journeysText()
  const policy = useResource(
    (signal) => api.get<{ policy: ContactPolicy }>('/api/staff/journeys/policy', { signal }),
    'journey-policy',
  )
  const [draft, setDraft] = useState<ContactPolicy | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [saving, setSaving] = useState(false)

  const save = async (event: Event) => {
    event.preventDefault()
    if (!draft) return
    setSaving(true)
    setError(null)
    try {
      const saved = await api.send<{ policy: ContactPolicy }>(
        'PUT',
        '/api/staff/journeys/policy',
        draft,
      )
      policy.set(saved)
      setDraft(null)
      toast(m.policy.saved)
    } catch (failure) {
      setError(failure)
    } finally {
      setSaving(false)
    }
  }

  const current = policy.data?.policy
  return (
    <section class="card stack" aria-labelledby="jr-policy-title">
      <div class="jr-head">
        <h2 id="jr-policy-title" class="section-title grow">
          {m.policy.title}
        </h2>
        {manage && current && draft === null && (
          <button class="btn btn-secondary" type="button" onClick={() => setDraft(current)}>
            {m.policy.edit}
          </button>
        )}
      </div>
      {policy.error && !current ? (
        <ErrorPanel error={policy.error} onRetry={policy.reload} />
      ) : !current ? (
        <span class="skel" style="height:24px" />
      ) : draft === null ? (
        <div class="stack-sm">
          <p data-testid="journey-policy">
            {m.policy.summary(current.quietStart, current.quietEnd, current.weeklyCap)}
          </p>
          <p class="small muted" data-testid="journey-policy-scope">
            {m.policy.scope}
          </p>
        </div>
      ) : (
        <form class="stack" onSubmit={(e) => void save(e)}>
          <div class="jr-policy-fields">
            <label class="stack-sm">
              <span class="field-label">{m.policy.quietStart}</span>
              <input
                class="input"
                type="time"
                required
                value={draft.quietStart}
                onInput={(e) => setDraft({ ...draft, quietStart: e.currentTarget.value })}
              />
            </label>
            <label class="stack-sm">
              <span class="field-label">{m.policy.quietEnd}</span>
              <input
                class="input"
                type="time"
                required
                value={draft.quietEnd}
                onInput={(e) => setDraft({ ...draft, quietEnd: e.currentTarget.value })}
              />
            </label>
            <label class="stack-sm">
              <span class="field-label">{m.policy.weeklyCap}</span>
              <input
                class="input"
                type="number"
                inputMode="numeric"
                min={0}
                max={50}
                required
                value={draft.weeklyCap}
                onInput={(e) =>
                  setDraft({ ...draft, weeklyCap: Number.parseInt(e.currentTarget.value, 10) || 0 })
                }
              />
            </label>
          </div>
          {error !== null && <ErrorPanel error={error} />}
          <div class="form-actions">
            <button class="btn btn-secondary" type="button" onClick={() => setDraft(null)}>
              {m.policy.cancel}
            </button>
            <button class="btn" type="submit" disabled={saving}>
              {m.policy.save}
            </button>
          </div>
        </form>
      )}
    </section>
  )
}

const pct = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`)
const points = (value: number) => `${value > 0 ? '+' : ''}${(value * 100).toFixed(1)}`
const yen = (value: number) => `${value < 0 ? '−' : '+'}¥${Math.abs(value).toLocaleString('ja-JP')}`

/** Entered vs held out within the goal window (the one lift computation broadcasts use too). */
function LiftLine({ journey }: { journey: JourneySummary }) {
  const { api } = useStaff()
  const m = journeysText()
  const lift = useResource(
    (signal) => api.get<JourneyLift>(`/api/staff/journeys/${journey.id}/lift`, { signal }),
    `lift:${journey.id}:${journey.entered}:${journey.heldOut}:${journey.converted}`,
  )
  const data = lift.data
  return (
    <section class="stack-sm small" aria-label={m.lift.title(journey.goal.days)}>
      <strong>{m.lift.title(journey.goal.days)}</strong>
      {lift.error !== null && !data ? (
        <ErrorPanel error={lift.error} onRetry={lift.reload} />
      ) : !data ? (
        <span class="skel" style="height:20px" />
      ) : data.lift.difference === null ? (
        <span class="muted">{m.lift.none}</span>
      ) : (
        <span data-testid="journey-lift">
          {[
            m.lift.rates(pct(data.entered.conversion), pct(data.heldOut.conversion)),
            data.lift.interval95
              ? m.lift.difference(
                  points(data.lift.difference),
                  points(data.lift.interval95[0]),
                  points(data.lift.interval95[1]),
                )
              : null,
            data.lift.revenuePerMemberYen === null
              ? null
              : m.lift.revenue(yen(data.lift.revenuePerMemberYen)),
          ]
            .filter(Boolean)
            .join(' ・ ')}
        </span>
      )}
    </section>
  )
}
