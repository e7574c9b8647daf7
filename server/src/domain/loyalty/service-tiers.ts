import type { EarningRule, LoyaltySettings, TierInput } from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import { loyaltyTiers } from './loyalty.ts'
import { EARNING_RULE_KEY, readEarningRule } from './rules.ts'
import type { LoyaltyServiceDeps } from './service-support.ts'

/** The loyalty settings: the earning rule and the tiers, each change audited. */
export function createTierCommands(deps: LoyaltyServiceDeps) {
  const { loyalty, uow } = deps
  const now = () => deps.clock.now()

  async function settings(): Promise<LoyaltySettings> {
    const [rule, tiers] = await Promise.all([readEarningRule(deps.settings), loyaltyTiers(deps)])
    return { rule, tiers }
  }

  return {
    settings,

    async updateRule(actor: StaffActor, rule: EarningRule): Promise<LoyaltySettings> {
      const before = await readEarningRule(deps.settings)
      await uow.commit([
        deps.settings.putWrite(EARNING_RULE_KEY, rule, now()),
        uow.audit({
          staffId: actor.id,
          action: 'loyalty.rule',
          targetType: 'settings',
          targetId: EARNING_RULE_KEY,
          before,
          after: rule,
        }),
      ])
      return settings()
    },

    async updateTiers(actor: StaffActor, tiers: TierInput[]): Promise<LoyaltySettings> {
      const before = await loyaltyTiers(deps)
      const at = now()
      await uow.commit([
        ...(await loyalty.replaceTiersWrites(tiers, at)),
        // Summaries that read the thresholds (the tier-drop instants) follow the event.
        uow.event({
          type: 'loyalty.tiers_changed',
          memberId: null,
          data: { tiers: tiers.length },
          occurredAt: at,
        }),
        uow.audit({
          staffId: actor.id,
          action: 'loyalty.tiers',
          targetType: 'tiers',
          targetId: null,
          before,
          after: tiers,
        }),
      ])
      return settings()
    },
  }
}
