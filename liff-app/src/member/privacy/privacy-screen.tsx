import type { MemberPrivacy } from '@joren/shared'
import { useState } from 'preact/hooks'
import { privacyEn } from '../../i18n/privacy-en.ts'
import { privacyJa } from '../../i18n/privacy-ja.ts'
import { ApiError } from '../../lib/api-error.ts'
import { formatDate } from '../../lib/format.ts'
import { useResource } from '../../lib/use-resource.ts'
import { Toast } from '../../ui/toast.tsx'
import { ErrorView } from '../components/error-view.tsx'
import { locale } from '../messages.ts'
import type { ScreenProps } from '../screen-props.ts'

export const privacyText = () => (locale() === 'en' ? privacyEn : privacyJa)

/**
 * The shop's privacy policy and terms (the version the member agreed to, or a way to agree), and
 * 「個人データの削除を依頼する」: a request that reaches staff as a task.
 */
export default function PrivacyScreen({ api, config }: ScreenProps) {
  const m = privacyText()
  const privacy = useResource(
    (signal) => api.get<MemberPrivacy>('/api/liff/privacy', { signal }),
    'privacy',
  )
  const [toast, setToast] = useState<string | null>(null)
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)

  const act = async (path: string, body: unknown, done: string | null) => {
    setBusy(true)
    setError(null)
    try {
      privacy.set(await api.send<MemberPrivacy>('POST', path, body))
      setConfirming(false)
      if (done) setToast(done)
    } catch (failure) {
      setError(failure)
      if (failure instanceof ApiError && failure.code === 'privacy_version_changed')
        privacy.reload()
    } finally {
      setBusy(false)
    }
  }

  const data = privacy.data
  if (!data)
    return privacy.error ? (
      <div class="page">
        <ErrorView error={privacy.error} config={config} onRetry={privacy.reload} />
      </div>
    ) : (
      <div class="page" aria-busy="true">
        <span class="skel" style="height:240px" />
      </div>
    )

  return (
    <div class="page privacy">
      <h1 class="page-title">{m.title}</h1>
      <section class="panel" aria-labelledby="privacy-policy-title">
        <h2 id="privacy-policy-title" class="field-label">
          {m.privacyPolicy}
        </h2>
        <div class="doc-text" data-testid="privacy-policy">
          {data.privacyPolicy}
        </div>
      </section>
      <section class="panel" aria-labelledby="terms-title">
        <h2 id="terms-title" class="field-label">
          {m.terms}
        </h2>
        <div class="doc-text" data-testid="terms">
          {data.terms}
        </div>
      </section>
      <section class="panel">
        {data.agreedAt !== null ? (
          <p class="muted" data-testid="agreed">
            {m.agreedOn(formatDate(data.agreedAt, locale()))}
          </p>
        ) : (
          <button
            class="btn btn-block"
            type="button"
            disabled={busy}
            onClick={() => void act('/api/liff/privacy/agree', { version: data.version }, m.agreed)}
          >
            {m.agree}
          </button>
        )}
      </section>
      <section class="panel" aria-labelledby="deletion-title" data-testid="deletion">
        <h2 id="deletion-title" class="field-label">
          {m.deletionTitle}
        </h2>
        <p class="field-hint">{m.deletionHelp}</p>
        {data.deletionRequestedAt !== null ? (
          <p class="form-note" role="status" data-testid="deletion-requested">
            {m.requested(formatDate(data.deletionRequestedAt, locale()))}
          </p>
        ) : confirming ? (
          <div class="privacy-actions">
            <p role="alert">{m.confirmDeletion}</p>
            <button
              class="btn btn-danger btn-block"
              type="button"
              disabled={busy}
              aria-busy={busy}
              onClick={() =>
                void act('/api/liff/privacy/deletion-request', { confirm: true }, null)
              }
            >
              {busy ? m.sending : m.sendRequest}
            </button>
            <button
              class="btn btn-secondary btn-block"
              type="button"
              onClick={() => setConfirming(false)}
            >
              {m.cancel}
            </button>
          </div>
        ) : (
          <button
            class="btn btn-secondary btn-block"
            type="button"
            onClick={() => setConfirming(true)}
          >
            {m.requestDeletion}
          </button>
        )}
      </section>
      {error !== null && (
        <p class="form-alert" role="alert">
          {error instanceof ApiError ? error.message : String(error)}
        </p>
      )}
      <Toast message={toast} onDone={() => setToast(null)} />
    </div>
  )
}
