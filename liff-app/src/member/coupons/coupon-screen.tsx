import {
  formatCouponShortCode,
  type CouponCode,
  type CouponRedeemed,
  type CouponView,
} from '@joren/shared'
import { useEffect, useState } from 'preact/hooks'
import { ApiError } from '../../lib/api-error.ts'
import { formatDateTime } from '../../lib/format.ts'
import { useResource } from '../../lib/use-resource.ts'
import { CheckIcon } from '../../ui/icons.tsx'
import { ErrorView } from '../components/error-view.tsx'
import { QrCode } from '../components/qr-code.tsx'
import { CouponFace, couponMessages } from './coupon-ui.tsx'
import { SlideToConfirm } from './slide-to-confirm.tsx'
import { locale } from '../messages.ts'
import { href } from '../paths.ts'
import type { ScreenProps } from '../screen-props.ts'

const TIME = new Intl.DateTimeFormat('ja-JP', {
  timeZone: 'Asia/Tokyo',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})
const CLOCK = new Intl.DateTimeFormat('ja-JP', {
  timeZone: 'Asia/Tokyo',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})

function useNow(everyMs: number) {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs)
    return () => clearInterval(timer)
  }, [everyMs])
  return now
}

/**
 * The used screen staff check: a big check, the coupon, the time it was used (with seconds), the
 * shop, and a live clock and moving background, so a screenshot is easy to tell apart.
 */
function UsedScreen({ coupon, shopName }: { coupon: CouponView; shopName: string }) {
  const m = couponMessages()
  const now = useNow(1000)
  return (
    <div class="used-screen" data-testid="coupon-used">
      <div class="used-check">
        <CheckIcon size={80} />
      </div>
      <div class="used-title">{m.usedTitle}</div>
      <div class="used-coupon">{coupon.title}</div>
      <div class="used-time">
        {m.usedAtLabel} {coupon.redeemedAt ? TIME.format(coupon.redeemedAt) : ''}
      </div>
      <div>{shopName}</div>
      <div class="used-clock" aria-live="off">
        {CLOCK.format(now)}
      </div>
      <p>{m.showThis}</p>
    </div>
  )
}

/** The coupon's QR, replaced before it expires (like the member card). */
function CouponQr({ api, id }: { api: ScreenProps['api']; id: number }) {
  const m = couponMessages()
  const [code, setCode] = useState<CouponCode | null>(null)
  const [error, setError] = useState<unknown>(null)
  const now = useNow(1000)
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const controller = new AbortController()
    const load = async () => {
      try {
        const next = await api.get<CouponCode>(`/api/liff/coupons/${id}/code`, {
          signal: controller.signal,
        })
        setCode(next)
        setError(null)
        const wait = Math.min(Math.max(next.refreshAfter - Date.now(), 5_000), 4 * 60_000)
        timer = setTimeout(() => void load(), wait)
      } catch (e) {
        if (!controller.signal.aborted) setError(e)
      }
    }
    void load()
    return () => {
      controller.abort()
      clearTimeout(timer)
    }
  }, [api, id])
  if (error) return <p class="form-alert">{error instanceof ApiError ? error.message : m.failed}</p>
  if (!code) return <div class="skel coupon-qr" style={{ height: 240 }} />
  const left = Math.max(0, Math.ceil((code.refreshAfter - now) / 1000))
  return (
    <div class="center">
      <div class="coupon-qr">
        <QrCode value={code.token} label={m.qrLabel} />
      </div>
      <p class="muted">{m.qrHelp}</p>
      <p class="coupon-short-code">
        <span class="muted">{m.shortCodeLabel}</span>
        <strong class="mono" data-testid="coupon-short-code">
          {formatCouponShortCode(code.shortCode)}
        </strong>
        <span class="muted">{m.shortCodeHelp}</span>
      </p>
      <p class="muted">
        {m.refreshIn(`${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`)}
      </p>
    </div>
  )
}

/** One coupon: its conditions and expiry, then "show to staff" (QR) or "use now" (slide). */
export default function CouponScreen({ api, config, me, params }: ScreenProps) {
  const m = couponMessages()
  const id = Number(params.id)
  const coupon = useResource(
    (signal) => api.get<CouponView>(`/api/liff/coupons/${id}`, { signal }),
    `coupon:${id}`,
  )
  const [mode, setMode] = useState<'none' | 'qr' | 'slide'>('none')
  const [busy, setBusy] = useState(false)
  const [useError, setUseError] = useState<unknown>(null)

  if (coupon.error && !coupon.data)
    return <ErrorView error={coupon.error} config={config} onRetry={coupon.reload} />
  const c = coupon.data
  if (!c)
    return (
      <div class="page">
        <div class="skel" style={{ height: 160 }} />
      </div>
    )

  const use = async () => {
    if (busy) return
    setBusy(true)
    setUseError(null)
    try {
      const done = await api.send<CouponRedeemed>('POST', `/api/liff/coupons/${id}/use`)
      coupon.set(done.coupon)
    } catch (error) {
      setUseError(error)
      coupon.reload()
    } finally {
      setBusy(false)
    }
  }

  if (c.state === 'redeemed' && c.redeemedVia === 'member_confirm')
    return (
      <div class="page">
        <UsedScreen coupon={c} shopName={me.shop.name} />
        <p>
          <a class="btn btn-secondary btn-block" href={href('/coupons')}>
            {m.back}
          </a>
        </p>
      </div>
    )

  return (
    <div class="page">
      <div class={c.state === 'issued' ? '' : 'is-dim'}>
        <CouponFace coupon={c} />
      </div>
      <section class="coupon-section">
        <h2>{m.expires}</h2>
        <p>{formatDateTime(c.expiresAt, locale())}</p>
      </section>
      <section class="coupon-section">
        <h2>{m.conditions}</h2>
        <p style={{ whiteSpace: 'pre-wrap' }}>{c.conditions || m.noConditions}</p>
      </section>
      {c.state === 'redeemed' && (
        <p class="form-alert">
          {m.used} — {c.redeemedAt ? m.usedAt(TIME.format(c.redeemedAt)) : ''}
        </p>
      )}
      {c.state === 'revoked' && <p class="form-alert">{m.revoked}</p>}
      {c.state === 'expired' && <p class="form-alert">{m.expiredNote}</p>}
      {useError instanceof ApiError && <p class="form-alert">{useError.message}</p>}
      {c.state === 'issued' && (
        <>
          {mode === 'qr' && <CouponQr api={api} id={id} />}
          {mode === 'slide' && (
            <section class="coupon-section">
              <p class="muted">{m.slideHelp}</p>
              <SlideToConfirm
                label={m.slide}
                busyLabel={m.using}
                busy={busy}
                onConfirm={() => void use()}
              />
            </section>
          )}
          <p>
            <button
              class="btn btn-block"
              type="button"
              aria-pressed={mode === 'qr'}
              onClick={() => setMode(mode === 'qr' ? 'none' : 'qr')}
            >
              {m.showStaff}
            </button>
          </p>
          <p>
            <button
              class="btn btn-secondary btn-block"
              type="button"
              aria-pressed={mode === 'slide'}
              onClick={() => setMode(mode === 'slide' ? 'none' : 'slide')}
            >
              {m.useNow}
            </button>
          </p>
        </>
      )}
      <p>
        <a class="link-button" href={href('/coupons')}>
          {m.back}
        </a>
      </p>
    </div>
  )
}
