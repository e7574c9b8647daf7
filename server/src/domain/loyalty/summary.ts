import type { PointsSummary } from '@joren/shared'
import type { ChatContext, ChatRouter } from '../chat/router.ts'
import { localeOf } from '../chat/texts.ts'
import { lastUsableDate } from './dates.ts'
import { currentTier, type LoyaltyDeps } from './loyalty.ts'
import { pointsReplyText } from './messages.ts'

/** A member without a stored tier gets one on first read (see currentTier). */
export type SummaryDeps = Pick<LoyaltyDeps, 'points' | 'loyalty' | 'uow' | 'clock' | 'timeZone'>

/** Balance, tier and progress, the nearest expiry and recent history: the member's points page. */
export async function pointsSummary(
  deps: SummaryDeps,
  memberId: number,
  historyLimit = 50,
): Promise<PointsSummary> {
  const now = deps.clock.now()
  const [lots, history, tier] = await Promise.all([
    deps.points.liveLots(memberId, now),
    deps.points.history(memberId, historyLimit),
    currentTier(deps, memberId),
  ])
  const balance = lots.reduce((sum, lot) => sum + lot.remaining, 0)
  const first = lots[0]
  let expiring: PointsSummary['expiring'] = null
  if (first) {
    const lastDay = lastUsableDate(first.expiresAt, deps.timeZone)
    const points = lots
      .filter((l) => lastUsableDate(l.expiresAt, deps.timeZone) === lastDay)
      .reduce((sum, l) => sum + l.remaining, 0)
    expiring = { points, lastDay }
  }
  return {
    balance,
    tier,
    expiring,
    history: history.map((h) => ({
      id: h.id,
      kind: h.kind,
      points: h.points,
      reason: h.reason,
      expiresAt: h.expiresAt,
      createdAt: h.createdAt,
    })),
  }
}

/** 「ポイント」 / "points" and the postback `action=points`: the balance and the nearest expiry. */
export function registerPointsCommands(router: ChatRouter, deps: SummaryDeps): ChatRouter {
  const answer = async (ctx: ChatContext) => {
    const summary = await pointsSummary(deps, ctx.member.id, 1)
    const text = pointsReplyText(localeOf(ctx.member.language), {
      balance: summary.balance,
      tierName: summary.tier.tier?.name ?? null,
      expiring: summary.expiring,
    })
    return [{ type: 'text' as const, text }]
  }
  return router
    .command({
      name: 'points',
      matches: (t) => ['ポイント', 'ぽいんと', 'point', 'points', 'ポイント残高'].includes(t),
      handle: answer,
    })
    .postback('points', answer)
}
