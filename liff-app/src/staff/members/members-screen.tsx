import {
  MEMBER_SORT_KEYS,
  type MemberListItem,
  type MemberSortKey,
  type MembersPage,
  type Tag,
} from '@joren/shared'
import { readApiError } from '../../lib/api-error.ts'
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
  /** The list's order (server-side); '' is the default, newest member first. */
  sort: '' | MemberSortKey
  dir: '' | 'asc' | 'desc'
}

/** The orders offered, as `sort:dir`. */
const ORDERS = [
  'joined:desc',
  'lastVisit:desc',
  'lastVisit:asc',
  'visits:desc',
  'spend:desc',
  'points:desc',
  'tier:desc',
  'tier:asc',
] as const

function readFilters(search: URLSearchParams): Filters {
  const blocked = search.get('blocked')
  const sort = search.get('sort') ?? ''
  const dir = search.get('dir') ?? ''
  return {
    q: search.get('q') ?? '',
    tag: search.get('tag') ?? '',
    blocked: blocked === 'true' || blocked === 'false' ? blocked : '',
    followedSince: search.get('followedSince') ?? '',
    sort: (MEMBER_SORT_KEYS as readonly string[]).includes(sort) ? (sort as MemberSortKey) : '',
    dir: dir === 'asc' || dir === 'desc' ? dir : '',
  }
}

const yen = new Intl.NumberFormat('ja-JP')

/**
 * Find members by name or number, filter by tag, friend status and follow date. The server pages
 * by key (`nextCursor`), so 100,000 members cost the same as 100: 50 rows at a time.
 */
export default function MembersScreen() {
  const { api, session, can, toast } = useStaff()
  const m = t().members
  const [downloading, setDownloading] = useState(false)
  const [downloadError, setDownloadError] = useState<unknown>(null)
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

  /** The current filter and order as CSV (the server streams it page by page). */
  const download = async () => {
    setDownloading(true)
    setDownloadError(null)
    try {
      const response = await fetch(`/api/staff/members/export.csv${queryString({ ...filters })}`, {
        headers: { authorization: `Bearer ${await session.idToken()}` },
      })
      if (!response.ok) throw await readApiError(response)
      const blob = await response.blob()
      const name =
        /filename="?([^";]+)"?/.exec(response.headers.get('content-disposition') ?? '')?.[1] ??
        'members.csv'
      const url = URL.createObjectURL(blob)
      const link = document.createElement('a')
      link.href = url
      link.download = name
      document.body.append(link)
      link.click()
      link.remove()
      setTimeout(() => URL.revokeObjectURL(url), 1000)
      toast(m.downloaded)
    } catch (failure) {
      setDownloadError(failure)
    } finally {
      setDownloading(false)
    }
  }

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

  const filtered =
    filters.q || filters.tag || filters.blocked || filters.followedSince || filters.sort
  return (
    <div class="stack">
      <PageHeader title={m.title}>
        {can('members.list_export') && (
          <button
            class="btn btn-secondary"
            type="button"
            disabled={downloading}
            onClick={() => void download()}
          >
            {downloading ? t().loading : m.csv}
          </button>
        )}
      </PageHeader>
      {downloadError !== null && (
        <ErrorPanel error={downloadError} onRetry={() => void download()} />
      )}
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
            <span class="field-hint">{m.order}</span>
            <select
              class="input"
              value={`${filters.sort || 'joined'}:${filters.dir || 'desc'}`}
              onChange={(e) => {
                const [sort, dir] = e.currentTarget.value.split(':') as [
                  MemberSortKey,
                  'asc' | 'desc',
                ]
                update(sort === 'joined' && dir === 'desc' ? { sort: '', dir: '' } : { sort, dir })
              }}
            >
              {ORDERS.map((order) => (
                <option key={order} value={order}>
                  {m.orders[order]}
                </option>
              ))}
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
              <span>{m.tier}</span>
              <span class="num">{m.points}</span>
              <span>{m.lastVisit}</span>
              <span class="num">{m.visits}</span>
              <span class="num">{m.spend}</span>
              <span>{m.tags}</span>
              <span />
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
      <span class="member-tier">{member.tierName ?? ''}</span>
      <span class="member-fig num" title={m.points}>
        <span class="member-fig-label">{m.points} </span>
        {yen.format(member.points)} pt
      </span>
      <span class="member-fig member-last" title={m.lastVisit}>
        <span class="member-fig-label">{m.lastVisit} </span>
        {member.lastVisitAt ? formatDate(member.lastVisitAt, locale()) : m.noVisit}
      </span>
      <span class="member-fig num" title={m.visits}>
        <span class="member-fig-label">{m.visits} </span>
        {m.times(member.visits)}
      </span>
      <span class="member-fig num" title={m.spend}>
        <span class="member-fig-label">{m.spend} </span>
        {yen.format(member.spendYen)}円
      </span>
      <span class="tag-list">
        {member.tags.map((tag) => (
          <span class="chip-sm" key={tag.id}>
            {tag.name}
          </span>
        ))}
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
