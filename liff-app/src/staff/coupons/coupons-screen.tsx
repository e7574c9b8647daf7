import {
  COUPON_KINDS,
  type CouponKind,
  type CouponTemplateStats,
  type WelcomeCouponSetting,
} from '@joren/shared'
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { useResource } from '../../lib/use-resource.ts'
import { ConfirmDialog } from '../components/confirm-dialog.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { useStaff } from '../context.ts'
import { couponText } from './coupon-messages.ts'

interface Form {
  kind: CouponKind
  title: string
  conditions: string
  imageUrl: string
  value: string
  validity: 'days' | 'window'
  validDays: string
  validFrom: string
  validUntil: string
  totalLimit: string
  perMemberLimit: string
  pointsCost: string
}

const EMPTY: Form = {
  kind: 'yen_off',
  title: '',
  conditions: '',
  imageUrl: '',
  value: '',
  validity: 'days',
  validDays: '30',
  validFrom: '',
  validUntil: '',
  totalLimit: '',
  perMemberLimit: '1',
  pointsCost: '',
}

const num = (value: string) => (value.trim() === '' ? null : Number(value))
/** A date typed in the shop's zone (Asia/Tokyo, UTC+9) as epoch ms. */
const jstDay = (date: string, endOfDay = false) =>
  Date.parse(`${date}T${endOfDay ? '23:59:59' : '00:00:00'}+09:00`)

function toForm(t: CouponTemplateStats): Form {
  return {
    ...EMPTY,
    kind: t.kind,
    title: t.title,
    conditions: t.conditions ?? '',
    imageUrl: t.imageUrl ?? '',
    value: t.value === null ? '' : String(t.value),
    totalLimit: t.totalLimit === null ? '' : String(t.totalLimit),
    perMemberLimit: String(t.perMemberLimit),
    pointsCost: t.pointsCost === null ? '' : String(t.pointsCost),
  }
}

function createBody(f: Form) {
  const hasValue = f.kind === 'yen_off' || f.kind === 'percent_off'
  return {
    kind: f.kind,
    title: f.title,
    conditions: f.conditions.trim() || null,
    imageUrl: f.imageUrl.trim() || null,
    value: hasValue ? num(f.value) : null,
    totalLimit: num(f.totalLimit),
    perMemberLimit: Number(f.perMemberLimit || '1'),
    pointsCost: num(f.pointsCost),
    ...(f.validity === 'days'
      ? { validity: 'days', validDays: Number(f.validDays) }
      : {
          validity: 'window',
          validFrom: jstDay(f.validFrom),
          validUntil: jstDay(f.validUntil, true),
        }),
  }
}

function editBody(f: Form, locked: boolean) {
  const {
    validity: _v,
    validDays: _d,
    validFrom: _f,
    validUntil: _u,
    kind,
    value,
    ...rest
  } = createBody(f) as ReturnType<typeof createBody> & Record<string, unknown>
  return locked ? rest : { ...rest, kind, value }
}

function TemplateForm(props: {
  initial: Form
  editing: boolean
  locked: boolean
  onSave(form: Form): Promise<void>
  onCancel?(): void
}) {
  const m = couponText()
  const [form, setForm] = useState(props.initial)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const set =
    (key: keyof Form) =>
    (e: JSX.TargetedEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) =>
      setForm((f) => ({ ...f, [key]: e.currentTarget.value }))
  const submit = async (e: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await props.onSave(form)
      if (!props.editing) setForm(EMPTY)
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  const field = (
    key: keyof Form,
    label: string,
    type = 'text',
    extra: Record<string, unknown> = {},
  ) => (
    <label class="stack-sm">
      <span class="field-label">{label}</span>
      <input class="input" type={type} value={form[key]} onInput={set(key)} {...extra} />
    </label>
  )
  return (
    <form class="card stack" onSubmit={(e) => void submit(e)} noValidate>
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      <label class="stack-sm">
        <span class="field-label">{m.kind}</span>
        <select class="input" value={form.kind} onChange={set('kind')} disabled={props.locked}>
          {COUPON_KINDS.map((k) => (
            <option key={k} value={k}>
              {m.kinds[k]}
            </option>
          ))}
        </select>
      </label>
      {props.locked && <p class="field-hint">{m.kindLocked}</p>}
      {field('title', m.titleLabel, 'text', { required: true, maxLength: 60 })}
      {(form.kind === 'yen_off' || form.kind === 'percent_off') &&
        field('value', m.value(form.kind), 'number', { min: 1, disabled: props.locked })}
      <label class="stack-sm">
        <span class="field-label">{m.conditions}</span>
        <textarea class="input" rows={3} value={form.conditions} onInput={set('conditions')} />
      </label>
      {field('imageUrl', m.imageUrl, 'url')}
      {!props.editing && (
        <fieldset class="stack-sm">
          <legend class="field-label">{m.validity}</legend>
          <select class="input" value={form.validity} onChange={set('validity')}>
            <option value="days">{m.validityDays}</option>
            <option value="window">{m.validityWindow}</option>
          </select>
          {form.validity === 'days'
            ? field('validDays', m.validDays, 'number', { min: 1 })
            : [field('validFrom', m.validFrom, 'date'), field('validUntil', m.validUntil, 'date')]}
        </fieldset>
      )}
      {field('totalLimit', m.totalLimit, 'number', { min: 1 })}
      {field('perMemberLimit', m.perMemberLimit, 'number', { min: 1 })}
      {field('pointsCost', m.pointsCost, 'number', { min: 1 })}
      <div class="row">
        <button class="btn" type="submit" disabled={busy}>
          {props.editing ? m.save : m.create}
        </button>
        {props.onCancel && (
          <button class="btn btn-secondary" type="button" onClick={props.onCancel}>
            {m.cancel}
          </button>
        )}
      </div>
    </form>
  )
}

function WelcomeSetting({ templates }: { templates: CouponTemplateStats[] }) {
  const { api, can, toast } = useStaff()
  const m = couponText()
  const setting = useResource(
    (signal) => api.get<WelcomeCouponSetting>('/api/staff/coupons/welcome', { signal }),
    'welcome',
  )
  const [error, setError] = useState<unknown>(null)
  const save = async (value: string) => {
    setError(null)
    try {
      const next = await api.send<WelcomeCouponSetting>('PUT', '/api/staff/coupons/welcome', {
        templateId: value ? Number(value) : null,
      })
      setting.set(next)
      toast(m.welcomeSaved)
    } catch (failure) {
      setError(failure)
    }
  }
  return (
    <section class="card stack">
      <h2>{m.welcome}</h2>
      <p class="muted">{m.welcomeIntro}</p>
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      <select
        class="input"
        aria-label={m.welcome}
        disabled={!can('coupons.welcome') || !setting.data}
        value={setting.data?.templateId === null ? '' : String(setting.data?.templateId ?? '')}
        onChange={(e) => void save(e.currentTarget.value)}
      >
        <option value="">{m.welcomeNone}</option>
        {templates
          .filter((t) => t.status === 'active')
          .map((t) => (
            <option key={t.id} value={String(t.id)}>
              {t.title}
            </option>
          ))}
      </select>
    </section>
  )
}

/** Coupon templates with their counts; create, edit, archive; and the welcome coupon. */
export default function CouponsScreen() {
  const { api, toast } = useStaff()
  const m = couponText()
  const list = useResource(
    (signal) =>
      api.get<{ templates: CouponTemplateStats[] }>('/api/staff/coupons/templates', { signal }),
    'templates',
  )
  const [editing, setEditing] = useState<number | null>(null)
  const [archiving, setArchiving] = useState<CouponTemplateStats | null>(null)
  const [error, setError] = useState<unknown>(null)

  const archive = async () => {
    if (!archiving) return
    try {
      await api.send('POST', `/api/staff/coupons/templates/${archiving.id}/archive`)
      toast(m.archived)
      list.reload()
    } catch (failure) {
      setError(failure)
    } finally {
      setArchiving(null)
    }
  }

  const templates = list.data?.templates ?? []
  return (
    <div class="stack">
      <PageHeader title={m.title} intro={m.intro} />
      <WelcomeSetting templates={templates} />
      <TemplateForm
        initial={EMPTY}
        editing={false}
        locked={false}
        onSave={async (form) => {
          await api.send('POST', '/api/staff/coupons/templates', createBody(form))
          toast(m.created)
          list.reload()
        }}
      />
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      {list.error && !list.data ? (
        <ErrorPanel error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <span class="skel" style="height:88px" />
      ) : templates.length === 0 ? (
        <p class="empty card">{m.empty}</p>
      ) : (
        <ul class="card rows" data-testid="coupon-templates">
          {templates.map((t) => (
            <li class="row stack" key={t.id}>
              {editing === t.id ? (
                <TemplateForm
                  initial={toForm(t)}
                  editing
                  locked={t.issuedCount > 0}
                  onCancel={() => setEditing(null)}
                  onSave={async (form) => {
                    await api.send(
                      'PATCH',
                      `/api/staff/coupons/templates/${t.id}`,
                      editBody(form, t.issuedCount > 0),
                    )
                    toast(m.saved)
                    setEditing(null)
                    list.reload()
                  }}
                />
              ) : (
                <div class="row">
                  <div class="grow">
                    <strong>{t.title}</strong>
                    {t.status === 'archived' && <span class="chip">{m.statusArchived}</span>}
                    <div class="muted">
                      {m.valueText(t.kind, t.value)} · {m.limitOf(t.totalLimit)}
                    </div>
                    <div class="muted">
                      {m.counts(t.issuedCount, t.redeemedCount, t.expiredCount)}
                    </div>
                  </div>
                  <button
                    class="btn btn-secondary btn-sm"
                    type="button"
                    onClick={() => setEditing(t.id)}
                  >
                    {m.edit}
                  </button>
                  {t.status === 'active' && (
                    <button
                      class="btn btn-secondary btn-sm"
                      type="button"
                      onClick={() => setArchiving(t)}
                    >
                      {m.archive}
                    </button>
                  )}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={archiving !== null}
        title={m.archive}
        body={archiving ? m.archiveConfirm(archiving.title) : ''}
        confirmLabel={m.archive}
        onConfirm={() => void archive()}
        onCancel={() => setArchiving(null)}
      />
    </div>
  )
}
