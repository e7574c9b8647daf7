import { z } from 'zod'

/**
 * Who marketing messages (broadcasts, journeys) go to when a member has never chosen:
 * - `everyone`: every friend (adding the shop as a LINE friend is the consent; blocking and the
 *   mini-app's 「お知らせを受け取らない」 are the opt-outs) — the default;
 * - `opt_in`: only members who switched 「お知らせを受け取る」 on in the mini-app.
 * A member's own choice (on or off) always wins over the default.
 */
export const MARKETING_DEFAULTS = ['everyone', 'opt_in'] as const
export type MarketingDefault = (typeof MARKETING_DEFAULTS)[number]

/** The purchase receipt: never, after every purchase, or only when points were added or the tier changed. */
export const RECEIPT_MODES = ['off', 'on', 'changed'] as const
export type ReceiptMode = (typeof RECEIPT_MODES)[number]

/**
 * GET/PUT /api/staff/settings/messaging: who may be messaged and the automatic pushes' switches.
 * Each automatic push counts against the LINE plan's monthly free messages (200 on the free plan).
 * Stored values without a field read as its default.
 */
export const MessagingSettingsSchema = z.object({
  marketingDefault: z.enum(MARKETING_DEFAULTS).default('everyone'),
  /** Receipt after a purchase at the register or by the API (one push per purchase when sent). */
  receipt: z.enum(RECEIPT_MODES).default('off'),
  /**
   * The tier-up congratulation. With a receipt for the same purchase it is part of that one
   * message; without one it goes alone (one push per tier-up).
   */
  tierUp: z.boolean().default(true),
  /** The stamp card's completion note with its reward coupon (one push per completed card). */
  stampReward: z.boolean().default(true),
})
export type MessagingSettings = z.infer<typeof MessagingSettingsSchema>

export const DEFAULT_MESSAGING_SETTINGS: MessagingSettings = MessagingSettingsSchema.parse({})

/** PUT /api/liff/marketing: the member's own choice (「お知らせを受け取らない」 is `receive: false`). */
export const MarketingChoiceUpdateSchema = z.object({ receive: z.boolean() })
export type MarketingChoiceUpdate = z.infer<typeof MarketingChoiceUpdateSchema>

/** The member's marketing state in the mini-app. */
export const MarketingChoiceSchema = z.object({
  /** Whether broadcasts and journeys reach the member now (their choice, else the shop's default). */
  receive: z.boolean(),
  /** What the member chose; null when they never chose (the shop's default applies). */
  choice: z.enum(['in', 'out']).nullable(),
  marketingDefault: z.enum(MARKETING_DEFAULTS),
})
export type MarketingChoice = z.infer<typeof MarketingChoiceSchema>

/**
 * Why a segment's members are not all reached, with counts. Replies and service messages are never
 * affected by these.
 */
export const ReachBreakdownSchema = z.object({
  /** Members matching the audience (segment, everyone or a list), before any exclusion. */
  segment: z.number().int(),
  /** Members a marketing message may reach now (before the holdout). */
  reachable: z.number().int(),
  excluded: z.object({
    /** Blocked or unfollowed the account. */
    blocked: z.number().int(),
    /** Switched 「お知らせを受け取らない」 on. */
    optedOut: z.number().int(),
    /** Never chose, while the shop sends only to members who opted in. */
    notOptedIn: z.number().int(),
    /** Kept back on purpose to measure the effect (not sent). */
    holdout: z.number().int(),
    /**
     * Already had the contact policy's weekly cap of marketing pushes (journeys and broadcasts)
     * in the last 7 days: left out when the broadcast is planned.
     */
    frequencyCap: z.number().int(),
  }),
  /**
   * The contact policy's frequency cap applies to this send (one policy for journeys and
   * broadcasts; false only when the shop set no cap).
   */
  frequencyCapApplies: z.boolean(),
  /** One Japanese sentence per reason with a count above zero, for the composer. */
  reasons: z.array(z.string()),
})
export type ReachBreakdown = z.infer<typeof ReachBreakdownSchema>
