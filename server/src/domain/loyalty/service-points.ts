import type { PointsSummary } from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import { adjustPoints } from './loyalty.ts'
import { requireMember, type LoyaltyServiceDeps } from './service-support.ts'
import { pointsSummary } from './summary.ts'

/** Points: a member's ledger as staff and as the member see it, and staff adjustments. */
export function createPointsCommands(deps: LoyaltyServiceDeps) {
  return {
    /** A member's ledger, balance and tier as staff see it. */
    async memberPoints(memberNumber: string): Promise<PointsSummary> {
      const member = await requireMember(deps, memberNumber)
      return pointsSummary(deps, member.id, 100)
    },

    /** The signed-in member's own balance, tier and progress, expiry and history. */
    myPoints: (memberId: number): Promise<PointsSummary> => pointsSummary(deps, memberId, 50),

    async adjustPoints(actor: StaffActor, memberNumber: string, points: number, reason: string) {
      const member = await requireMember(deps, memberNumber)
      return adjustPoints(deps, actor, member, points, reason)
    },
  }
}
