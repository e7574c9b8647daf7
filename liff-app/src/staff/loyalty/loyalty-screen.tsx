import type { EarningRule, LoyaltySettings, ShopSettings, TierInput } from '@joren/shared'
import { ROUNDINGS } from '@joren/shared'
import type { JSX } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { useResource } from '../../lib/use-resource.ts'
import { ErrorPanel } from '../components/error-panel.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { useStaff } from '../context.ts'
import './loyalty.css'
import { loyaltyText } from './messages.ts'
import { StampSettings } from './stamp-settings.tsx'

/** The earning rule and the tier table; the owner edits, others read. */
export default function LoyaltyScreen() {
  const { api, can, toast } = useStaff()
  const m = loyaltyText().loyalty
  const editable = can('loyalty.write')
  const loaded = useResource(
    (signal) => api.get<LoyaltySettings>('/api/staff/loyalty', { signal }),
    'loyalty',
  )
  const shop = useResource(
    (signal) => api.get<ShopSettings>('/api/staff/settings', { signal }),
    'settings',
  )
  const [rule, setRule] = useState<EarningRule | null>(null)
  const [tiers, setTiers] = useState<TierInput[]>([])
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    if (!loaded.data) return
    setRule(loaded.data.rule)
    setTiers(loaded.data.tiers.map(({ id: _id, ...t }) => t))
  }, [loaded.data])

  const save = async (path: string, body: unknown) => {
    setBusy(true)
    setError(null)
    try {
      loaded.set(await api.send<LoyaltySettings>('PUT', path, body))
      toast(m.saved)
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }

  if (loaded.error && !loaded.data)
    return <ErrorPanel error={loaded.error} onRetry={loaded.reload} />
  if (!rule) return <div class="skel" style={{ height: 200 }} />

  const saveRule = (e: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault()
    void save('/api/staff/loyalty/rule', rule)
  }
  const saveTiers = (e: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault()
    void save('/api/staff/loyalty/tiers', { tiers })
  }
  const setTier = (i: number, patch: Partial<TierInput>) =>
    setTiers((list) => list.map((t, j) => (j === i ? { ...t, ...patch } : t)))

  return (
    <div class="stack">
      <PageHeader title={m.title} intro={m.intro} />
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      <StampSettings />
      <form class="card stack" onSubmit={saveRule}>
        <h2>{m.rule}</h2>
        <fieldset disabled={!editable} class="stack" style={{ border: 0, padding: 0, margin: 0 }}>
          <label class="field-label" for="rule-ypp">
            {m.yenPerPoint}
          </label>
          <input
            id="rule-ypp"
            class="input"
            type="number"
            min={1}
            value={rule.yenPerPoint}
            onInput={(e) => setRule({ ...rule, yenPerPoint: Number(e.currentTarget.value) })}
          />
          <label class="field-label" for="rule-rounding">
            {m.rounding}
          </label>
          <select
            id="rule-rounding"
            class="input"
            value={rule.rounding}
            onChange={(e) =>
              setRule({ ...rule, rounding: e.currentTarget.value as EarningRule['rounding'] })
            }
          >
            {ROUNDINGS.map((r) => (
              <option key={r} value={r}>
                {m.roundings[r]}
              </option>
            ))}
          </select>
          <label class="field-label" for="rule-expiry">
            {m.expiryMonths}
          </label>
          <input
            id="rule-expiry"
            class="input"
            type="number"
            min={1}
            max={60}
            value={rule.expiryMonths}
            onInput={(e) => setRule({ ...rule, expiryMonths: Number(e.currentTarget.value) })}
          />
          <span class="field-label">{m.excluded}</span>
          <div class="pick-chips">
            {(shop.data?.categories ?? []).map((c) => {
              const on = rule.excludedCategories.includes(c.id)
              return (
                <button
                  key={c.id}
                  type="button"
                  class="pick-chip"
                  aria-pressed={on}
                  onClick={() =>
                    setRule({
                      ...rule,
                      excludedCategories: on
                        ? rule.excludedCategories.filter((x) => x !== c.id)
                        : [...rule.excludedCategories, c.id],
                    })
                  }
                >
                  {c.label}
                </button>
              )
            })}
          </div>
          {editable && (
            <button class="btn" type="submit" disabled={busy}>
              {m.saveRule}
            </button>
          )}
        </fieldset>
      </form>
      <form class="card stack" onSubmit={saveTiers}>
        <h2>{m.tiers}</h2>
        <fieldset disabled={!editable} class="stack" style={{ border: 0, padding: 0, margin: 0 }}>
          {tiers.map((t, i) => (
            <div class="tier-row" key={i}>
              <label>
                <span class="field-label">{m.tierName}</span>
                <input
                  class="input"
                  value={t.name}
                  onInput={(e) => setTier(i, { name: e.currentTarget.value })}
                />
              </label>
              <label>
                <span class="field-label">{m.minSpend}</span>
                <input
                  class="input"
                  type="number"
                  min={0}
                  value={t.minSpendYen}
                  onInput={(e) => setTier(i, { minSpendYen: Number(e.currentTarget.value) })}
                />
              </label>
              <label>
                <span class="field-label">{m.multiplier}</span>
                <input
                  class="input"
                  type="number"
                  min={100}
                  max={1000}
                  value={t.multiplierPercent}
                  onInput={(e) => setTier(i, { multiplierPercent: Number(e.currentTarget.value) })}
                />
              </label>
              {editable && (
                <button
                  class="btn btn-sm btn-secondary"
                  type="button"
                  onClick={() => setTiers((list) => list.filter((_, j) => j !== i))}
                >
                  {m.removeTier}
                </button>
              )}
            </div>
          ))}
          {editable && (
            <>
              <button
                class="btn btn-secondary"
                type="button"
                onClick={() =>
                  setTiers((list) => [
                    ...list,
                    { name: '', minSpendYen: 0, multiplierPercent: 100 },
                  ])
                }
              >
                {m.addTier}
              </button>
              <button class="btn" type="submit" disabled={busy}>
                {m.saveTiers}
              </button>
            </>
          )}
        </fieldset>
      </form>
    </div>
  )
}
