import type {
  BuiltInThresholds,
  CouponTemplate,
  LoyaltySettings,
  Segment,
  SegmentCountResponse,
  SegmentListResponse,
  SegmentRule,
  ShopSettings,
  StaffSurveyList,
  Tag,
} from '@joren/shared'
import { builtInSegmentRules, SegmentRuleSchema } from '@joren/shared'
import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { formatDate } from '../../lib/format.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ConfirmDialog } from '../components/confirm-dialog.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { useStaff } from '../context.ts'
import { locale } from '../messages.ts'
import { segmentsText } from './messages.ts'
import { RuleGroup, type RuleChoices } from './rule-editor.tsx'
import './segments.css'

const COUNT_DEBOUNCE_MS = 400
const SEGMENT_NAME_MAX = 40
const EMPTY_RULES: SegmentRule = { type: 'all', rules: [] }

/** What is being edited: a saved or built-in segment, or a new one. */
interface Draft {
  id: number | null
  name: string
  builtIn: Segment['builtIn']
  thresholds: BuiltInThresholds | null
  rules: SegmentRule
}

function draftOf(segment: Segment): Draft {
  return {
    id: segment.id,
    name: segment.name,
    builtIn: segment.builtIn,
    thresholds: segment.thresholds,
    rules: segment.rules,
  }
}

const NEW_DRAFT: Draft = { id: null, name: '', builtIn: null, thresholds: null, rules: EMPTY_RULES }

/**
 * A new segment to start from, when another screen links here with `?rules=<JSON>&name=…` (the
 * dashboard's RFM cells); rules that do not validate are ignored.
 */
function draftFromAddress(): Draft | null {
  const query = new URLSearchParams(location.search)
  const raw = query.get('rules')
  if (raw === null) return null
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    return null
  }
  const rules = SegmentRuleSchema.safeParse(parsed)
  if (!rules.success) return null
  const name = (query.get('name') ?? '').trim().slice(0, SEGMENT_NAME_MAX)
  return { ...NEW_DRAFT, name, rules: rules.data }
}

/** The rule tree as a top-level group, so the editor always starts from all / any. */
function asGroup(rules: SegmentRule): Extract<SegmentRule, { type: 'all' | 'any' }> {
  return rules.type === 'all' || rules.type === 'any' ? rules : { type: 'all', rules: [rules] }
}

/** Counts while staff edit: one request ~400 ms after the last change, older answers dropped. */
function useLiveCount(rules: SegmentRule) {
  const { api } = useStaff()
  const [result, setResult] = useState<SegmentCountResponse | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [counting, setCounting] = useState(false)
  const key = JSON.stringify(rules)
  useEffect(() => {
    const controller = new AbortController()
    setCounting(true)
    const timer = setTimeout(() => {
      api
        .send<SegmentCountResponse>(
          'POST',
          '/api/staff/segments/count',
          { rules },
          {
            signal: controller.signal,
          },
        )
        .then(
          (body) => {
            setResult(body)
            setError(null)
            setCounting(false)
          },
          (failure: unknown) => {
            if (controller.signal.aborted) return
            setError(failure)
            setCounting(false)
          },
        )
    }, COUNT_DEBOUNCE_MS)
    return () => {
      clearTimeout(timer)
      controller.abort()
    }
  }, [key])
  return { result, error, counting }
}

function CountPanel({ rules }: { rules: SegmentRule }) {
  const m = segmentsText()
  const { result, error, counting } = useLiveCount(rules)
  return (
    <section class="card stack seg-count" aria-live="polite" aria-busy={counting}>
      <h2 class="section-title">{m.count.title}</h2>
      {error !== null ? (
        <ErrorPanel error={error} />
      ) : result === null ? (
        <p class="muted">{m.count.counting}</p>
      ) : (
        <>
          <p
            class={counting ? 'seg-count-number seg-stale' : 'seg-count-number'}
            data-testid="segment-count"
          >
            {m.count.people(result.count)}
          </p>
          <p class="muted" data-testid="segment-sendable">
            {m.count.sendable(result.sendableCount)}
          </p>
          {result.sample.length === 0 ? (
            <p class="muted">{m.count.none}</p>
          ) : (
            <div class="seg-sample-wrap">
              <table class="seg-sample">
                <caption class="sr-only">{m.count.sample}</caption>
                <thead>
                  <tr>
                    <th>{m.count.number}</th>
                    <th>{m.count.member}</th>
                    <th>{m.count.tier}</th>
                    <th>{m.count.lastPurchase}</th>
                    <th class="num">{m.count.spend}</th>
                  </tr>
                </thead>
                <tbody>
                  {result.sample.map((row) => (
                    <tr key={row.memberNumber}>
                      <td class="mono">
                        <a href={`/staff/members/${row.memberNumber}`}>{row.memberNumber}</a>
                      </td>
                      <td>{row.displayName ?? '—'}</td>
                      <td>{row.tierName ?? '—'}</td>
                      <td>{row.lastPurchaseAt ? formatDate(row.lastPurchaseAt, locale()) : '—'}</td>
                      <td class="num">¥{row.spend12mYen.toLocaleString('ja-JP')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  )
}

function ThresholdFields(props: {
  value: BuiltInThresholds
  onChange: (value: BuiltInThresholds) => void
}) {
  const m = segmentsText()
  const { value } = props
  const entries = Object.entries(value).filter(([k]) => k !== 'key') as [
    keyof typeof m.thresholdLabels,
    number,
  ][]
  if (entries.length === 0) return <p class="muted">{m.birthdayNoThreshold}</p>
  return (
    <div class="seg-thresholds">
      {entries.map(([field, n]) => (
        <label key={field} class="stack seg-threshold">
          <span class="field-label">{m.thresholdLabels[field]}</span>
          <input
            class="input"
            type="number"
            inputMode="numeric"
            min={1}
            value={n}
            onInput={(e) => {
              const parsed = Number.parseInt(e.currentTarget.value, 10)
              props.onChange({
                ...value,
                [field]: Number.isNaN(parsed) ? 0 : parsed,
              } as BuiltInThresholds)
            }}
          />
        </label>
      ))}
    </div>
  )
}

function useChoices(): RuleChoices {
  const { api, can } = useStaff()
  const tags = useResource(
    (signal) => api.get<{ tags: Tag[] }>('/api/staff/tags', { signal }),
    'tags',
  )
  const loyalty = useResource(
    (signal) => api.get<LoyaltySettings>('/api/staff/loyalty', { signal }),
    'loyalty',
  )
  const surveys = useResource(
    (signal) =>
      can('surveys.read')
        ? api.get<StaffSurveyList>('/api/staff/surveys', { signal })
        : Promise.resolve({ surveys: [] }),
    'surveys',
  )
  const templates = useResource(
    (signal) =>
      api.get<{ templates: CouponTemplate[] }>('/api/staff/coupons/templates', { signal }),
    'templates',
  )
  const shop = useResource(
    (signal) => api.get<ShopSettings>('/api/staff/settings', { signal }),
    'shop',
  )
  return useMemo(
    () => ({
      tags: tags.data?.tags ?? [],
      tiers: [...(loyalty.data?.tiers ?? [])].sort((a, b) => a.minSpendYen - b.minSpendYen),
      surveys: (surveys.data?.surveys ?? []).map((s) => ({ id: s.id, title: s.title })),
      templates: (templates.data?.templates ?? []).map((t) => ({ id: t.id, title: t.title })),
      categories: shop.data?.categories ?? [],
    }),
    [tags.data, loyalty.data, surveys.data, templates.data, shop.data],
  )
}

/** The segment builder: built-ins with their thresholds, saved segments, and the live count. */
export default function SegmentsScreen() {
  const { api, can, toast } = useStaff()
  const m = segmentsText()
  const list = useResource(
    (signal) => api.get<SegmentListResponse>('/api/staff/segments', { signal }),
    'segments',
  )
  const choices = useChoices()
  const [initial] = useState(draftFromAddress)
  const [draft, setDraft] = useState<Draft>(initial ?? NEW_DRAFT)
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const [deleting, setDeleting] = useState(false)
  const picked = useRef(initial !== null)
  const manage = can('segments.manage')

  // Open the first built-in once the list arrives — unless staff already chose or started one
  // (on a slow connection the list can arrive after a click on 新規 or a first keystroke).
  useEffect(() => {
    const first = list.data?.segments[0]
    if (!picked.current && first) {
      picked.current = true
      setDraft((current) => (current === NEW_DRAFT ? draftOf(first) : current))
    }
  }, [list.data])

  const rules = draft.thresholds ? builtInSegmentRules(draft.thresholds) : draft.rules
  const builtIns = list.data?.segments.filter((s) => s.builtIn !== null) ?? []
  const saved = list.data?.segments.filter((s) => s.builtIn === null) ?? []

  const save = async (asNew: boolean) => {
    setBusy(true)
    setError(null)
    try {
      const body =
        draft.builtIn !== null && !asNew
          ? { name: draft.name, thresholds: draft.thresholds }
          : { name: draft.name, rules }
      const segment =
        draft.id === null || asNew
          ? await api.send<Segment>('POST', '/api/staff/segments', body)
          : await api.send<Segment>('PUT', `/api/staff/segments/${draft.id}`, body)
      setDraft(draftOf(segment))
      list.reload()
      toast(m.saved_)
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }

  const remove = async () => {
    if (draft.id === null) return
    setBusy(true)
    try {
      await api.send('DELETE', `/api/staff/segments/${draft.id}`)
      setDraft(NEW_DRAFT)
      list.reload()
      toast(m.deleted)
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
      setDeleting(false)
    }
  }

  const pick = (segment: Segment) => {
    picked.current = true
    setError(null)
    setDraft(draftOf(segment))
  }

  const startNew = () => {
    picked.current = true
    setError(null)
    setDraft(NEW_DRAFT)
  }

  const segmentButton = (segment: Segment) => (
    <li key={segment.id}>
      <button
        type="button"
        class={segment.id === draft.id ? 'seg-item seg-item-on' : 'seg-item'}
        aria-current={segment.id === draft.id}
        onClick={() => pick(segment)}
      >
        {segment.name}
      </button>
    </li>
  )

  if (list.error !== null && !list.data)
    return <ErrorPanel error={list.error} onRetry={list.reload} />

  return (
    <div class="stack">
      <PageHeader title={m.title} intro={m.intro} />
      <div class="seg-layout">
        <nav class="card stack seg-list" aria-label={m.title}>
          {manage && (
            <button class="btn" type="button" onClick={startNew}>
              ＋ {m.newSegment}
            </button>
          )}
          <h2 class="section-title">{m.builtIns}</h2>
          <ul class="seg-items">{builtIns.map(segmentButton)}</ul>
          <h2 class="section-title">{m.saved}</h2>
          {saved.length === 0 ? (
            <p class="muted">{m.noSaved}</p>
          ) : (
            <ul class="seg-items">{saved.map(segmentButton)}</ul>
          )}
        </nav>
        <div class="stack grow">
          <section class="card stack">
            <label class="field-label" for="segment-name">
              {m.name}
            </label>
            <input
              id="segment-name"
              class="input"
              value={draft.name}
              maxLength={40}
              placeholder={m.namePlaceholder}
              disabled={!manage}
              onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
            />
            {draft.thresholds ? (
              <>
                <h2 class="section-title">{m.thresholds}</h2>
                <p class="muted">{m.builtInNote}</p>
                <ThresholdFields
                  value={draft.thresholds}
                  onChange={(thresholds) => setDraft({ ...draft, thresholds })}
                />
              </>
            ) : (
              <RuleGroup
                rule={asGroup(draft.rules)}
                depth={0}
                choices={choices}
                onChange={(next) => setDraft({ ...draft, rules: next })}
              />
            )}
            {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
            {manage && (
              <div class="seg-actions">
                <button
                  class="btn btn-lg"
                  type="button"
                  disabled={busy || !draft.name.trim()}
                  onClick={() => void save(false)}
                >
                  {m.save}
                </button>
                {draft.id !== null && (
                  <button
                    class="btn btn-secondary"
                    type="button"
                    disabled={busy || !draft.name.trim()}
                    onClick={() => void save(true)}
                  >
                    {m.saveAsNew}
                  </button>
                )}
                {draft.id !== null && draft.builtIn === null && (
                  <button
                    class="btn btn-danger"
                    type="button"
                    disabled={busy}
                    onClick={() => setDeleting(true)}
                  >
                    {m.delete}
                  </button>
                )}
              </div>
            )}
          </section>
          <CountPanel rules={rules} />
        </div>
      </div>
      <ConfirmDialog
        open={deleting}
        title={m.deleteTitle}
        body={m.deleteBody}
        confirmLabel={m.delete}
        busy={busy}
        onConfirm={() => void remove()}
        onCancel={() => setDeleting(false)}
      />
    </div>
  )
}
