import type {
  CouponTemplateStats,
  ReferralReward,
  ReferralSettings,
  ReferralStats,
  ReferralStatus,
  StaffReferralRow,
} from '@joren/shared'
import { REFERRAL_QUALIFY_ON } from '@joren/shared'
import type { JSX } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { staffReferralsEn } from '../../i18n/staff-referrals-en.ts'
import { staffReferralsJa, type StaffReferralsMessages } from '../../i18n/staff-referrals-ja.ts'
import { queryString } from '../../lib/api-client.ts'
import { formatDateTime } from '../../lib/format.ts'
import { formatMemberNumber } from '../../lib/member-number.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ErrorPanel } from '../components/error-panel.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { useStaff } from '../context.ts'
import { locale } from '../messages.ts'
import { href } from '../paths.ts'
import './referrals.css'

const text = (): StaffReferralsMessages => (locale() === 'en' ? staffReferralsEn : staffReferralsJa)

const STATUSES: readonly ReferralStatus[] = [
  'claimed',
  'joined',
  'qualified',
  'refused',
  'reversed',
  'flagged',
]

const BADGE: Record<ReferralStatus, string> = {
  claimed: 'badge badge-gray',
  joined: 'badge badge-gray',
  qualified: 'badge badge-green',
  refused: 'badge badge-red',
  reversed: 'badge badge-red',
  flagged: 'badge badge-red',
}

/**
 * 友だち紹介 in the console: the program's settings (owner / admin), its figures (totals, top
 * referrers, referrals per month) and every referral with its status and, when refused, why.
 */
export default function ReferralsScreen() {
  const m = text()
  return (
    <div class="stack referrals">
      <PageHeader title={m.title} intro={m.intro} />
      <SettingsForm m={m} />
      <Figures m={m} />
      <ReferralList m={m} />
    </div>
  )
}

function SettingsForm({ m }: { m: StaffReferralsMessages }) {
  const { api, can, toast } = useStaff()
  const editable = can('referrals.manage')
  const loaded = useResource(
    (signal) => api.get<ReferralSettings>('/api/staff/referrals/settings', { signal }),
    'referral-settings',
  )
  const templates = useResource(
    (signal) =>
      editable && can('coupons.manage')
        ? api
            .get<{ templates: CouponTemplateStats[] }>('/api/staff/coupons/templates', { signal })
            .then((r) => r.templates.filter((t) => t.status === 'active'))
        : Promise.resolve([]),
    'referral-templates',
  )
  const [form, setForm] = useState<ReferralSettings | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  useEffect(() => {
    if (loaded.data) setForm(loaded.data)
  }, [loaded.data])

  if (loaded.error && !loaded.data)
    return <ErrorPanel error={loaded.error} onRetry={loaded.reload} />
  if (!form) return <div class="skel" style={{ height: 240 }} />

  const save = async (e: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      loaded.set(await api.send<ReferralSettings>('PUT', '/api/staff/referrals/settings', form))
      toast(m.saved)
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  const list = templates.data ?? []

  return (
    <form class="card stack" onSubmit={(e) => void save(e)} aria-label={m.settings}>
      <h2>{m.settings}</h2>
      {!editable && <p class="muted">{m.readOnly}</p>}
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      <fieldset disabled={!editable} class="stack plain-fieldset">
        <label class="check-line">
          <input
            type="checkbox"
            checked={form.enabled}
            onChange={(e) => setForm({ ...form, enabled: e.currentTarget.checked })}
          />
          {m.enabled}
        </label>
        <label class="field-label" for="referral-qualify">
          {m.qualifyOn}
        </label>
        <select
          id="referral-qualify"
          class="input"
          value={form.qualifyOn}
          onChange={(e) =>
            setForm({ ...form, qualifyOn: e.currentTarget.value as ReferralSettings['qualifyOn'] })
          }
        >
          {REFERRAL_QUALIFY_ON.map((q) => (
            <option key={q} value={q}>
              {m.qualifyOnOptions[q]}
            </option>
          ))}
        </select>
        <RewardField
          id="referrer"
          legend={m.referrerReward}
          value={form.referrerReward}
          templates={list}
          m={m}
          onChange={(referrerReward) => setForm({ ...form, referrerReward })}
        />
        <RewardField
          id="newcomer"
          legend={m.newcomerReward}
          value={form.newcomerReward}
          templates={list}
          m={m}
          onChange={(newcomerReward) => setForm({ ...form, newcomerReward })}
        />
        <label class="field-label" for="referral-cap">
          {m.monthlyCap}
        </label>
        <input
          id="referral-cap"
          class="input"
          type="number"
          min={1}
          max={1000}
          value={form.monthlyCap}
          onInput={(e) => setForm({ ...form, monthlyCap: Number(e.currentTarget.value) })}
        />
        <label class="check-line">
          <input
            type="checkbox"
            checked={form.notify}
            onChange={(e) => setForm({ ...form, notify: e.currentTarget.checked })}
          />
          {m.notify}
        </label>
        <p class="muted">{m.notifyCost}</p>
        <fieldset class="stack plain-fieldset">
          <legend class="field-label">{m.card}</legend>
          <label class="field-label" for="referral-card-title">
            {m.cardTitle}
          </label>
          <input
            id="referral-card-title"
            class="input"
            maxLength={40}
            value={form.card.title}
            onInput={(e) =>
              setForm({ ...form, card: { ...form.card, title: e.currentTarget.value } })
            }
          />
          <label class="field-label" for="referral-card-text">
            {m.cardText}
          </label>
          <textarea
            id="referral-card-text"
            class="input"
            rows={3}
            maxLength={160}
            value={form.card.text}
            onInput={(e) =>
              setForm({ ...form, card: { ...form.card, text: e.currentTarget.value } })
            }
          />
          <label class="field-label" for="referral-card-image">
            {m.cardImage}
          </label>
          <input
            id="referral-card-image"
            class="input"
            type="url"
            value={form.card.imageUrl ?? ''}
            onInput={(e) =>
              setForm({
                ...form,
                card: { ...form.card, imageUrl: e.currentTarget.value.trim() || null },
              })
            }
          />
        </fieldset>
        {editable && (
          <button class="btn" type="submit" disabled={busy}>
            {m.save}
          </button>
        )}
      </fieldset>
    </form>
  )
}

function RewardField(props: {
  id: string
  legend: string
  value: ReferralReward
  templates: CouponTemplateStats[]
  m: StaffReferralsMessages
  onChange(next: ReferralReward): void
}) {
  const { id, legend, value, templates, m, onChange } = props
  const first = templates[0]
  return (
    <fieldset class="stack plain-fieldset">
      <legend class="field-label">{legend}</legend>
      <div class="referral-kinds" role="radiogroup" aria-label={legend}>
        {(['points', 'coupon'] as const).map((kind) => (
          <label key={kind} class="check-line">
            <input
              type="radio"
              name={`reward-${id}`}
              checked={value.kind === kind}
              disabled={kind === 'coupon' && !first && value.kind !== 'coupon'}
              onChange={() =>
                onChange(
                  kind === 'points' ? { kind, points: 100 } : { kind, templateId: first?.id ?? 0 },
                )
              }
            />
            {m.rewardKind[kind]}
          </label>
        ))}
      </div>
      {value.kind === 'points' ? (
        <>
          <label class="field-label" for={`reward-${id}-points`}>
            {m.points}
          </label>
          <input
            id={`reward-${id}-points`}
            class="input"
            type="number"
            min={1}
            value={value.points}
            onInput={(e) => onChange({ kind: 'points', points: Number(e.currentTarget.value) })}
          />
        </>
      ) : (
        <>
          <label class="field-label" for={`reward-${id}-template`}>
            {m.template}
          </label>
          <select
            id={`reward-${id}-template`}
            class="input"
            value={String(value.templateId)}
            onChange={(e) =>
              onChange({ kind: 'coupon', templateId: Number(e.currentTarget.value) })
            }
          >
            {!templates.some((t) => t.id === value.templateId) && (
              <option value={String(value.templateId)}>#{value.templateId}</option>
            )}
            {templates.map((t) => (
              <option key={t.id} value={String(t.id)}>
                {t.title}
              </option>
            ))}
          </select>
          {templates.length === 0 && <p class="muted small">{m.noTemplates}</p>}
        </>
      )}
    </fieldset>
  )
}

function Figures({ m }: { m: StaffReferralsMessages }) {
  const { api } = useStaff()
  const stats = useResource(
    (signal) => api.get<ReferralStats>('/api/staff/referrals/stats', { signal }),
    'referral-stats',
  )
  if (stats.error && !stats.data) return <ErrorPanel error={stats.error} onRetry={stats.reload} />
  const data = stats.data
  if (!data) return <div class="skel" style={{ height: 160 }} />
  const peak = Math.max(1, ...data.conversions.map((c) => c.claimed))
  return (
    <section class="card stack" aria-label={m.figures}>
      <h2>{m.figures}</h2>
      <dl class="referral-totals" data-testid="referral-totals">
        {(['claimed', 'joined', 'qualified', 'refused'] as const).map((k) => (
          <div key={k}>
            <dt>{m.totals[k]}</dt>
            <dd>{data.totals[k]}</dd>
          </div>
        ))}
      </dl>
      <h3>{m.conversions}</h3>
      {data.conversions.length === 0 ? (
        <p class="muted">{m.noConversions}</p>
      ) : (
        <table class="referral-months">
          <thead>
            <tr>
              <th scope="col">{m.month}</th>
              <th scope="col">{m.claimedCol}</th>
              <th scope="col">{m.qualifiedCol}</th>
            </tr>
          </thead>
          <tbody>
            {data.conversions.map((c) => (
              <tr key={c.month}>
                <th scope="row">{c.month}</th>
                <td>
                  <span class="referral-count">{c.claimed}</span>
                  <span class="referral-bar" style={{ width: `${(c.claimed / peak) * 80}%` }} />
                </td>
                <td>
                  <span class="referral-count">{c.qualified}</span>
                  <span
                    class="referral-bar referral-bar-green"
                    style={{ width: `${(c.qualified / peak) * 80}%` }}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{m.top}</h3>
      {data.topReferrers.length === 0 ? (
        <p class="muted">{m.noConversions}</p>
      ) : (
        <ol class="rows" data-testid="top-referrers">
          {data.topReferrers.map((r) => (
            <li class="row" key={r.memberNumber}>
              <a class="grow" href={href(`/members/${r.memberNumber}`)}>
                {r.displayName ?? formatMemberNumber(r.memberNumber)}
              </a>
              <strong>{m.qualifiedCount(r.qualified)}</strong>
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}

function ReferralList({ m }: { m: StaffReferralsMessages }) {
  const { api } = useStaff()
  const [status, setStatus] = useState<ReferralStatus | undefined>(undefined)
  const list = useResource(
    (signal) =>
      api.get<StaffReferralRow[]>(`/api/staff/referrals${queryString({ status })}`, { signal }),
    `referrals-${status ?? 'all'}`,
  )
  const at = (ms: number) => formatDateTime(ms, locale())
  const none = '—'
  return (
    <section class="stack" aria-label={m.list}>
      <h2>{m.list}</h2>
      <div class="referral-filter">
        {[undefined, ...STATUSES].map((s) => (
          <button
            key={s ?? 'all'}
            type="button"
            class="referral-chip"
            aria-pressed={s === status}
            onClick={() => setStatus(s)}
          >
            {s ? m.status[s] : m.filterAll}
          </button>
        ))}
      </div>
      {list.error !== null && <ErrorPanel error={list.error} onRetry={list.reload} />}
      {list.data &&
        (list.data.length === 0 ? (
          <p class="muted">{m.empty}</p>
        ) : (
          <ul class="rows card" data-testid="referral-rows">
            {list.data.map((r) => (
              <li class="row" key={r.id}>
                <div class="grow">
                  <span class={BADGE[r.status]}>{m.status[r.status]}</span>{' '}
                  <span>
                    {m.referrer}:{' '}
                    <a href={href(`/members/${r.referrer.memberNumber}`)}>
                      {r.referrer.displayName ?? formatMemberNumber(r.referrer.memberNumber)}
                    </a>
                    {' → '}
                    {m.newcomer}:{' '}
                    {r.newcomer.memberNumber ? (
                      <a href={href(`/members/${r.newcomer.memberNumber}`)}>
                        {r.newcomer.displayName ?? formatMemberNumber(r.newcomer.memberNumber)}
                      </a>
                    ) : (
                      m.pending
                    )}
                  </span>
                  <div class="muted small">
                    {m.claimedAt(at(r.claimedAt))}
                    {r.qualifiedAt !== null && ` · ${m.qualifiedAt(at(r.qualifiedAt))}`}
                    {(r.referrerReward || r.newcomerReward) &&
                      ` · ${m.rewards(r.referrerReward?.label ?? none, r.newcomerReward?.label ?? none)}`}
                  </div>
                  {r.reasonText && (
                    <div class="referral-reason">
                      {m.reason}: {r.reasonText}
                    </div>
                  )}
                </div>
              </li>
            ))}
          </ul>
        ))}
    </section>
  )
}
