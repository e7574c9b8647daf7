import type { MemberListItem, MemberSortKey } from '@joren/shared'
import { formatDate } from '../../lib/format.ts'
import { formatMemberNumber } from '../../lib/member-number.ts'
import { ChevronRightIcon, SearchIcon } from '../../ui/icons.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { FollowBadge } from '../components/follow-badge.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { useStaff } from '../context.ts'
import { locale, t } from '../messages.ts'
import { href } from '../paths.ts'
import { ORDERS, useMembersModel, type Filters } from './members-model.ts'

const yen = new Intl.NumberFormat('ja-JP')

/**
 * Find members by name or number, filter by tag, friend status and follow date. The server pages
 * by key (`nextCursor`), so 100,000 members cost the same as 100: 50 rows at a time.
 */
export default function MembersScreen() {
  const { can } = useStaff()
  const m = t().members
  const model = useMembersModel()
  const { filters, update, items } = model
  return (
    <div class="stack">
      <PageHeader title={m.title}>
        {can('members.list_export') && (
          <button
            class="btn btn-secondary"
            type="button"
            disabled={model.downloading}
            onClick={() => void model.download()}
          >
            {model.downloading ? t().loading : m.csv}
          </button>
        )}
      </PageHeader>
      {model.downloadError !== null && (
        <ErrorPanel error={model.downloadError} onRetry={() => void model.download()} />
      )}
      <form
        class="filters card"
        role="search"
        onSubmit={(e) => {
          e.preventDefault()
          update({ q: model.typed.trim() })
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
            value={model.typed}
            maxLength={50}
            onInput={(e) => model.setTyped(e.currentTarget.value)}
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
              {model.tags.map((tag) => (
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
          {model.filtered && (
            <button
              class="btn btn-secondary btn-sm filter-clear"
              type="button"
              onClick={model.clear}
            >
              {m.clear}
            </button>
          )}
        </div>
      </form>

      {model.loading === 'first' ? (
        <ListSkeleton />
      ) : model.error && items.length === 0 ? (
        <ErrorPanel error={model.error} onRetry={model.retry} />
      ) : items.length === 0 ? (
        <p class="empty card">{model.filtered ? m.empty : m.emptyAll}</p>
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
            {model.error !== null && (
              <ErrorPanel error={model.error} onRetry={() => void model.more()} />
            )}
            {model.next && (
              <button
                class="btn btn-secondary"
                type="button"
                disabled={model.loading === 'more'}
                onClick={() => void model.more()}
              >
                {model.loading === 'more' ? t().loading : t().more}
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
