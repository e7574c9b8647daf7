import type { CouponList, CouponRedeemed } from '@joren/shared'
import type { JSX } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { canScan, scanCode } from '../../lib/scan-code.ts'
import { CheckIcon } from '../../ui/icons.tsx'
import { CameraScan } from '../components/camera-scanner.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { useStaff } from '../context.ts'
import { couponText, shopTime } from './coupon-messages.ts'

/**
 * The register's coupon screen: scan the customer's coupon QR (inside LINE), type its code, or
 * enter the member number and pick the coupon. One redemption wins; a second says when it was used.
 */
export default function RedeemScreen() {
  const { api, session } = useStaff()
  const m = couponText()
  const [scannable, setScannable] = useState(false)
  const [camera, setCamera] = useState(false)
  const [code, setCode] = useState('')
  const [memberNumber, setMemberNumber] = useState('')
  const [found, setFound] = useState<CouponList | null>(null)
  const [done, setDone] = useState<CouponRedeemed | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    canScan(session.kind).then(setScannable, () => setScannable(false))
  }, [session.kind])

  const redeem = async (body: Record<string, unknown>) => {
    setBusy(true)
    setError(null)
    setDone(null)
    try {
      setDone(await api.send<CouponRedeemed>('POST', '/api/staff/register/coupons/redeem', body))
      setCode('')
      if (memberNumber) await find()
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }

  const scan = async () => {
    try {
      const value = await scanCode()
      if (value) await redeem({ code: value })
    } catch (failure) {
      setError(failure)
    }
  }

  const find = async () => {
    setError(null)
    try {
      setFound(
        await api.get<CouponList>(`/api/staff/members/${memberNumber.replace(/\D/g, '')}/coupons`),
      )
    } catch (failure) {
      setFound(null)
      setError(failure)
    }
  }

  const submitCode = (e: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault()
    if (code.trim()) void redeem({ code: code.trim() })
  }
  const submitMember = (e: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault()
    void find()
  }
  const usable = (found?.coupons ?? []).filter((c) => c.state === 'issued')
  const number = memberNumber.replace(/\D/g, '')

  return (
    <div class="stack">
      <PageHeader title={m.registerTitle} intro={m.registerIntro} />
      {done && (
        <section class="card stack redeemed" role="status" data-testid="redeemed">
          <CheckIcon size={48} />
          <strong>{m.redeemedTitle}</strong>
          <div>{done.coupon.title}</div>
          <div class="mono">
            {done.coupon.redeemedAt !== null ? m.redeemedAt(shopTime(done.coupon.redeemedAt)) : ''}
          </div>
        </section>
      )}
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      {scannable && (
        <button class="btn btn-lg" type="button" disabled={busy} onClick={() => void scan()}>
          {m.scan}
        </button>
      )}
      {!scannable && (
        <CameraScan
          open={camera}
          disabled={busy}
          onOpen={() => setCamera(true)}
          onCode={(value) => {
            setCamera(false)
            void redeem({ code: value })
          }}
          onClose={() => setCamera(false)}
        />
      )}
      <form class="card stack" onSubmit={submitCode}>
        <label class="field-label" for="coupon-code">
          {m.code}
        </label>
        <input
          id="coupon-code"
          class="input mono"
          value={code}
          placeholder="XXXX-XXXX"
          autocapitalize="characters"
          spellcheck={false}
          autocomplete="off"
          onInput={(e) => setCode(e.currentTarget.value)}
        />
        <button class="btn" type="submit" disabled={busy || !code.trim()}>
          {m.redeem}
        </button>
      </form>
      <form class="card stack" onSubmit={submitMember}>
        <label class="field-label" for="coupon-member">
          {m.memberNumber}
        </label>
        <input
          id="coupon-member"
          class="input mono"
          inputMode="numeric"
          value={memberNumber}
          onInput={(e) => setMemberNumber(e.currentTarget.value)}
        />
        <button class="btn btn-secondary" type="submit" disabled={number.length !== 10}>
          {m.find}
        </button>
        {found &&
          (usable.length === 0 ? (
            <p class="muted">{m.noUsable}</p>
          ) : (
            <ul class="rows">
              {usable.map((c) => (
                <li class="row" key={c.id}>
                  <div class="grow">
                    <strong>{c.title}</strong>
                    <div class="muted">{m.until(shopTime(c.expiresAt))}</div>
                  </div>
                  <button
                    class="btn btn-sm"
                    type="button"
                    disabled={busy}
                    onClick={() => void redeem({ couponId: c.id, memberNumber: number })}
                  >
                    {m.redeem}
                  </button>
                </li>
              ))}
            </ul>
          ))}
      </form>
    </div>
  )
}
