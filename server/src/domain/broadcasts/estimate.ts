import { isInQuietHours, type BroadcastEstimate, type ReachBreakdown } from '@joren/shared'
import { quietHoursEnd } from '../contact-policy/policy.ts'
import { audienceContext, quotaOf, type BroadcastDeps } from './engine.ts'
import type { StoredBroadcast } from './store.ts'

/** Recipients, holdout, billing and quota before a send (LINE bills one message per recipient). */
export async function estimate(
  deps: BroadcastDeps,
  b: Pick<StoredBroadcast, 'id' | 'audience' | 'holdoutPercent' | 'scheduledAt'>,
): Promise<BroadcastEstimate> {
  const now = deps.clock.now()
  const policy = await deps.contactPolicy()
  const requested = b.scheduledAt !== null && b.scheduledAt > now ? b.scheduledAt : now
  // In the contact policy's quiet hours the send is deferred to their end (see send()): the
  // audience and the cap are counted as of when it will go.
  const deferredTo = quietHoursEnd(requested, policy, deps.timeZone)
  const at = deferredTo ?? requested
  // The quota is kept briefly and never throws: LINE's quota endpoints down → 'unknown', and the
  // recipients are shown anyway (LINE still enforces its limit on the send).
  const [counts, quota] = await Promise.all([
    deps.store.countAudience(
      b.audience,
      { broadcastId: b.id, percent: b.holdoutPercent },
      await audienceContext(deps, at),
    ),
    quotaOf(deps).read(),
  ])
  const recipients = counts.audience - counts.holdout - counts.frequencyCap
  const remaining = quota.remaining
  const over = remaining !== null && recipients > remaining
  const clock = (t: number) =>
    new Intl.DateTimeFormat('ja-JP', {
      timeZone: deps.timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(t))
  const localTime = clock(requested)
  return {
    audience: counts.audience,
    holdout: counts.holdout,
    recipients,
    billedMessages: recipients,
    quota,
    needsConfirm: over,
    overQuota: over
      ? { sent: remaining, stopped: recipients - remaining, order: 'earliest_members' as const }
      : null,
    quietHoursWarning:
      deferredTo !== null
        ? {
            localTime,
            message: `${localTime} は配信しない時間帯（${policy.quietStart}〜${policy.quietEnd}）です。送信すると ${quietEndLabel(deferredTo, deps.timeZone)} に配信します。`,
          }
        : isInQuietHours(requested, deps.timeZone)
          ? {
              localTime,
              message: `配信開始が深夜・早朝（${localTime}）です。お客様の迷惑にならない時間帯（8:00〜21:00）をおすすめします。`,
            }
          : null,
    reach: reachBreakdown(counts, policy.weeklyCap),
  }
}

/** 「翌日 9:00」 or 「9:00」: when a deferred send goes, in shop time. */
function quietEndLabel(at: number, timeZone: string): string {
  const f = new Intl.DateTimeFormat('ja-JP', {
    timeZone,
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
  return f.format(new Date(at))
}

/** The composer's "why fewer than the segment": counts per reason, and a sentence for each. */
export function reachBreakdown(
  counts: {
    segment: number
    audience: number
    holdout: number
    frequencyCap: number
    blocked: number
    optedOut: number
    notOptedIn: number
  },
  weeklyCap: number,
): ReachBreakdown {
  const n = (v: number) => v.toLocaleString('ja-JP')
  const reasons: string[] = []
  if (counts.blocked > 0) reasons.push(`${n(counts.blocked)}人はブロック中または友だち解除済みです`)
  if (counts.optedOut > 0)
    reasons.push(`${n(counts.optedOut)}人は「お知らせを受け取らない」を選んでいます`)
  if (counts.notOptedIn > 0)
    reasons.push(
      `${n(counts.notOptedIn)}人はお知らせの受け取りを選んでいません（設定: 受け取りを選んだ人にだけ配信）`,
    )
  if (counts.holdout > 0)
    reasons.push(`${n(counts.holdout)}人は効果測定のため配信しません（ホールドアウト）`)
  if (counts.frequencyCap > 0)
    reasons.push(`直近7日間に${weeklyCap}通受け取った方 ${n(counts.frequencyCap)}人`)
  return {
    segment: counts.segment,
    reachable: counts.audience,
    excluded: {
      blocked: counts.blocked,
      optedOut: counts.optedOut,
      notOptedIn: counts.notOptedIn,
      holdout: counts.holdout,
      frequencyCap: counts.frequencyCap,
    },
    frequencyCapApplies: weeklyCap > 0,
    reasons,
  }
}
