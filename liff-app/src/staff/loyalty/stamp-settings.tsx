import {
  LOYALTY_MODES,
  STAMP_EARN_RULES,
  type CouponTemplateStats,
  type StampCardSettings,
} from '@joren/shared'
import type { JSX } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { useResource } from '../../lib/use-resource.ts'
import { ErrorPanel } from '../components/error-panel.tsx'
import { useStaff } from '../context.ts'
import { loyaltyText } from './messages.ts'

/** Points, stamps or both, and the stamp card's rule and reward (owner edits, others read). */
export function StampSettings() {
  const { api, can, toast } = useStaff()
  const m = loyaltyText().stamps
  const editable = can('loyalty.write')
  const loaded = useResource(
    (signal) => api.get<StampCardSettings>('/api/staff/stamp-card', { signal }),
    'stamp-card',
  )
  const templates = useResource(
    (signal) =>
      can('coupons.issue')
        ? api
            .get<{ templates: CouponTemplateStats[] }>('/api/staff/coupons/templates', { signal })
            .then((r) => r.templates)
        : Promise.resolve([]),
    'coupon-templates',
  )
  const [form, setForm] = useState<StampCardSettings | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    if (loaded.data) setForm(loaded.data)
  }, [loaded.data])

  if (loaded.error && !loaded.data)
    return <ErrorPanel error={loaded.error} onRetry={loaded.reload} />
  if (!form) return <div class="skel" style={{ height: 120 }} />

  const persist = async (next: StampCardSettings) => {
    setBusy(true)
    setError(null)
    try {
      loaded.set(await api.send<StampCardSettings>('PUT', '/api/staff/stamp-card', next))
      toast(loyaltyText().loyalty.saved)
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  const save = (e: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault()
    void persist(form)
  }
  const active = (templates.data ?? []).filter((t) => t.status === 'active')
  const stampsOn = form.mode !== 'points'

  return (
    <form class="card stack" onSubmit={save} data-testid="stamp-settings">
      <h2>{m.title}</h2>
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      <fieldset disabled={!editable} class="stack" style={{ border: 0, padding: 0, margin: 0 }}>
        <label class="field-label" for="stamp-mode">
          {m.mode}
        </label>
        <select
          id="stamp-mode"
          class="input"
          value={form.mode}
          onChange={(e) =>
            setForm({ ...form, mode: e.currentTarget.value as StampCardSettings['mode'] })
          }
        >
          {LOYALTY_MODES.map((mode) => (
            <option key={mode} value={mode}>
              {m.modes[mode]}
            </option>
          ))}
        </select>
        {stampsOn && (
          <>
            <label class="field-label" for="stamp-earn">
              {m.earn}
            </label>
            <select
              id="stamp-earn"
              class="input"
              value={form.earn}
              onChange={(e) =>
                setForm({ ...form, earn: e.currentTarget.value as StampCardSettings['earn'] })
              }
            >
              {STAMP_EARN_RULES.map((earn) => (
                <option key={earn} value={earn}>
                  {m.earns[earn]}
                </option>
              ))}
            </select>
            {form.earn === 'visit' ? (
              <>
                <label class="field-label" for="stamp-per-visit">
                  {m.stampsPerVisit}
                </label>
                <input
                  id="stamp-per-visit"
                  class="input"
                  type="number"
                  min={1}
                  max={10}
                  value={form.stampsPerVisit}
                  onInput={(e) =>
                    setForm({ ...form, stampsPerVisit: Number(e.currentTarget.value) })
                  }
                />
              </>
            ) : (
              <>
                <label class="field-label" for="stamp-yen">
                  {m.yenPerStamp}
                </label>
                <input
                  id="stamp-yen"
                  class="input"
                  type="number"
                  min={1}
                  value={form.yenPerStamp}
                  onInput={(e) => setForm({ ...form, yenPerStamp: Number(e.currentTarget.value) })}
                />
              </>
            )}
            <label class="field-label" for="stamp-goal">
              {m.goal}
            </label>
            <input
              id="stamp-goal"
              class="input"
              type="number"
              min={1}
              max={50}
              value={form.goal}
              onInput={(e) => setForm({ ...form, goal: Number(e.currentTarget.value) })}
            />
            <label class="field-label" for="stamp-reward">
              {m.reward}
            </label>
            <select
              id="stamp-reward"
              class="input"
              value={form.rewardTemplateId === null ? '' : String(form.rewardTemplateId)}
              onChange={(e) =>
                setForm({
                  ...form,
                  rewardTemplateId: e.currentTarget.value ? Number(e.currentTarget.value) : null,
                })
              }
            >
              <option value="">{m.noReward}</option>
              {active.map((t) => (
                <option key={t.id} value={String(t.id)}>
                  {t.title}
                </option>
              ))}
            </select>
            <p class="field-hint">{m.note}</p>
          </>
        )}
        {editable && (
          <button class="btn" type="submit" disabled={busy}>
            {m.save}
          </button>
        )}
      </fieldset>
    </form>
  )
}
