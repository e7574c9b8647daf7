import type { CsvImportResult } from '@joren/shared'
import { useState } from 'preact/hooks'
import { readApiError } from '../../lib/api-error.ts'
import { ErrorPanel } from '../components/error-panel.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { useStaff } from '../context.ts'
import './loyalty.css'
import { loyaltyText } from './messages.ts'

/** CSV import: preview (per-row errors with line numbers), then commit the whole file. */
export default function ImportScreen() {
  const { session, toast } = useStaff()
  const m = loyaltyText().import
  const [text, setText] = useState<string | null>(null)
  const [result, setResult] = useState<CsvImportResult | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const [points, setPoints] = useState<'grant' | 'none'>('grant')

  const send = async (dryRun: boolean) => {
    if (text === null) return
    setBusy(true)
    setError(null)
    try {
      const response = await fetch(
        `/api/staff/purchases/import?dryRun=${dryRun}&points=${points}`,
        {
          method: 'POST',
          headers: {
            accept: 'application/json',
            authorization: `Bearer ${await session.idToken()}`,
            'content-type': 'text/csv; charset=utf-8',
          },
          body: text,
        },
      )
      if (!response.ok && response.status !== 422) throw await readApiError(response)
      const body = (await response.json()) as CsvImportResult
      setResult(body)
      if (!dryRun && body.errors.length === 0) toast(m.committed(body.committed))
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }

  const ok = result !== null && result.errors.length === 0
  return (
    <div class="stack">
      <PageHeader title={m.title} intro={m.intro} />
      <section class="card stack">
        <label class="field-label" for="csv-file">
          {m.file}
        </label>
        <input
          id="csv-file"
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => {
            const file = e.currentTarget.files?.[0]
            setResult(null)
            if (file) void file.text().then(setText)
          }}
        />
        <fieldset class="stack" style={{ border: 0, padding: 0, margin: 0 }}>
          <legend class="field-label">{m.pointsLabel}</legend>
          {(['grant', 'none'] as const).map((choice) => (
            <label key={choice} class="row">
              <input
                type="radio"
                name="csv-points"
                value={choice}
                checked={points === choice}
                onChange={() => {
                  setPoints(choice)
                  setResult(null)
                }}
              />
              {choice === 'grant' ? m.pointsGrant : m.pointsNone}
            </label>
          ))}
        </fieldset>
        <button
          class="btn btn-secondary"
          type="button"
          disabled={busy || text === null}
          onClick={() => void send(true)}
        >
          {m.preview}
        </button>
      </section>
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      {result && (
        <section class="card stack" data-testid="csv-result">
          <p>{m.rows(result.rows)}</p>
          {result.dryRun && ok && (
            <p>{m.ok(result.rows - result.skipped.length, result.pointsGranted)}</p>
          )}
          {!result.dryRun && ok && <p role="status">{m.committed(result.committed)}</p>}
          {result.errors.length > 0 && (
            <>
              <strong>{m.errors}</strong>
              <ul class="csv-errors">
                {result.errors.map((x) => (
                  <li key={x.line}>
                    {m.line(x.line)}: {x.message}
                  </li>
                ))}
              </ul>
            </>
          )}
          {result.skipped.length > 0 && (
            <>
              <strong>{m.skipped}</strong>
              <ul>
                {result.skipped.map((x) => (
                  <li key={x.line}>
                    {m.line(x.line)}: {x.externalId}
                  </li>
                ))}
              </ul>
            </>
          )}
          {result.dryRun && ok && (
            <button class="btn" type="button" disabled={busy} onClick={() => void send(false)}>
              {m.commit}
            </button>
          )}
        </section>
      )}
    </div>
  )
}
