import { AlertIcon, SearchIcon } from '../../ui/icons.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { useStaff } from '../context.ts'
import { href } from '../paths.ts'
import { ConversationList } from './conversation-list.tsx'
import type { StatusFilter } from './conversation-list-model.ts'
import { useInboxModel } from './inbox-model.ts'
import { supportText } from '../support/support-messages.ts'
import { ConversationView } from './conversation-view.tsx'

/** The staff inbox: conversations, the chosen thread with the member beside it, the reply box. */
export default function InboxScreen({ params }: { params: Record<string, string> }) {
  const { me, can } = useStaff()
  const m = supportText().inbox
  const selectedId = params.id ? Number(params.id) : null
  const {
    filter,
    setFilter,
    typed,
    setTyped,
    list,
    listError,
    loadingMore,
    live,
    openAlerts,
    announcement,
    more,
    changed,
    refresh,
    setStatus,
  } = useInboxModel(selectedId)

  return (
    <div class="inbox" data-selected={selectedId !== null ? '' : undefined}>
      <div class="inbox-head">
        <PageHeader title={m.title}>
          <div class="inline-actions">
            <a class="btn btn-secondary btn-sm" href={href('/alerts')}>
              <AlertIcon size={18} />
              {m.alertsLink}
              {openAlerts > 0 && (
                <span class="count-badge">
                  <span aria-hidden="true">{openAlerts}</span>
                  <span class="sr-only">{m.alertsCount(openAlerts)}</span>
                </span>
              )}
            </a>
            {can('support.manage') && (
              <a class="btn btn-secondary btn-sm" href={href('/faq')}>
                {m.faqLink}
              </a>
            )}
          </div>
        </PageHeader>
      </div>
      <section class="inbox-list" aria-labelledby="inbox-list-title">
        <h2 class="sr-only" id="inbox-list-title">
          {m.listLabel}
        </h2>
        <div class="inbox-filters">
          <label class="search">
            <span class="sr-only">{m.searchLabel}</span>
            <SearchIcon size={20} />
            <input
              class="input"
              type="search"
              maxLength={50}
              placeholder={m.search}
              value={typed}
              onInput={(e) => setTyped(e.currentTarget.value)}
            />
          </label>
          <div class="filter-row">
            <label class="filter">
              <span class="small muted">{m.statusFilter}</span>
              <select
                class="input"
                value={filter.status}
                onChange={(e) => setStatus(e.currentTarget.value as StatusFilter)}
              >
                <option value="active">
                  {m.status.open}・{m.status.pending}
                </option>
                <option value="open">{m.status.open}</option>
                <option value="pending">{m.status.pending}</option>
                <option value="closed">{m.status.closed}</option>
                <option value="all">{m.allStatuses}</option>
              </select>
            </label>
            <label class="check">
              <input
                type="checkbox"
                checked={filter.assignedTo !== null}
                onChange={(e) => {
                  const mine = e.currentTarget.checked
                  setFilter((f) => ({ ...f, assignedTo: mine ? me.id : null }))
                }}
              />
              {m.mineOnly}
            </label>
          </div>
        </div>
        <p class="sr-only" role="status" aria-live="polite">
          {announcement}
        </p>
        {listError !== null && !list ? (
          <ErrorPanel error={listError} onRetry={() => setFilter((f) => ({ ...f }))} />
        ) : (
          <ConversationList
            page={list}
            selectedId={selectedId}
            filtered={filter.q.trim() !== '' || filter.status !== 'active' || !!filter.assignedTo}
            loadingMore={loadingMore}
            onMore={() => void more()}
          />
        )}
      </section>
      {selectedId === null ? (
        <div class="inbox-thread inbox-placeholder">
          <p class="muted">{m.choose}</p>
        </div>
      ) : (
        <ConversationView
          key={selectedId}
          id={selectedId}
          live={live}
          onChanged={changed}
          onSent={refresh}
        />
      )}
    </div>
  )
}
