import {
  MEMBER_SORT_KEYS,
  type MemberListItem,
  type MemberSortKey,
  type MembersPage,
  type Tag,
} from '@joren/shared'
import { useEffect, useState } from 'preact/hooks'
import { readApiError } from '../../lib/api-error.ts'
import { queryString } from '../../lib/api-client.ts'
import { navigate } from '../../lib/router.ts'
import { usePlace } from '../../lib/use-place.ts'
import { useResource } from '../../lib/use-resource.ts'
import { useStaff } from '../context.ts'
import { t } from '../messages.ts'
import { BASE, href } from '../paths.ts'

const PAGE_SIZE = 50

export interface Filters {
  q: string
  tag: string
  blocked: '' | 'true' | 'false'
  followedSince: string
  /** The list's order (server-side); '' is the default, newest member first. */
  sort: '' | MemberSortKey
  dir: '' | 'asc' | 'desc'
}

/** The orders offered, as `sort:dir`. */
export const ORDERS = [
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

/**
 * The member list's state: the filters and order (kept in the address), the keyset pages shown so
 * far, "show more", and the CSV download of the current filter and order.
 */
export function useMembersModel() {
  const { api, session, toast } = useStaff()
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

  const filtered = Boolean(
    filters.q || filters.tag || filters.blocked || filters.followedSince || filters.sort,
  )
  const clear = () => {
    setTyped('')
    navigate(href('/members'), { replace: true })
  }
  const retry = () => setRound((r) => r + 1)
  return {
    filters,
    typed,
    setTyped,
    update,
    clear,
    filtered,
    tags: tags.data?.tags ?? [],
    items,
    next,
    loading,
    error,
    retry,
    more,
    download,
    downloading,
    downloadError,
  }
}
