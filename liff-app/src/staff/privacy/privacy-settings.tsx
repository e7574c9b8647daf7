import { SHOP_EXPORT_NEXT_HEADER, SHOP_EXPORT_TABLES, type PrivacyDocuments } from '@joren/shared'
import { useState } from 'preact/hooks'
import { ApiError } from '../../lib/api-error.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ErrorPanel } from '../components/error-panel.tsx'
import { useStaff } from '../context.ts'
import { downloadFile } from './download.ts'
import { privacyText } from './messages.ts'

/** Settings: the privacy policy and terms the mini-app shows (owner edits; every role reads). */
export function PrivacyDocumentsCard() {
  const { api } = useStaff()
  const docs = useResource(
    (signal) => api.get<PrivacyDocuments>('/api/staff/privacy', { signal }),
    'privacy-documents',
  )
  const m = privacyText().docs
  return (
    <section class="card stack" aria-labelledby="privacy-docs-title" data-testid="privacy-docs">
      <h2 id="privacy-docs-title">{m.title}</h2>
      <p class="muted">{m.intro}</p>
      {docs.data ? (
        <DocumentsForm key={docs.data.version} initial={docs.data} onSaved={docs.set} />
      ) : docs.error ? (
        <ErrorPanel error={docs.error} onRetry={docs.reload} />
      ) : (
        <span class="skel" style="height:160px" />
      )}
    </section>
  )
}

function DocumentsForm({
  initial,
  onSaved,
}: {
  initial: PrivacyDocuments
  onSaved(d: PrivacyDocuments): void
}) {
  const { api, can, toast } = useStaff()
  const m = privacyText().docs
  const editable = can('privacy.write')
  const [privacyPolicy, setPrivacyPolicy] = useState(initial.privacyPolicy)
  const [terms, setTerms] = useState(initial.terms)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const save = async () => {
    setBusy(true)
    setError(null)
    try {
      onSaved(
        await api.send<PrivacyDocuments>('PUT', '/api/staff/privacy', { privacyPolicy, terms }),
      )
      toast(m.saved)
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  return (
    <div class="stack">
      <p class="muted">{m.version(initial.version)}</p>
      <label class="field-label" for="privacy-policy">
        {m.privacyPolicy}
      </label>
      <textarea
        id="privacy-policy"
        class="textarea"
        rows={12}
        readOnly={!editable}
        value={privacyPolicy}
        onInput={(e) => setPrivacyPolicy(e.currentTarget.value)}
      />
      <label class="field-label" for="terms">
        {m.terms}
      </label>
      <textarea
        id="terms"
        class="textarea"
        rows={12}
        readOnly={!editable}
        value={terms}
        onInput={(e) => setTerms(e.currentTarget.value)}
      />
      {error !== null && (
        <p class="form-alert" role="alert">
          {error instanceof ApiError ? error.message : String(error)}
        </p>
      )}
      {editable ? (
        <button
          class="btn"
          type="button"
          disabled={busy}
          aria-busy={busy}
          onClick={() => void save()}
        >
          {busy ? m.saving : m.save}
        </button>
      ) : (
        <p class="muted">{m.readOnly}</p>
      )}
    </div>
  )
}

/** Settings (owner): the whole shop as CSV, one table per download, streamed by the server. */
export function ShopExportCard() {
  const { session, toast } = useStaff()
  const m = privacyText()
  const [error, setError] = useState<unknown>(null)
  const download = async (table: (typeof SHOP_EXPORT_TABLES)[number]) => {
    setError(null)
    try {
      // One bounded page per request (a Worker's CPU limit); the cursor leads to the end.
      await downloadFile(
        session,
        `/api/staff/privacy/export/${table}`,
        `joren-${table}.csv`,
        SHOP_EXPORT_NEXT_HEADER,
      )
      toast(m.card.downloaded)
    } catch (failure) {
      setError(failure)
    }
  }
  return (
    <section class="card stack" aria-labelledby="shop-export-title">
      <h2 id="shop-export-title">{m.shopExport.title}</h2>
      <p class="muted">{m.shopExport.intro}</p>
      <div class="row wrap">
        {SHOP_EXPORT_TABLES.map((table) => (
          <button
            key={table}
            class="btn btn-secondary"
            type="button"
            onClick={() => void download(table)}
          >
            {m.shopExport.tables[table]}
          </button>
        ))}
      </div>
      {error !== null && (
        <p class="form-alert" role="alert">
          {error instanceof ApiError ? error.message : String(error)}
        </p>
      )}
    </section>
  )
}
