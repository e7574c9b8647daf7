import { z } from 'zod'

/** What one group of members (those contacted, or those held out) did in the attribution window. */
export const GroupOutcomeSchema = z.object({
  members: z.number().int(),
  /** Members with at least one purchase in the window. */
  purchasers: z.number().int(),
  purchases: z.number().int(),
  revenueYen: z.number().int(),
  /** purchasers / members (0–1); null when the group is empty. */
  conversion: z.number().nullable(),
})
export type GroupOutcome = z.infer<typeof GroupOutcomeSchema>

/**
 * Lift of the contacted group over the holdout — one computation for broadcasts, journeys and the
 * dashboard (server/src/domain/lift/lift.ts). Every field is null when a group is empty.
 */
export const LiftSchema = z.object({
  /** Conversion difference, contacted − held out (0–1 as percentage points). */
  difference: z.number().nullable(),
  /** 95 % interval of `difference` (Newcombe's hybrid score interval); null without both groups. */
  interval95: z.tuple([z.number(), z.number()]).nullable(),
  /** contacted.conversion / heldOut.conversion − 1; null when the holdout converted nobody. */
  relative: z.number().nullable(),
  /** Revenue per member, contacted − held out, in whole yen (rounded half up). */
  revenuePerMemberYen: z.number().int().nullable(),
})
export type Lift = z.infer<typeof LiftSchema>
