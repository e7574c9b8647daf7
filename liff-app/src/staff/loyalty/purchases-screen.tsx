import type { Purchase } from '@joren/shared'
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { queryString } from '../../lib/api-client.ts'
import { formatDateTime } from '../../lib/format.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ConfirmDialog } from '../components/confirm-dialog.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { useStaff } from '../context.ts'
import { locale } from '../messages.ts'
import { href } from '../paths.ts'
import './loyalty.css'
import { loyaltyText } from './messages.ts'

/** Purchase history filtered by member and date; owners and admins refund from here. */
export default function PurchasesScreen() {
  const { api, can, toast } = useStaff()
  const m = loyaltyText()
  const p = m.purchases
  const [filter, setFilter] = useState({ memberNumber: '', from: '', to: '' })
  const [query, setQuery] = useState(filter)
  const [refunding, setRefunding] = useState<Purchase | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const list = useResource(
    (signal) =>
      api.get<{ purchases: Purchase[] }>(`/api/staff/purchases${queryString(query)}`, { signal }),
    JSON.stringify(query),
  )

  const submit = (e: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault()
    setQuery({ ...filter, memberNumber: filter.memberNumber.replace(/\D/g, '') })
  }

  const refund = async () => {
    if (!refunding) return
    setBusy(true)
    setError(null)
    try {
      await api.send('POST', `/api/staff/purchases/${refunding.id}/refund`)
      toast(p.refundDone)
      list.reload()
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
      setRefunding(null)
    }
  }

  return (
    <div class="stack">
      <PageHeader title={p.title} intro={p.intro}>
        <div class="pick-chips">
          {can('purchases.import') && (
            <a class="btn btn-secondary btn-sm" href={href('/purchases/import')}>
              {p.importLink}
            </a>
          )}
          <a class="btn btn-secondary btn-sm" href={href('/loyalty')}>
            {p.loyaltyLink}
          </a>
          {can('apikeys.manage') && (
            <a class="btn btn-secondary btn-sm" href={href('/api-keys')}>
              {p.keysLink}
            </a>
          )}
        </div>
      </PageHeader>
      <form class="card stack" onSubmit={submit}>
        <label class="field-label" for="purchases-member">
          {p.memberNumber}
        </label>
        <input
          id="purchases-member"
          class="input mono"
          inputMode="numeric"
          value={filter.memberNumber}
          onInput={(e) => setFilter({ ...filter, memberNumber: e.currentTarget.value })}
        />
        <label class="field-label" for="purchases-from">
          {p.from}
        </label>
        <input
          id="purchases-from"
          class="input"
          type="date"
          value={filter.from}
          onInput={(e) => setFilter({ ...filter, from: e.currentTarget.value })}
        />
        <label class="field-label" for="purchases-to">
          {p.to}
        </label>
        <input
          id="purchases-to"
          class="input"
          type="date"
          value={filter.to}
          onInput={(e) => setFilter({ ...filter, to: e.currentTarget.value })}
        />
        <button class="btn btn-secondary" type="submit">
          {p.search}
        </button>
      </form>
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      {list.error !== null && <ErrorPanel error={list.error} onRetry={list.reload} />}
      {list.data &&
        (list.data.purchases.length === 0 ? (
          <p class="muted">{p.empty}</p>
        ) : (
          <ul class="rows card">
            {list.data.purchases.map((x) => (
              <li class="row" key={x.id}>
                <div class="grow">
                  <strong>{m.yen(x.amountYen)}</strong>{' '}
                  <span class="chip-sm">{p.source[x.source]}</span>
                  <div class="muted">
                    {formatDateTime(x.purchasedAt, locale())} ·{' '}
                    <a class="mono" href={href(`/members/${x.memberNumber}`)}>
                      {x.memberNumber}
                    </a>{' '}
                    · +{m.pt(x.pointsGranted)}
                    {x.externalId && ` · ${x.externalId}`}
                  </div>
                </div>
                {x.status === 'refunded' ? (
                  <span class="chip-sm">{p.refunded}</span>
                ) : (
                  can('purchases.refund') && (
                    <button
                      class="btn btn-sm btn-secondary"
                      type="button"
                      onClick={() => setRefunding(x)}
                    >
                      {p.refund}
                    </button>
                  )
                )}
              </li>
            ))}
          </ul>
        ))}
      <ConfirmDialog
        open={refunding !== null}
        title={p.refundTitle}
        body={refunding ? p.refundBody(m.yen(refunding.amountYen), refunding.pointsGranted) : ''}
        confirmLabel={p.refund}
        busy={busy}
        onConfirm={() => void refund()}
        onCancel={() => setRefunding(null)}
      />
    </div>
  )
}
