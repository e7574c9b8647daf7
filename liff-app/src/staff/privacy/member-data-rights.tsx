import { MEMBER_EXPORT_TABLES, type MemberEraseResult, type MemberExportTable } from '@joren/shared'
import { useState } from 'preact/hooks'
import { ApiError } from '../../lib/api-error.ts'
import { formatDateTime } from '../../lib/format.ts'
import { ErrorPanel } from '../components/error-panel.tsx'
import { useStaff } from '../context.ts'
import { locale } from '../messages.ts'
import { downloadFile } from './download.ts'
import { privacyText } from './messages.ts'

/**
 * On the member page (owner only): export this member's data (JSON, or one table as CSV) and
 * erase their personal data on request, after typing the member number again.
 */
export function MemberDataRights({
  memberNumber,
  erasedAt,
  onErased,
}: {
  memberNumber: string
  erasedAt: number | null
  onErased(): void
}) {
  const { api, session, toast } = useStaff()
  const m = privacyText().card
  const base = `/api/staff/members/${encodeURIComponent(memberNumber)}`
  const [table, setTable] = useState<MemberExportTable>('profile')
  const [confirm, setConfirm] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)

  const download = async (format: 'json' | 'csv') => {
    setError(null)
    try {
      await downloadFile(
        session,
        format === 'json' ? `${base}/export` : `${base}/export?format=csv&table=${table}`,
        `member-${memberNumber}.${format}`,
      )
      toast(m.downloaded)
    } catch (failure) {
      setError(failure)
    }
  }

  const erase = async () => {
    if (busy) return
    setBusy(true)
    setError(null)
    try {
      const result = await api.send<MemberEraseResult>('POST', `${base}/erase`, {
        confirmMemberNumber: confirm.replace(/\D/g, ''),
      })
      toast(m.erased(result.cancelledMessages))
      onErased()
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="card stack" aria-labelledby="data-rights-title" data-testid="data-rights">
      <h2 id="data-rights-title">{m.title}</h2>
      <p class="muted">{m.intro}</p>
      <div class="row wrap">
        <button class="btn btn-secondary" type="button" onClick={() => void download('json')}>
          {m.exportJson}
        </button>
      </div>
      <div class="row wrap">
        <label class="sr-only" for="export-table">
          {m.table}
        </label>
        <select
          id="export-table"
          class="input"
          value={table}
          onChange={(e) => setTable(e.currentTarget.value as MemberExportTable)}
        >
          {MEMBER_EXPORT_TABLES.map((name) => (
            <option key={name} value={name}>
              {m.tables[name]}
            </option>
          ))}
        </select>
        <button class="btn btn-secondary" type="button" onClick={() => void download('csv')}>
          {m.exportCsv}
        </button>
      </div>
      {erasedAt !== null ? (
        <p class="muted" data-testid="erased-note">
          {m.alreadyErased(formatDateTime(erasedAt, locale()))}
        </p>
      ) : (
        <div class="stack">
          <h3>{m.eraseTitle}</h3>
          <p class="muted">{m.eraseHelp}</p>
          <label class="field-label" for="erase-confirm">
            {m.confirmLabel}
          </label>
          <input
            id="erase-confirm"
            class="input"
            inputMode="numeric"
            autoComplete="off"
            value={confirm}
            onInput={(e) => setConfirm(e.currentTarget.value)}
          />
          <button
            class="btn btn-danger"
            type="button"
            disabled={busy || confirm.replace(/\D/g, '') !== memberNumber}
            aria-busy={busy}
            onClick={() => void erase()}
          >
            {busy ? m.erasing : m.erase}
          </button>
        </div>
      )}
      {error !== null &&
        (error instanceof ApiError ? (
          <p class="form-alert" role="alert">
            {error.message}
          </p>
        ) : (
          <ErrorPanel error={error} />
        ))}
    </section>
  )
}
