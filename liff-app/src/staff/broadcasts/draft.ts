import {
  BroadcastDraftSchema,
  PLACEHOLDERS,
  type Broadcast,
  type BroadcastDraft,
  type Placeholder,
} from '@joren/shared'
import { epochToShopLocal, shopLocalToEpoch } from './shop-time.ts'

/** A message as the composer edits it: `key` keeps each editor's state through reordering. */
export type EditableMessage =
  | { key: number; type: 'text'; text: string }
  | { key: number; type: 'image'; url: string }
  | { key: number; type: 'coupon'; templateId: number | null }

export type AudienceChoice =
  | { kind: 'segment'; segmentId: number | null }
  | { kind: 'all' }
  | { kind: 'members'; memberNumbers: string[]; invalid: string[]; fileName: string }

export interface ComposerForm {
  title: string
  messages: EditableMessage[]
  audience: AudienceChoice
  timing: 'now' | 'later'
  /** `YYYY-MM-DDTHH:MM` in the shop's time zone. */
  scheduledLocal: string
  holdoutPercent: string
  attributionDays: string
}

let nextKey = 1
export const newKey = () => nextKey++

export function emptyForm(): ComposerForm {
  return {
    title: '',
    messages: [{ key: newKey(), type: 'text', text: '' }],
    audience: { kind: 'segment', segmentId: null },
    timing: 'now',
    scheduledLocal: '',
    holdoutPercent: '0',
    attributionDays: '7',
  }
}

const toNumber = (text: string) => (text.trim() === '' ? Number.NaN : Number(text))

/** The API body for the form (not yet validated: BroadcastDraftSchema does that). */
export function toDraft(form: ComposerForm, timeZone: string): BroadcastDraft {
  const audience =
    form.audience.kind === 'segment'
      ? { kind: 'segment' as const, segmentId: form.audience.segmentId ?? 0 }
      : form.audience.kind === 'all'
        ? { kind: 'all' as const }
        : { kind: 'members' as const, memberNumbers: form.audience.memberNumbers }
  return {
    title: form.title,
    messages: form.messages.map((m) =>
      m.type === 'text'
        ? { type: 'text', text: m.text }
        : m.type === 'image'
          ? { type: 'image', originalContentUrl: m.url.trim(), previewImageUrl: m.url.trim() }
          : { type: 'coupon', templateId: m.templateId ?? 0 },
    ),
    audience,
    scheduledAt:
      form.timing === 'later' ? (shopLocalToEpoch(form.scheduledLocal, timeZone) ?? 0) : null,
    holdoutPercent: toNumber(form.holdoutPercent),
    attributionDays: toNumber(form.attributionDays),
  }
}

/** A saved broadcast back into the form (editing a draft or a scheduled send). */
export function fromBroadcast(broadcast: Broadcast, timeZone: string): ComposerForm {
  const audience: AudienceChoice =
    broadcast.audience.kind === 'members'
      ? {
          kind: 'members',
          memberNumbers: broadcast.audience.memberNumbers,
          invalid: [],
          fileName: '',
        }
      : broadcast.audience
  return {
    title: broadcast.title,
    messages: broadcast.messages.map((m) =>
      m.type === 'text'
        ? { key: newKey(), type: 'text', text: m.text }
        : m.type === 'image'
          ? { key: newKey(), type: 'image', url: m.originalContentUrl }
          : { key: newKey(), type: 'coupon', templateId: m.templateId },
    ),
    audience,
    timing: broadcast.scheduledAt === null ? 'now' : 'later',
    scheduledLocal:
      broadcast.scheduledAt === null ? '' : epochToShopLocal(broadcast.scheduledAt, timeZone),
    holdoutPercent: String(broadcast.holdoutPercent),
    attributionDays: String(broadcast.attributionDays),
  }
}

/**
 * Problems by field: `title`, `audience`, `scheduledAt`, `holdoutPercent`, `attributionDays`,
 * `messages` (the list as a whole) and `messages.<i>` (one message).
 */
export type DraftErrors = Partial<Record<string, string>>

export function draftIssues(
  issues: readonly { path: readonly PropertyKey[] | string; message: string }[],
): DraftErrors {
  const errors: DraftErrors = {}
  for (const issue of issues) {
    const path = typeof issue.path === 'string' ? issue.path.split('.') : issue.path.map(String)
    const [field = '', index] = path
    const key = field === 'messages' && index !== undefined ? `messages.${index}` : field
    errors[key] ??= issue.message
  }
  return errors
}

/** Validates the form as the server will; `errors` is empty when it may be saved. */
export function checkDraft(
  form: ComposerForm,
  timeZone: string,
  messages: { chooseSegment: string; scheduleMissing: string },
) {
  const draft = toDraft(form, timeZone)
  const result = BroadcastDraftSchema.safeParse(draft)
  const errors = result.success ? {} : draftIssues(result.error.issues)
  if (form.audience.kind === 'segment' && form.audience.segmentId === null)
    errors.audience = messages.chooseSegment
  if (form.timing === 'later' && shopLocalToEpoch(form.scheduledLocal, timeZone) === null)
    errors.scheduledAt = messages.scheduleMissing
  return { draft, errors }
}

export interface SampleMember {
  name: string
  points: number
  tier: string
}

/** Text as a recipient would read it: placeholders filled from a sample member. */
export function renderSample(
  text: string,
  sample: SampleMember,
  couponTitle: string | null,
): string {
  const values: Record<Placeholder, string> = {
    name: sample.name,
    points: sample.points.toLocaleString('ja-JP'),
    tier: sample.tier,
    coupon: couponTitle ?? '',
  }
  return text.replace(/\{([a-z_]+)\}/g, (whole, name: string) =>
    (PLACEHOLDERS as readonly string[]).includes(name) ? values[name as Placeholder] : whole,
  )
}

/** Inserts `{name}` at the caret (or replaces the selection); returns the text and new caret. */
export function insertAt(
  text: string,
  start: number,
  end: number,
  insertion: string,
): { text: string; caret: number } {
  return {
    text: text.slice(0, start) + insertion + text.slice(end),
    caret: start + insertion.length,
  }
}

export function move<T>(list: readonly T[], from: number, to: number): T[] {
  if (to < 0 || to >= list.length) return [...list]
  const next = [...list]
  const [item] = next.splice(from, 1)
  next.splice(to, 0, item as T)
  return next
}
