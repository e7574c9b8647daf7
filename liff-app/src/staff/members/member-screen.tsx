import {
  NoteCreateSchema,
  PREFECTURES,
  type MemberDetail,
  type ShopSettings,
  type Tag,
} from '@joren/shared'
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { ApiError } from '../../lib/api-error.ts'
import { formatDate, formatDateTime, formatIsoDate } from '../../lib/format.ts'
import { formatMemberNumber } from '../../lib/member-number.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ChevronLeftIcon, PlusIcon, XIcon } from '../../ui/icons.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { FieldError } from '../components/field-error.tsx'
import { FollowBadge } from '../components/follow-badge.tsx'
import { useStaff } from '../context.ts'
import { locale, t } from '../messages.ts'
import { href } from '../paths.ts'
import { MemberCoupons } from '../coupons/member-coupons.tsx'
import { MemberPoints } from '../loyalty/member-points.tsx'
import { MemberJourneys } from '../journeys/member-journeys.tsx'
import { MemberDataRights } from '../privacy/member-data-rights.tsx'

/** One member: who they are, what they told us, their tags and the staff's notes. */
export default function MemberScreen({ params }: { params: Record<string, string> }) {
  const { api, can } = useStaff()
  const number = params.memberNumber ?? ''
  const path = `/api/staff/members/${encodeURIComponent(number)}`
  const detail = useResource((signal) => api.get<MemberDetail>(path, { signal }), number)
  const m = t().member

  return (
    <div class="stack">
      <a class="back-link" href={href('/members')}>
        <ChevronLeftIcon size={20} />
        {m.back}
      </a>
      {detail.data ? (
        <>
          <Loaded member={detail.data} path={path} onChange={detail.set} reload={detail.reload} />
          <MemberCoupons memberNumber={number} />
          <MemberPoints memberNumber={number} />
          {can('broadcasts.read') && <MemberJourneys memberNumber={number} />}
          {can('members.erase') && (
            <MemberDataRights
              memberNumber={number}
              erasedAt={detail.data.erasedAt ?? null}
              onErased={detail.reload}
            />
          )}
        </>
      ) : detail.error ? (
        <ErrorPanel error={detail.error} onRetry={detail.reload} />
      ) : (
        <div class="stack" aria-busy="true">
          <span class="sr-only" role="status">
            {t().loading}
          </span>
          <span class="skel skel-title" style="width:40%" />
          <span class="skel" style="height:160px" />
          <span class="skel" style="height:120px" />
        </div>
      )}
    </div>
  )
}

interface LoadedProps {
  member: MemberDetail
  path: string
  onChange(member: MemberDetail): void
  reload(): void
}

function Loaded({ member, path, onChange, reload }: LoadedProps) {
  const m = t().member
  const when = (ms: number | null) => (ms ? formatDate(ms, locale()) : t().none)
  return (
    <>
      <header class="member-header card">
        <span class="avatar avatar-lg" aria-hidden="true">
          {Array.from(member.displayName?.trim() || '?')[0]}
          {member.pictureUrl && (
            <img
              src={member.pictureUrl}
              alt=""
              referrerpolicy="no-referrer"
              onError={(e) => (e.currentTarget.hidden = true)}
            />
          )}
        </span>
        <div class="grow">
          <h1 class="page-title">{member.displayName ?? t().members.noName}</h1>
          <p class="mono muted">{formatMemberNumber(member.memberNumber)}</p>
          <p class="follow-line">
            <FollowBadge state={member.followState} />
            <span class="muted">
              {member.followState === 'blocked'
                ? m.blockedSince(when(member.blockedAt))
                : m.followSince(when(member.followedAt))}
            </span>
          </p>
        </div>
      </header>
      <div class="detail-grid">
        <ProfileCard member={member} />
        <div class="stack">
          <TagsCard member={member} path={path} onChange={onChange} />
          <NotesCard member={member} path={path} reload={reload} />
        </div>
      </div>
    </>
  )
}

function ProfileCard({ member }: { member: MemberDetail }) {
  const { api } = useStaff()
  const m = t().member
  const settings = useResource(
    (signal) => api.get<ShopSettings>('/api/staff/settings', { signal }),
    'settings',
  )
  const p = member.profile
  const none = t().none
  const label = (id: string) => settings.data?.categories.find((c) => c.id === id)?.label ?? id
  const prefecture = PREFECTURES.find(([code]) => code === p?.prefecture)
  const rows: [string, string][] = p
    ? [
        [m.birthday, p.birthday ? formatIsoDate(p.birthday, locale()) : none],
        [m.gender, p.gender ? m.genders[p.gender] : none],
        [m.prefecture, prefecture ? prefecture[locale() === 'en' ? 2 : 1] : none],
        [m.interests, p.interests.length ? p.interests.map(label).join('、') : none],
        [m.consent, p.marketingConsent ? m.consentYes : m.consentNo],
        [m.updatedAt, formatDateTime(p.updatedAt, locale())],
      ]
    : []
  return (
    <section class="card stack" aria-labelledby="profile-title">
      <h2 class="section-title" id="profile-title">
        {m.profile}
      </h2>
      {p ? (
        <dl class="facts">
          {rows.map(([name, value]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p class="muted">{m.noProfile}</p>
      )}
      <dl class="facts">
        <div>
          <dt>{m.firstFollowed}</dt>
          <dd>{member.firstFollowedAt ? formatDate(member.firstFollowedAt, locale()) : none}</dd>
        </div>
        <div>
          <dt>{m.language}</dt>
          <dd>{member.language ?? none}</dd>
        </div>
      </dl>
    </section>
  )
}

function TagsCard({
  member,
  path,
  onChange,
}: {
  member: MemberDetail
  path: string
  onChange(m: MemberDetail): void
}) {
  const { api } = useStaff()
  const m = t().member
  const all = useResource(
    (signal) => api.get<{ tags: Tag[] }>('/api/staff/tags', { signal }),
    'tags',
  )
  const [chosen, setChosen] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const on = new Set(member.tags.map((tag) => tag.id))
  const available = all.data?.tags.filter((tag) => !on.has(tag.id)) ?? []

  const change = async (tag: { id: number; name: string }, add: boolean) => {
    setBusy(true)
    setError(null)
    try {
      await api.send(add ? 'PUT' : 'DELETE', `${path}/tags/${tag.id}`)
      const tags = add
        ? [...member.tags, { id: tag.id, name: tag.name }]
        : member.tags.filter((x) => x.id !== tag.id)
      onChange({ ...member, tags })
      setChosen('')
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }

  const add = (event: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault()
    const tag = available.find((x) => String(x.id) === chosen)
    if (tag) void change(tag, true)
  }

  return (
    <section class="card stack" aria-labelledby="tags-title">
      <h2 class="section-title" id="tags-title">
        {m.tags}
      </h2>
      {member.tags.length === 0 ? (
        <p class="muted">{m.noTags}</p>
      ) : (
        <ul class="tag-list tag-list-lg">
          {member.tags.map((tag) => (
            <li class="chip" key={tag.id}>
              {tag.name}
              <button
                class="chip-remove"
                type="button"
                disabled={busy}
                aria-label={m.removeTag(tag.name)}
                onClick={() => void change(tag, false)}
              >
                <XIcon size={16} />
              </button>
            </li>
          ))}
        </ul>
      )}
      <form class="inline-form" onSubmit={add}>
        <label class="sr-only" for="add-tag">
          {m.addTag}
        </label>
        <select
          id="add-tag"
          class="input"
          value={chosen}
          disabled={available.length === 0}
          onChange={(e) => setChosen(e.currentTarget.value)}
        >
          <option value="">{available.length ? m.chooseTag : m.noMoreTags}</option>
          {available.map((tag) => (
            <option key={tag.id} value={String(tag.id)}>
              {tag.name}
            </option>
          ))}
        </select>
        <button class="btn" type="submit" disabled={busy || !chosen}>
          <PlusIcon size={18} />
          {m.addTag}
        </button>
      </form>
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
    </section>
  )
}

function NotesCard({
  member,
  path,
  reload,
}: {
  member: MemberDetail
  path: string
  reload(): void
}) {
  const { api, toast } = useStaff()
  const m = t().member
  const [body, setBody] = useState('')
  const [invalid, setInvalid] = useState<string | undefined>()
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const notes = [...member.notes].sort((a, b) => b.createdAt - a.createdAt)

  const submit = async (event: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault()
    setError(null)
    const parsed = NoteCreateSchema.safeParse({ body })
    if (!parsed.success) {
      setInvalid(locale() === 'ja' ? parsed.error.issues[0]?.message : t().errors.required)
      return
    }
    setBusy(true)
    try {
      await api.send('POST', `${path}/notes`, parsed.data)
      setBody('')
      toast(m.noteAdded)
      reload()
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 400) setInvalid(failure.message)
      else setError(failure)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="card stack" aria-labelledby="notes-title">
      <h2 class="section-title" id="notes-title">
        {m.notes}
      </h2>
      <form class="stack" onSubmit={(e) => void submit(e)} noValidate>
        <label class="field-label" for="note-body">
          {m.noteLabel}
        </label>
        <textarea
          id="note-body"
          class="input textarea"
          rows={3}
          maxLength={2000}
          placeholder={m.notePlaceholder}
          value={body}
          aria-invalid={invalid ? true : undefined}
          aria-describedby={invalid ? 'note-error' : undefined}
          onInput={(e) => {
            setBody(e.currentTarget.value)
            setInvalid(undefined)
          }}
        />
        <FieldError id="note-error" message={invalid} />
        {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
        <button class="btn justify-end" type="submit" disabled={busy}>
          {busy ? t().saving : m.addNote}
        </button>
      </form>
      {notes.length === 0 ? (
        <p class="muted">{m.noNotes}</p>
      ) : (
        <ol class="notes">
          {notes.map((note) => (
            <li key={note.id} class="note">
              <p class="note-meta">
                <strong>{note.staffName ?? m.unknownStaff}</strong>
                <span class="muted">{formatDateTime(note.createdAt, locale())}</span>
              </p>
              <p class="note-body">{note.body}</p>
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}
