import type { CardTokenResponse, PointsSummary, StampCardView } from '@joren/shared'
import { Component } from 'preact'
import { ApiError } from '../../lib/api-error.ts'
import { formatMemberNumber } from '../../lib/member-number.ts'
import { QrCode } from '../components/qr-code.tsx'
import { locale, t } from '../messages.ts'
import type { ScreenProps } from '../screen-props.ts'

const MIN_REFRESH_MS = 5_000
const MAX_REFRESH_MS = 10 * 60_000
const RETRY_MS = 15_000

interface Shown {
  token: string
  /** Local clock times: the server's are turned into "in N ms" when the token arrives. */
  refreshAt: number
  expireAt: number
}

interface State {
  shown?: Shown
  error?: unknown
  busy?: boolean
  now: number
  /** The member's tier name, loaded after the QR (off the card's critical path). */
  tier?: string
  /** The member's stamp card, when the shop uses one (loaded after the QR). */
  stamps?: StampCardView
}

/**
 * The rotating card token in local times. `refreshAfter - now` is trusted only within sane bounds
 * (a phone's clock can be off); the gap between refresh and expiry comes from the server alone.
 */
function toShown(card: CardTokenResponse, now: number): Shown {
  const wait = card.refreshAfter - now
  const refreshIn = wait >= MIN_REFRESH_MS && wait <= MAX_REFRESH_MS ? wait : 60_000
  const grace = Math.max(0, card.expiresAt - card.refreshAfter)
  return { token: card.token, refreshAt: now + refreshIn, expireAt: now + refreshIn + grace }
}

/** The refresh arrow, drawn here: the card's first view loads no shared icon module. */
const RefreshIcon = ({ size }: { size: number }) => (
  <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true">
    <path
      d="M20 11a8 8 0 1 0-2.3 5.7M20 5v6h-6"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
    />
  </svg>
)

const clock = (ms: number) => {
  const seconds = Math.max(0, Math.ceil(ms / 1000))
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
}

/** The server's own words (Japanese, actionable) for a refusal; ours for anything else. */
const problem = (error: unknown) =>
  error instanceof ApiError && error.status >= 400 && error.status < 500 && locale() === 'ja'
    ? error.message
    : t().card.qrFailed

/** The stamp card under the member card: the current card's stamps, the rule and cards done. */
function StampCard({ card }: { card: StampCardView }) {
  const s = t().stamps
  const slots = Array.from({ length: card.goal }, (_, i) => i < card.stamps)
  return (
    <section class="stamp-card" aria-labelledby="stamp-title" data-testid="stamp-card">
      <div class="stamp-head">
        <h2 id="stamp-title">{s.title}</h2>
        <span class="stamp-count" data-testid="stamp-count">
          {s.count(card.stamps, card.goal)}
        </span>
      </div>
      <ol class="stamp-grid">
        {slots.map((filled, i) => (
          <li
            key={i}
            class={filled ? 'stamp stamp-on' : 'stamp'}
            aria-label={s.stampLabel(i + 1, filled)}
          >
            {filled ? '★' : i + 1}
          </li>
        ))}
      </ol>
      <p class="stamp-note">{s.toGo(card.goal - card.stamps)}</p>
      <p class="stamp-note stamp-rule">
        {s.rule(card.earn, card.stampsPerVisit, card.yenPerStamp)}
        {card.cardsCompleted > 0 && <> ・ {s.completed(card.cardsCompleted)}</>}
      </p>
    </section>
  )
}

/**
 * The member card: shop, name, number and a QR code that is replaced before it expires. A class
 * component: the card's first view needs no hooks library.
 */
export default class CardScreen extends Component<ScreenProps, State> {
  override state: State = { now: Date.now(), busy: true }
  private timer?: ReturnType<typeof setTimeout>
  private ticker?: ReturnType<typeof setInterval>
  private controller?: AbortController
  private dueAt = 0

  override componentDidMount() {
    document.addEventListener('visibilitychange', this.onVisibility)
    this.ticker = setInterval(() => this.setState({ now: Date.now() }), 1000)
    void this.load()
  }

  override componentWillUnmount() {
    clearTimeout(this.timer)
    clearInterval(this.ticker)
    this.controller?.abort()
    document.removeEventListener('visibilitychange', this.onVisibility)
  }

  private load = async () => {
    clearTimeout(this.timer)
    this.controller?.abort()
    const controller = (this.controller = new AbortController())
    this.setState({ busy: true })
    try {
      const card = await this.props.api.get<CardTokenResponse>('/api/liff/card', {
        signal: controller.signal,
      })
      const shown = toShown(card, Date.now())
      this.dueAt = shown.refreshAt
      this.setState({ shown, error: null, busy: false })
      if (this.state.tier === undefined) void this.loadTier(controller.signal)
      if (this.state.stamps === undefined) void this.loadStamps(controller.signal)
    } catch (error) {
      if (controller.signal.aborted) return
      this.dueAt = Date.now() + RETRY_MS
      this.setState({ error, busy: false })
    }
    this.schedule()
  }

  private retry = () => void this.load()

  private loadTier = async (signal: AbortSignal) => {
    try {
      const points = await this.props.api.get<PointsSummary>('/api/liff/points', { signal })
      this.setState({ tier: points.tier.tier?.name ?? '' })
    } catch {
      // The tier is a nicety on the card; the points screen shows errors.
    }
  }

  private loadStamps = async (signal: AbortSignal) => {
    try {
      const stamps = await this.props.api.get<StampCardView>('/api/liff/stamps', { signal })
      this.setState({ stamps })
    } catch {
      // Like the tier: a nicety after the QR; the card works without it.
    }
  }

  /** A hidden page does not rotate; it catches up as soon as it is shown again. */
  private schedule() {
    clearTimeout(this.timer)
    if (document.visibilityState === 'visible') {
      this.timer = setTimeout(this.retry, Math.max(0, this.dueAt - Date.now()))
    }
  }

  private onVisibility = () => {
    if (document.visibilityState === 'visible' && Date.now() >= this.dueAt) void this.load()
    else this.schedule()
  }

  render() {
    const m = t().card
    const { me } = this.props
    const { shown, error, busy, now } = this.state
    const expired = shown && now >= shown.expireAt
    const name = me.member.displayName
    return (
      <div class="page">
        <article class="member-card" aria-labelledby="card-title">
          <div class="card-band">
            <h1 class="card-label" id="card-title">
              {m.cardLabel}
            </h1>
            <span class="card-shop">{me.shop.name}</span>
          </div>
          <div class="card-body">
            <div class={expired ? 'qr-frame qr-expired' : 'qr-frame'}>
              {error && !shown ? (
                <div class="qr-error" role="alert">
                  <p>{problem(error)}</p>
                  <button class="btn btn-sm" type="button" onClick={this.retry}>
                    <RefreshIcon size={18} />
                    {t().retry}
                  </button>
                </div>
              ) : shown ? (
                <QrCode value={shown.token} label={m.qrLabel} />
              ) : (
                <span class="skel qr-skel" />
              )}
              {expired && <span class="qr-expired-note">{m.expired}</span>}
            </div>
            <p class="card-rotate">
              {shown && error && !busy ? (
                <button class="link-button" type="button" onClick={this.retry}>
                  <RefreshIcon size={16} />
                  {m.refreshFailed}
                </button>
              ) : (
                shown && (
                  <>
                    <RefreshIcon size={16} />
                    {busy ? m.refreshing : m.refreshIn(clock(shown.refreshAt - now))}
                  </>
                )
              )}
            </p>
            <div class="card-holder">
              {name && <p class="card-name">{m.honorific(name)}</p>}
              <p class="card-number">
                {m.memberNumber}
                <span class="mono">{formatMemberNumber(me.member.memberNumber)}</span>
              </p>
              {this.state.tier && (
                <p class="card-tier" data-testid="card-tier">
                  ★ {this.state.tier}
                </p>
              )}
            </div>
          </div>
        </article>
        {this.state.stamps?.enabled && <StampCard card={this.state.stamps} />}
        <p class="card-note">{m.show}</p>
        <p class="card-note card-note-small">{m.rotates}</p>
      </div>
    )
  }
}
