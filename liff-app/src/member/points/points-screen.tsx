import type { PointsSummary } from '@joren/shared'
import { pointsEn } from '../../i18n/points-en.ts'
import { pointsJa } from '../../i18n/points-ja.ts'
import { formatDate, formatIsoDate } from '../../lib/format.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ErrorView } from '../components/error-view.tsx'
import { locale } from '../messages.ts'
import type { ScreenProps } from '../screen-props.ts'

/** Balance, tier and progress to the next, the nearest expiry, and the points history. */
export default function PointsScreen({ api, config }: ScreenProps) {
  const m = locale() === 'en' ? pointsEn : pointsJa
  const summary = useResource(
    (signal) => api.get<PointsSummary>('/api/liff/points', { signal }),
    'points',
  )
  if (summary.error && !summary.data)
    return <ErrorView error={summary.error} config={config} onRetry={summary.reload} />
  const data = summary.data
  if (!data)
    return (
      <div class="page">
        <div class="skel" style={{ height: 160 }} />
      </div>
    )
  const { tier } = data
  const progress =
    tier.next && tier.tier
      ? Math.min(
          100,
          Math.round(
            ((tier.spend12mYen - tier.tier.minSpendYen) /
              (tier.next.minSpendYen - tier.tier.minSpendYen)) *
              100,
          ),
        )
      : 100
  return (
    <div class="page">
      <section class="points-balance" aria-label={m.balance}>
        <p class="muted">{m.balance}</p>
        <p class="points-big" data-testid="points-balance">
          {m.pt(data.balance)}
        </p>
        {data.expiring && (
          <p class="points-expiring">
            {m.expiring(data.expiring.points, formatIsoDate(data.expiring.lastDay, locale()))}
          </p>
        )}
      </section>
      <section class="points-tier" aria-label={m.tier}>
        <p class="muted">{m.tier}</p>
        <p class="points-tier-name" data-testid="points-tier">
          {tier.tier?.name ?? '-'}
        </p>
        <div
          class="points-progress"
          role="progressbar"
          aria-valuenow={progress}
          aria-valuemin={0}
          aria-valuemax={100}
        >
          <span style={{ width: `${progress}%` }} />
        </div>
        <p class="muted">{tier.next ? m.toNext(tier.next.name, tier.next.remainingYen) : m.top}</p>
        <p class="muted">{m.spend(tier.spend12mYen)}</p>
      </section>
      <h2 class="points-history-title">{m.history}</h2>
      {data.history.length === 0 ? (
        <p class="muted">{m.empty}</p>
      ) : (
        <ul class="points-history">
          {data.history.map((h) => (
            <li key={h.id}>
              <span>
                <strong>{m.kind[h.kind]}</strong>
                <span class="muted"> {formatDate(h.createdAt, locale())}</span>
                {h.reason && <span class="muted"> · {h.reason}</span>}
              </span>
              <span class={h.points >= 0 ? 'points-plus' : 'points-minus'}>
                {h.points >= 0 ? '+' : ''}
                {m.pt(h.points)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
