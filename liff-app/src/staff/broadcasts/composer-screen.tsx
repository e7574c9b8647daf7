import {
  isInQuietHours,
  type BroadcastEstimate,
  type ReachBreakdown,
  type BroadcastResponse,
  type CouponTemplateStats,
  type SegmentCountResponse,
} from '@joren/shared'
import type { JSX } from 'preact'
import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { ApiError } from '../../lib/api-error.ts'
import { detailsOf } from '../../lib/field-errors.ts'
import { SHOP_TIME_ZONE, formatDateTime } from '../../lib/format.ts'
import { navigate } from '../../lib/router.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ChevronLeftIcon } from '../../ui/icons.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { FieldError } from '../components/field-error.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { useStaff } from '../context.ts'
import { locale } from '../messages.ts'
import { href } from '../paths.ts'
import { AudiencePicker } from './audience-picker.tsx'
import { ChatPreview } from './chat-preview.tsx'
import { ConfirmPanel } from './confirm-panel.tsx'
import {
  checkDraft,
  draftIssues,
  emptyForm,
  fromBroadcast,
  newKey,
  type ComposerForm,
  type DraftErrors,
  type SampleMember,
} from './draft.ts'
import { MessageEditor } from './message-editor.tsx'
import { broadcastText } from './messages.ts'
import { epochToShopLocal, shopLocalToEpoch } from './shop-time.ts'
import { TestSend } from './test-send.tsx'

const EDITABLE = new Set(['draft', 'scheduled'])
/** An example member, only while the audience has no member to preview. */
const DEFAULT_SAMPLE: SampleMember = { name: '山田 花子', points: 1280, tier: 'シルバー' }
/** What the send puts for a member without a name or tier (domain/broadcasts/render.ts FALLBACKS). */
const SEND_FALLBACKS = { name: 'お客様', tier: '会員' }

/** `/broadcasts/new` and `/broadcasts/:id/edit`: compose, pick the audience, review and send. */
export default function ComposerScreen({ params }: { params: Record<string, string> }) {
  const { api } = useStaff()
  const m = broadcastText().composer
  const id = params.id ? Number(params.id) : null
  const existing = useResource(
    (signal) =>
      id === null
        ? Promise.resolve(null)
        : api.get<BroadcastResponse>(`/api/staff/broadcasts/${id}`, { signal }),
    `broadcast:${id}`,
  )
  const templates = useResource(
    (signal) =>
      api.get<{ templates: CouponTemplateStats[] }>('/api/staff/coupons/templates', { signal }),
    'templates',
  )

  const back = (
    <a class="back-link" href={href(id === null ? '/broadcasts' : `/broadcasts/${id}`)}>
      <ChevronLeftIcon size={20} />
      {m.back}
    </a>
  )
  if (existing.error) {
    return (
      <div class="stack">
        {back}
        <ErrorPanel error={existing.error} onRetry={existing.reload} />
      </div>
    )
  }
  if (id !== null && !existing.data) {
    return (
      <div class="stack" aria-busy="true">
        {back}
        <span class="skel skel-title" style="width:40%" />
        <span class="skel" style="height:320px" />
      </div>
    )
  }
  const broadcast = existing.data?.broadcast
  if (broadcast && !EDITABLE.has(broadcast.status)) {
    return (
      <div class="stack">
        {back}
        <p class="card bc-warning">{m.notEditable}</p>
      </div>
    )
  }
  const unsaved = id === null ? restoreUnsaved() : null
  return (
    <Composer
      key={id ?? 'new'}
      wasScheduled={broadcast?.status === 'scheduled'}
      initialId={id}
      savedId={unsaved?.id ?? id}
      restored={unsaved !== null}
      initial={
        broadcast ? fromBroadcast(broadcast, SHOP_TIME_ZONE) : (unsaved?.form ?? emptyForm())
      }
      templates={templates.data?.templates ?? []}
      back={back}
    />
  )
}

function Composer(props: {
  /** The route's ID: null on /broadcasts/new. */
  initialId: number | null
  /** The draft's ID once saved (also a new one's, saved earlier in this tab). */
  savedId: number | null
  restored: boolean
  wasScheduled: boolean
  initial: ComposerForm
  templates: CouponTemplateStats[]
  back: JSX.Element
}) {
  const { api, config, toast } = useStaff()
  const text = broadcastText()
  const m = text.composer
  const [id, setId] = useState(props.savedId)
  const [form, setForm] = useState(props.initial)
  const [restored, setRestored] = useState(props.restored)
  // A new broadcast survives a trip to the segment builder (or a reload). Its address stays
  // /broadcasts/new after the first save (changing it would load the edit route over this form).
  const isNew = props.initialId === null
  useEffect(() => {
    if (isNew) keepUnsaved({ form, id })
  }, [isNew, id, form])
  const [attempted, setAttempted] = useState(false)
  const [serverErrors, setServerErrors] = useState<DraftErrors>({})
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const [review, setReview] = useState<BroadcastEstimate | null>(null)
  const [sendError, setSendError] = useState<unknown>(null)
  const [sample, setSample] = useState<SampleMember>(DEFAULT_SAMPLE)
  const formRef = useRef<HTMLFormElement>(null)

  const checked = checkDraft(form, SHOP_TIME_ZONE, {
    chooseSegment: m.fieldAudience,
    scheduleMissing: m.scheduleMissing,
  })
  // Once staff tried to save, problems follow their edits live.
  const errors = localise(attempted ? { ...serverErrors, ...checked.errors } : {})
  const valid = Object.keys(checked.errors).length === 0
  const set = <K extends keyof ComposerForm>(key: K, value: ComposerForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }))
    setServerErrors({})
    setReview(null)
  }

  const sendable = useLiveEstimate(valid ? JSON.stringify(checked.draft) : null)

  const onSample = useCallback((members: SegmentCountResponse['sample']) => {
    // The previewed member's own values, with the fallbacks the send uses where they have none
    // (the preview once showed an example 1,280 pt where the member got 315 pt).
    const first = members.find((x) => x.displayName) ?? members[0]
    setSample(
      first
        ? {
            name: first.displayName ?? SEND_FALLBACKS.name,
            tier: first.tierName ?? SEND_FALLBACKS.tier,
            points: first.points,
          }
        : DEFAULT_SAMPLE,
    )
  }, [])

  const focusFirstError = () =>
    requestAnimationFrame(() => {
      const invalid = formRef.current?.querySelector<HTMLElement>(
        '[aria-invalid="true"], .field-error',
      )
      invalid?.scrollIntoView({ block: 'center' })
      if (invalid && 'focus' in invalid) invalid.focus()
    })

  /** Saves (creates or replaces) the draft; null when the form has problems to fix first. */
  const save = async (): Promise<number | null> => {
    setAttempted(true)
    if (!valid) {
      focusFirstError()
      return null
    }
    try {
      const saved =
        id === null
          ? await api.send<BroadcastResponse>('POST', '/api/staff/broadcasts', checked.draft)
          : await api.send<BroadcastResponse>('PUT', `/api/staff/broadcasts/${id}`, checked.draft)
      const savedId = saved.broadcast.id
      if (id === null) {
        setId(savedId)
      }
      return savedId
    } catch (failure) {
      const details = detailsOf(failure)
      if (details.length > 0) {
        setServerErrors(draftIssues(details))
        focusFirstError()
      }
      throw failure
    }
  }

  const run = async (work: () => Promise<void>) => {
    setBusy(true)
    setError(null)
    try {
      await work()
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }

  const saveDraft = () =>
    run(async () => {
      if ((await save()) !== null) toast(m.saved)
    })

  const openReview = () =>
    run(async () => {
      const savedId = await save()
      if (savedId === null) return
      setSendError(null)
      setReview(await api.get<BroadcastEstimate>(`/api/staff/broadcasts/${savedId}/estimate`))
    })

  const send = async (confirmOverQuota: boolean) => {
    if (id === null) return
    setBusy(true)
    setSendError(null)
    try {
      await api.send('POST', `/api/staff/broadcasts/${id}/send`, { confirmOverQuota })
      toast(checked.draft.scheduledAt ? text.confirm.scheduled : text.confirm.started)
      if (isNew) keepUnsaved(null)
      navigate(href(`/broadcasts/${id}`))
    } catch (failure) {
      setSendError(failure)
      if (failure instanceof ApiError && failure.code === 'over_quota_confirm') {
        // The quota moved since the estimate: show the new numbers and ask again.
        await api
          .get<BroadcastEstimate>(`/api/staff/broadcasts/${id}/estimate`)
          .then(setReview, () => undefined)
      }
    } finally {
      setBusy(false)
    }
  }

  const scheduledAt =
    form.timing === 'later' ? shopLocalToEpoch(form.scheduledLocal, SHOP_TIME_ZONE) : null
  const startsAt = form.timing === 'later' ? scheduledAt : Date.now()
  const quiet =
    startsAt !== null && isInQuietHours(startsAt, SHOP_TIME_ZONE)
      ? m.quietHours(formatDateTime(startsAt, locale()))
      : null

  const fieldProps = (name: string) => ({
    id: `bc-${name}`,
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': `bc-${name}-error`,
  })

  return (
    <div class="stack">
      {props.back}
      <PageHeader title={props.initialId === null ? m.newTitle : m.editTitle} />
      {props.wasScheduled && <p class="card bc-warning">{m.unschedules}</p>}
      {restored && (
        <div class="card bc-restored" role="status">
          <p class="grow">{m.restored}</p>
          <button
            class="btn btn-secondary btn-sm"
            type="button"
            onClick={() => {
              setForm(emptyForm())
              setId(null)
              setReview(null)
              setAttempted(false)
              setRestored(false)
            }}
          >
            {m.startOver}
          </button>
        </div>
      )}
      <div class="bc-layout">
        <form
          ref={formRef}
          class="stack"
          noValidate
          onSubmit={(e) => {
            e.preventDefault()
            void openReview()
          }}
        >
          <section class="card stack-sm">
            <label class="field-label" for="bc-title">
              {m.titleLabel}
            </label>
            <input
              {...fieldProps('title')}
              class="input"
              maxLength={80}
              placeholder={m.titlePlaceholder}
              value={form.title}
              onInput={(e) => set('title', e.currentTarget.value)}
            />
            <FieldError id="bc-title-error" message={errors.title} />
          </section>

          <section class="stack" aria-labelledby="bc-step-messages">
            <h2 id="bc-step-messages" class="bc-step">
              {m.stepMessages}
            </h2>
            <MessageEditor
              messages={form.messages}
              templates={props.templates}
              errors={errors}
              onChange={(messages) => set('messages', messages)}
            />
          </section>

          <section class="card stack" aria-labelledby="bc-step-audience">
            <h2 id="bc-step-audience" class="bc-step">
              {m.stepAudience}
            </h2>
            <AudiencePicker
              value={form.audience}
              error={errors.audience}
              sendable={sendable?.reachable ?? null}
              reach={sendable}
              onChange={(audience) => set('audience', audience)}
              onSample={onSample}
            />
          </section>

          <section class="card stack" aria-labelledby="bc-step-options">
            <h2 id="bc-step-options" class="bc-step">
              {m.stepOptions}
            </h2>
            <fieldset class="bc-fieldset stack-sm">
              <legend class="field-label">{m.schedule}</legend>
              <div class="bc-tabs">
                <label class="bc-tab">
                  <input
                    type="radio"
                    name="bc-timing"
                    checked={form.timing === 'now'}
                    onChange={() => set('timing', 'now')}
                  />
                  <span>{m.sendNow}</span>
                </label>
                <label class="bc-tab">
                  <input
                    type="radio"
                    name="bc-timing"
                    checked={form.timing === 'later'}
                    onChange={() => set('timing', 'later')}
                  />
                  <span>{m.sendLater}</span>
                </label>
              </div>
              {form.timing === 'later' && (
                <>
                  <label class="field-label" for="bc-scheduledAt">
                    {m.scheduleAt}
                  </label>
                  <input
                    {...fieldProps('scheduledAt')}
                    class="input"
                    type="datetime-local"
                    min={epochToShopLocal(Date.now(), SHOP_TIME_ZONE)}
                    value={form.scheduledLocal}
                    onInput={(e) => set('scheduledLocal', e.currentTarget.value)}
                  />
                  <FieldError id="bc-scheduledAt-error" message={errors.scheduledAt} />
                </>
              )}
              {quiet && (
                <p class="bc-warning" role="note" data-testid="quiet-hours">
                  {quiet}
                </p>
              )}
            </fieldset>
            <div class="bc-two">
              <div class="stack-sm">
                <label class="field-label" for="bc-holdoutPercent">
                  {m.holdout}
                </label>
                <input
                  {...fieldProps('holdoutPercent')}
                  class="input"
                  type="number"
                  inputMode="numeric"
                  min={0}
                  max={50}
                  value={form.holdoutPercent}
                  onInput={(e) => set('holdoutPercent', e.currentTarget.value)}
                />
                <FieldError id="bc-holdoutPercent-error" message={errors.holdoutPercent} />
              </div>
              <div class="stack-sm">
                <label class="field-label" for="bc-attributionDays">
                  {m.attributionDays}
                </label>
                <input
                  {...fieldProps('attributionDays')}
                  class="input"
                  type="number"
                  inputMode="numeric"
                  min={1}
                  max={90}
                  value={form.attributionDays}
                  onInput={(e) => set('attributionDays', e.currentTarget.value)}
                />
                <FieldError id="bc-attributionDays-error" message={errors.attributionDays} />
              </div>
            </div>
            <p class="field-hint">{m.holdoutHelp}</p>
            <TestSend save={save} />
          </section>

          {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
          {review ? (
            <ConfirmPanel
              estimate={review}
              scheduledAt={scheduledAt}
              busy={busy}
              error={sendError}
              onSend={(ok) => void send(ok)}
              onBack={() => setReview(null)}
            />
          ) : (
            <div class="bc-actions bc-sticky">
              <button
                class="btn btn-secondary"
                type="button"
                disabled={busy}
                onClick={() => void saveDraft()}
              >
                {m.saveDraft}
              </button>
              <button class="btn" type="submit" disabled={busy}>
                {m.review}
              </button>
            </div>
          )}
        </form>
        <aside class="bc-aside">
          <ChatPreview
            messages={form.messages}
            templates={props.templates}
            sample={sample}
            shopName={config.shopName}
          />
        </aside>
      </div>
    </div>
  )
}

const UNSAVED_KEY = 'joren.staff.broadcast-draft'

interface Unsaved {
  form: ComposerForm
  id: number | null
}

const hasContent = ({ form, id }: Unsaved) =>
  id !== null ||
  form.title.trim() !== '' ||
  form.messages.some((m) =>
    m.type === 'text' ? m.text.trim() !== '' : m.type === 'image' ? m.url.trim() !== '' : true,
  )

function keepUnsaved(value: Unsaved | null): void {
  try {
    if (value === null || !hasContent(value)) sessionStorage.removeItem(UNSAVED_KEY)
    else sessionStorage.setItem(UNSAVED_KEY, JSON.stringify(value))
  } catch {
    // Storage full or disabled: the form simply is not kept.
  }
}

function restoreUnsaved(): Unsaved | null {
  try {
    const text = sessionStorage.getItem(UNSAVED_KEY)
    const value = text ? (JSON.parse(text) as Unsaved) : null
    const messages = value?.form.messages
    if (!value || !Array.isArray(messages) || messages.length === 0) return null
    return {
      id: typeof value.id === 'number' ? value.id : null,
      form: { ...value.form, messages: messages.map((m) => ({ ...m, key: newKey() })) },
    }
  } catch {
    return null
  }
}

const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff]/

/** The schema's messages are Japanese; English screens show the field's own message instead. */
function localise(errors: DraftErrors): DraftErrors {
  if (locale() !== 'en') return errors
  const m = broadcastText().composer
  const out: DraftErrors = {}
  for (const [key, message] of Object.entries(errors)) {
    if (!message || !JAPANESE.test(message)) out[key] = message
    else if (key === 'title') out[key] = m.fieldTitle
    else if (key.startsWith('messages')) out[key] = m.fieldMessages
    else if (key === 'audience') out[key] = m.fieldAudience
    else out[key] = m.fieldOther
  }
  return out
}

/**
 * Who the draft would reach, and why not everyone in the audience, from the server's estimate,
 * refreshed shortly after edits.
 */
function useLiveEstimate(draft: string | null): ReachBreakdown | null {
  const { api } = useStaff()
  const [audience, setAudience] = useState<ReachBreakdown | null>(null)
  useEffect(() => {
    if (draft === null) {
      setAudience(null)
      return
    }
    const controller = new AbortController()
    const timer = setTimeout(() => {
      api
        .send<BroadcastEstimate>('POST', '/api/staff/broadcasts/estimate', JSON.parse(draft), {
          signal: controller.signal,
        })
        .then(
          (estimate) => !controller.signal.aborted && setAudience(estimate.reach),
          () => !controller.signal.aborted && setAudience(null),
        )
    }, 400)
    return () => {
      clearTimeout(timer)
      controller.abort()
    }
  }, [draft, api])
  return audience
}
