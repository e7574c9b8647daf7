import {
  isInQuietHours,
  type BroadcastEstimate,
  type BroadcastResponse,
  type ReachBreakdown,
  type SegmentCountResponse,
} from '@joren/shared'
import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { ApiError } from '../../lib/api-error.ts'
import { detailsOf } from '../../lib/field-errors.ts'
import { SHOP_TIME_ZONE, formatDateTime } from '../../lib/format.ts'
import { navigate } from '../../lib/router.ts'
import { useStaff } from '../context.ts'
import { locale } from '../messages.ts'
import { href } from '../paths.ts'
import {
  checkDraft,
  draftIssues,
  emptyForm,
  newKey,
  type ComposerForm,
  type DraftErrors,
  type SampleMember,
} from './draft.ts'
import { broadcastText } from './messages.ts'
import { shopLocalToEpoch } from './shop-time.ts'

/** An example member, only while the audience has no member to preview. */
export const DEFAULT_SAMPLE: SampleMember = { name: '山田 花子', points: 1280, tier: 'シルバー' }
/** What the send puts for a member without a name or tier (domain/broadcasts/render.ts FALLBACKS). */
const SEND_FALLBACKS = { name: 'お客様', tier: '会員' }

/** The composer's own state: the form, its checks, saving, the review and the send. */
export function useComposer(props: {
  /** The route's ID: null on /broadcasts/new. */
  initialId: number | null
  /** The draft's ID once saved (also a new one's, saved earlier in this tab). */
  savedId: number | null
  restored: boolean
  initial: ComposerForm
}) {
  const { api, toast } = useStaff()
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
    setSample(sampleOf(members))
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

  const startOver = () => {
    setForm(emptyForm())
    setId(null)
    setReview(null)
    setAttempted(false)
    setRestored(false)
  }

  const scheduledAt =
    form.timing === 'later' ? shopLocalToEpoch(form.scheduledLocal, SHOP_TIME_ZONE) : null
  const startsAt = form.timing === 'later' ? scheduledAt : Date.now()
  const quiet =
    startsAt !== null && isInQuietHours(startsAt, SHOP_TIME_ZONE)
      ? m.quietHours(formatDateTime(startsAt, locale()))
      : null

  return {
    form,
    set,
    errors,
    restored,
    startOver,
    busy,
    error,
    clearError: () => setError(null),
    review,
    closeReview: () => setReview(null),
    sendError,
    sample,
    sendable,
    onSample,
    formRef,
    save,
    saveDraft,
    openReview,
    send,
    scheduledAt,
    quiet,
  }
}

export type ComposerModel = ReturnType<typeof useComposer>

/**
 * The previewed member's own values, with the fallbacks the send uses where they have none (the
 * preview once showed an example 1,280 pt where the member got 315 pt).
 */
export function sampleOf(members: SegmentCountResponse['sample']): SampleMember {
  const first = members.find((x) => x.displayName) ?? members[0]
  return first
    ? {
        name: first.displayName ?? SEND_FALLBACKS.name,
        tier: first.tierName ?? SEND_FALLBACKS.tier,
        points: first.points,
      }
    : DEFAULT_SAMPLE
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

/** A new broadcast's form kept in this tab (see useComposer), or null. */
export function restoreUnsaved(): Unsaved | null {
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
