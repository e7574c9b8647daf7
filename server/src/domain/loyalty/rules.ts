import {
  DEFAULT_EARNING_RULE,
  EarningRuleSchema,
  type EarningRule,
  type Tier,
  type TierStatus,
} from '@joren/shared'
import type { SettingsStore } from '../shop/settings.ts'

export const EARNING_RULE_KEY = 'loyalty_rule'

export const DEFAULT_TIERS: Omit<Tier, 'id'>[] = [
  { name: 'レギュラー', minSpendYen: 0, multiplierPercent: 100 },
  { name: 'シルバー', minSpendYen: 30_000, multiplierPercent: 120 },
  { name: 'ゴールド', minSpendYen: 100_000, multiplierPercent: 150 },
  { name: 'VIP', minSpendYen: 300_000, multiplierPercent: 200 },
]

export async function readEarningRule(store: SettingsStore): Promise<EarningRule> {
  const stored = EarningRuleSchema.safeParse(await store.get(EARNING_RULE_KEY))
  return stored.success ? stored.data : { ...DEFAULT_EARNING_RULE }
}

/**
 * Points for a purchase: eligible yen / yen per point × the tier multiplier, rounded as the rule
 * says. A purchase earns on its whole amount unless every one of its categories is excluded (a
 * purchase has one amount, so it cannot be split between categories).
 */
export function pointsForPurchase(
  amountYen: number,
  categories: readonly string[],
  rule: EarningRule,
  multiplierPercent: number,
): number {
  const excluded = new Set(rule.excludedCategories)
  if (categories.length > 0 && categories.every((c) => excluded.has(c))) return 0
  // Integer arithmetic: amount × percent / (yenPerPoint × 100), no float drift at boundaries.
  const numerator = amountYen * multiplierPercent
  const denominator = rule.yenPerPoint * 100
  switch (rule.rounding) {
    case 'floor':
      return Math.floor(numerator / denominator)
    case 'ceil':
      return Math.ceil(numerator / denominator)
    case 'round':
      return Math.floor((2 * numerator + denominator) / (2 * denominator))
  }
}

/** The tier for a rolling spend (the highest threshold reached) and the distance to the next. */
export function tierStatus(tiers: readonly Tier[], spend12mYen: number): TierStatus {
  const sorted = [...tiers].sort((a, b) => a.minSpendYen - b.minSpendYen)
  let tier: Tier | null = null
  for (const t of sorted) if (t.minSpendYen <= spend12mYen) tier = t
  const nextTier = sorted.find((t) => t.minSpendYen > spend12mYen)
  return {
    tier,
    spend12mYen,
    next: nextTier
      ? {
          name: nextTier.name,
          minSpendYen: nextTier.minSpendYen,
          remainingYen: nextTier.minSpendYen - spend12mYen,
        }
      : null,
  }
}
