import type { PurchaseResult, RegisterMember, ShopSettings } from '@joren/shared'
import type { JSX } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { canScan, scanCode } from '../../lib/scan-code.ts'
import { useResource } from '../../lib/use-resource.ts'
import { CameraScan } from '../components/camera-scanner.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { useStaff } from '../context.ts'
import './loyalty.css'
import { loyaltyText } from './messages.ts'
import { RegisterConfirm, RegisterDone } from './register-steps.tsx'

type Step = 'input' | 'confirm' | 'done'

/**
 * The register, phone first: the member (scanned card inside LINE, or the typed number anywhere),
 * the amount on a numeric keypad, categories as chips, a confirm step, then points and balance.
 * Each purchase carries a request ID, so a resend after a network error records it once.
 */
export default function RegisterScreen() {
  const { api, session } = useStaff()
  const m = loyaltyText()
  const r = m.register
  const settings = useResource(
    (signal) => api.get<ShopSettings>('/api/staff/settings', { signal }),
    'settings',
  )
  const [scannable, setScannable] = useState(false)
  const [camera, setCamera] = useState(false)
  const [step, setStep] = useState<Step>('input')
  const [cardToken, setCardToken] = useState<string | null>(null)
  const [memberNumber, setMemberNumber] = useState('')
  const [amount, setAmount] = useState('')
  const [categories, setCategories] = useState<string[]>([])
  const [requestId, setRequestId] = useState(() => crypto.randomUUID())
  const [result, setResult] = useState<PurchaseResult | null>(null)
  /** Who the purchase is for, shown on the confirm step before anything is recorded. */
  const [who, setWho] = useState<RegisterMember | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    canScan(session.kind).then(setScannable, () => setScannable(false))
  }, [session.kind])

  const number = memberNumber.replace(/\D/g, '')
  const yen = Number(amount.replace(/[^\d]/g, ''))
  const ready = (cardToken !== null || number.length === 10) && yen >= 1 && yen <= 10_000_000

  const scan = async () => {
    setError(null)
    try {
      const value = await scanCode()
      if (value) {
        setCardToken(value)
        setMemberNumber('')
      }
    } catch (failure) {
      setError(failure)
    }
  }

  /** Looks the member up first: an unknown number is said on this step, not after recording. */
  const lookUp = async () => {
    setBusy(true)
    setError(null)
    try {
      const body = cardToken ? { cardToken } : { memberNumber: number }
      setWho(await api.send<RegisterMember>('POST', '/api/staff/register/member', body))
      setStep('confirm')
    } catch (failure) {
      setWho(null)
      setError(failure)
    } finally {
      setBusy(false)
    }
  }

  const review = (e: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault()
    if (ready && !busy) void lookUp()
  }

  const record = async () => {
    setBusy(true)
    setError(null)
    try {
      const body = {
        ...(cardToken ? { cardToken } : { memberNumber: number }),
        amountYen: yen,
        categories,
        requestId,
      }
      setResult(await api.send<PurchaseResult>('POST', '/api/staff/register/purchases', body))
      setStep('done')
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }

  const reset = () => {
    setStep('input')
    setCardToken(null)
    setMemberNumber('')
    setAmount('')
    setCategories([])
    setResult(null)
    setWho(null)
    setError(null)
    setRequestId(crypto.randomUUID())
  }

  const toggle = (id: string) =>
    setCategories((list) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id]))

  if (step === 'done' && result) return <RegisterDone result={result} onAnother={reset} />

  if (step === 'confirm') {
    const labels = new Map((settings.data?.categories ?? []).map((c) => [c.id, c.label]))
    return (
      <RegisterConfirm
        who={who}
        fallbackMember={cardToken ? r.cardMember : number}
        yen={yen}
        categoryLabels={categories.map((c) => labels.get(c) ?? c)}
        error={error}
        busy={busy}
        onDismissError={() => setError(null)}
        onRecord={() => void record()}
        onBack={() => setStep('input')}
      />
    )
  }

  return (
    <div class="stack">
      <PageHeader title={r.title} intro={r.intro} />
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      {scannable && (
        <button class="btn btn-lg" type="button" onClick={() => void scan()}>
          {r.scan}
        </button>
      )}
      {!scannable && !cardToken && (
        <CameraScan
          open={camera}
          onOpen={() => setCamera(true)}
          onCode={(value) => {
            setCamera(false)
            setCardToken(value)
            setMemberNumber('')
          }}
          onClose={() => setCamera(false)}
        />
      )}
      <form class="card stack" onSubmit={review}>
        {cardToken ? (
          <p class="notice" role="status">
            {r.scanned}{' '}
            <button class="link-button" type="button" onClick={() => setCardToken(null)}>
              {r.back}
            </button>
          </p>
        ) : (
          <>
            <label class="field-label" for="register-member">
              {r.memberNumber}
            </label>
            <input
              id="register-member"
              class="input mono"
              inputMode="numeric"
              autocomplete="off"
              value={memberNumber}
              onInput={(e) => setMemberNumber(e.currentTarget.value)}
            />
          </>
        )}
        <label class="field-label" for="register-amount">
          {r.amount}
        </label>
        <input
          id="register-amount"
          class="input register-amount"
          inputMode="numeric"
          pattern="[0-9]*"
          autocomplete="off"
          value={amount}
          onInput={(e) => setAmount(e.currentTarget.value)}
        />
        {(settings.data?.categories.length ?? 0) > 0 && (
          <fieldset class="stack" style={{ border: 0, padding: 0, margin: 0 }}>
            <legend class="field-label">{r.categories}</legend>
            <div class="pick-chips">
              {settings.data?.categories.map((c) => (
                <button
                  key={c.id}
                  type="button"
                  class="pick-chip"
                  aria-pressed={categories.includes(c.id)}
                  onClick={() => toggle(c.id)}
                >
                  {c.label}
                </button>
              ))}
            </div>
          </fieldset>
        )}
        <button class="btn btn-lg" type="submit" disabled={!ready || busy}>
          {busy ? r.checking : r.next}
        </button>
      </form>
    </div>
  )
}
