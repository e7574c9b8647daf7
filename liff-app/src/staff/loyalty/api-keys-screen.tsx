import type { ApiKey } from '@joren/shared'
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { formatDateTime } from '../../lib/format.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ConfirmDialog } from '../components/confirm-dialog.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { useStaff } from '../context.ts'
import { locale } from '../messages.ts'
import './loyalty.css'
import { loyaltyText } from './messages.ts'

/** Integration API keys: create (the key is shown once), list by prefix, revoke. */
export default function ApiKeysScreen() {
  const { api } = useStaff()
  const m = loyaltyText().keys
  const keys = useResource(
    (signal) => api.get<{ keys: ApiKey[] }>('/api/staff/api-keys', { signal }),
    'keys',
  )
  const [name, setName] = useState('')
  const [created, setCreated] = useState<string | null>(null)
  const [revoking, setRevoking] = useState<ApiKey | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)

  const create = async (e: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const res = await api.send<{ key: string }>('POST', '/api/staff/api-keys', {
        name,
        scopes: ['purchases:write'],
      })
      setCreated(res.key)
      setName('')
      keys.reload()
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }

  const revoke = async () => {
    if (!revoking) return
    setBusy(true)
    try {
      await api.send('DELETE', `/api/staff/api-keys/${revoking.id}`)
      keys.reload()
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
      setRevoking(null)
    }
  }

  return (
    <div class="stack">
      <PageHeader title={m.title} intro={m.intro} />
      <form class="card stack" onSubmit={(e) => void create(e)}>
        <label class="field-label" for="key-name">
          {m.name}
        </label>
        <input
          id="key-name"
          class="input"
          value={name}
          maxLength={40}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <button class="btn" type="submit" disabled={busy || !name.trim()}>
          {m.create}
        </button>
        {created && (
          <div class="stack" role="status">
            <strong>{m.shownOnce}</strong>
            <code class="key-once mono" data-testid="api-key">
              {created}
            </code>
          </div>
        )}
      </form>
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      {keys.data &&
        (keys.data.keys.length === 0 ? (
          <p class="muted">{m.empty}</p>
        ) : (
          <ul class="rows card">
            {keys.data.keys.map((k) => (
              <li class="row" key={k.id}>
                <div class="grow">
                  <strong>{k.name}</strong> <span class="mono">{k.prefix}…</span>
                  <div class="muted">
                    {k.scopes.join(', ')} ·{' '}
                    {k.lastUsedAt ? m.lastUsed(formatDateTime(k.lastUsedAt, locale())) : m.never}
                  </div>
                </div>
                {k.revokedAt ? (
                  <span class="chip-sm">{m.revoked}</span>
                ) : (
                  <button
                    class="btn btn-sm btn-secondary"
                    type="button"
                    onClick={() => setRevoking(k)}
                  >
                    {m.revoke}
                  </button>
                )}
              </li>
            ))}
          </ul>
        ))}
      <ConfirmDialog
        open={revoking !== null}
        title={m.revokeTitle}
        body={m.revokeBody}
        confirmLabel={m.revoke}
        busy={busy}
        onConfirm={() => void revoke()}
        onCancel={() => setRevoking(null)}
      />
    </div>
  )
}
