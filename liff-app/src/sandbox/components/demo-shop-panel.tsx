import { useState } from 'preact/hooks'
import { sandboxApi } from '../api.ts'
import { useT } from '../i18n.ts'

/** Fills the sandbox with the demo café (npm run seed:demo does the same from the shell). */
export function DemoShopPanel() {
  const t = useT()
  const m = t.demo
  const [busy, setBusy] = useState(false)
  const [status, setStatus] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const seed = async () => {
    setBusy(true)
    setError(null)
    setStatus(null)
    try {
      const result = await sandboxApi.seedDemoShop()
      setStatus(m.done(result.members, result.purchases))
    } catch (failure) {
      setError(`${m.failed}: ${failure instanceof Error ? failure.message : String(failure)}`)
    } finally {
      setBusy(false)
    }
  }
  return (
    <section class="panel" aria-labelledby="demo-shop-title" data-testid="sandbox-demo-shop">
      <h2 id="demo-shop-title">{m.title}</h2>
      <p class="muted small">{m.help}</p>
      <button type="button" class="btn btn-sm" disabled={busy} onClick={() => void seed()}>
        {busy ? m.working : m.button}
      </button>
      {status && (
        <p class="small" role="status">
          {status}
        </p>
      )}
      {error && (
        <p role="alert" class="small clock-error">
          {error}
        </p>
      )}
    </section>
  )
}
