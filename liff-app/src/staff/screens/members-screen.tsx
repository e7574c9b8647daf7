import type { MemberListItem, MembersPage, Tag } from '@joren/shared'
import { useEffect, useState } from 'preact/hooks'
import { queryString } from '../../lib/api-client.ts'
import { formatDate } from '../../lib/format.ts'
import { formatMemberNumber } from '../../lib/member-number.ts'
import { navigate } from '../../lib/router.ts'
import { usePlace } from '../../lib/use-place.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ChevronRightIcon, SearchIcon } from '../../ui/icons.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { FollowBadge } from '../components/follow-badge.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { useStaff } from '../context.ts'
import { locale, t } from '../messages.ts'
import { BASE, href } from '../paths.ts'

const PAGE_SIZE = 50

interface Filters {
  q: string
  tag: string
  blocked: '' | 'true' | 'false'
  followedSince: string
}

function readFilters(search: URLSearchParams): Filters {
  const blocked = search.get('blocked')
  return {
    q: search.get('q') ?? '',
    tag: search.get('tag') ?? '',
    blocked: blocked === 'true' || blocked === 'false' ? blocked : '',
    followedSince: search.get('followedSince') ?? '',
  }
}

/**
 * Find members by name or number, filter by tag, friend status and follow date. The server pages
 * by key (`nextCursor`), so 100,000 members cost the same as 100: 50 rows at a time.
 */
export default function MembersScreen() {
  const { api } = useStaff()
  const m = t().members
  const { search } = usePlace(BASE)
  const filters = readFilters(search)
  const key = JSON.stringify(filters)
  const [typed, setTyped] = useState(filters.q)
  const [items, setItems] = useState<MemberListItem[]>([])
  const [next, setNext] = useState<string | null>(null)
  const [loading, setLoading] = useState<'first' | 'more' | null>('first')
  const [error, setError] = useState<unknown>(null)
  const [round, setRound] = useState(0)
  const tags = useResource(
    (signal) => api.get<{ tags: Tag[] }>('/api/staff/tags', { signal }),
    'tags',
  )

  const update = (patch: Partial<Filters>) =>
    navigate(href('/members') + queryString({ ...filters, ...patch }), { replace: true })

  const fetchPage = (cursor: string | null, signal?: AbortSignal) =>
    api.get<MembersPage>(
      `/api/staff/members${queryString({ ...filters, cursor, limit: PAGE_SIZE })}`,
      { signal },
    )

  useEffect(() => {
    const controller = new AbortController()
    setLoading('first')
    setError(null)
    fetchPage(null, controller.signal).then(
      (page) => {
        setItems(page.items)
        setNext(page.nextCursor)
        setLoading(null)
      },
      (failure: unknown) => {
        if (controller.signal.aborted) return
        setError(failure)
        setLoading(null)
      },
    )
    return () => controller.abort()
    // `key` stands for the filters.
  }, [key, round])

  // Typing searches after a short pause, not on every key.
  useEffect(() => {
    if (typed.trim() === filters.q) return
    const timer = setTimeout(() => update({ q: typed.trim() }), 300)
    return () => clearTimeout(timer)
  }, [typed])

  const more = async () => {
    if (!next) return
    setLoading('more')
    setError(null)
    try {
      const page = await fetchPage(next)
      setItems((shown) => [...shown, ...page.items])
      setNext(page.nextCursor)
    } catch (failure) {
      setError(failure)
    } finally {
      setLoading(null)
    }
  }

  const filtered = filters.q || filters.tag || filters.blocked || filters.followedSince
  return (
    <div class="stack">
      <PageHeader title={m.title} />
      <form
        class="filters card"
        role="search"
        onSubmit={(e) => {
          e.preventDefault()
          update({ q: typed.trim() })
        }}
      >
        <label class="search">
          <span class="sr-only">{m.searchLabel}</span>
          <SearchIcon size={20} />
          <input
            class="input"
            type="search"
            inputMode="search"
            placeholder={m.search}
            value={typed}
            maxLength={50}
            onInput={(e) => setTyped(e.currentTarget.value)}
          />
        </label>
        <div class="filter-row">
          <label class="filter">
            <span class="field-hint">{m.tag}</span>
            <select
              class="input"
              value={filters.tag}
              onChange={(e) => update({ tag: e.currentTarget.value })}
            >
              <option value="">{m.anyTag}</option>
              {tags.data?.tags.map((tag) => (
                <option key={tag.id} value={String(tag.id)}>
                  {tag.name}
                </option>
              ))}
            </select>
          </label>
          <label class="filter">
            <span class="field-hint">{m.state}</span>
            <select
              class="input"
              value={filters.blocked}
              onChange={(e) => update({ blocked: e.currentTarget.value as Filters['blocked'] })}
            >
              <option value="">{m.anyState}</option>
              <option value="false">{m.following}</option>
              <option value="true">{m.blocked}</option>
            </select>
          </label>
          <label class="filter">
            <span class="field-hint">{m.followedSince}</span>
            <input
              class="input"
              type="date"
              value={filters.followedSince}
              onChange={(e) => update({ followedSince: e.currentTarget.value })}
            />
          </label>
          {filtered && (
            <button
              class="btn btn-secondary btn-sm filter-clear"
              type="button"
              onClick={() => {
                setTyped('')
                navigate(href('/members'), { replace: true })
              }}
            >
              {m.clear}
            </button>
          )}
        </div>
      </form>

      {loading === 'first' ? (
        <ListSkeleton />
      ) : error && items.length === 0 ? (
        <ErrorPanel error={error} onRetry={() => setRound((r) => r + 1)} />
      ) : items.length === 0 ? (
        <p class="empty card">{filtered ? m.empty : m.emptyAll}</p>
      ) : (
        <>
          <div class="member-table card">
            <div class="member-head" aria-hidden="true">
              <span>{m.number}</span>
              <span>{m.name}</span>
              <span>{m.state}</span>
              <span>{m.tags}</span>
              <span>{m.followedAt}</span>
            </div>
            <ul class="member-list">
              {items.map((member) => (
                <li key={member.memberNumber}>
                  <MemberRow member={member} />
                </li>
              ))}
            </ul>
          </div>
          <div class="list-foot">
            <span class="muted" role="status">
              {m.shown(items.length)}
            </span>
            {error !== null && <ErrorPanel error={error} onRetry={() => void more()} />}
            {next && (
              <button
                class="btn btn-secondary"
                type="button"
                disabled={loading === 'more'}
                onClick={() => void more()}
              >
                {loading === 'more' ? t().loading : t().more}
              </button>
            )}
          </div>
        </>
      )}
    </div>
  )
}

function MemberRow({ member }: { member: MemberListItem }) {
  const m = t().members
  return (
    <a class="member-row" href={href(`/members/${member.memberNumber}`)}>
      <span class="mono member-number">{formatMemberNumber(member.memberNumber)}</span>
      <span class="member-name">{member.displayName ?? m.noName}</span>
      <span>
        <FollowBadge state={member.followState} />
      </span>
      <span class="tag-list">
        {member.tags.map((tag) => (
          <span class="chip-sm" key={tag.id}>
            {tag.name}
          </span>
        ))}
      </span>
      <span class="member-date muted">
        {member.followedAt ? formatDate(member.followedAt, locale()) : ''}
      </span>
      <span class="member-go" aria-hidden="true">
        <ChevronRightIcon size={18} />
      </span>
    </a>
  )
}

function ListSkeleton() {
  return (
    <div class="card stack" aria-busy="true">
      <span class="sr-only" role="status">
        {t().loading}
      </span>
      {[0, 1, 2, 3, 4, 5].map((i) => (
        <span class="skel" key={i} style="height:40px" />
      ))}
    </div>
  )
}
