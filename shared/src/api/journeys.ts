import { z } from 'zod'
import { ComposerMessagesSchema, unknownPlaceholders } from './composer.ts'
import { MemberNumberSchema } from './common.ts'
import { GroupOutcomeSchema, LiftSchema } from './lift.ts'

/**
 * Journeys (ステップ配信・誕生日・休眠掘り起こし・購入後フォロー・購入周期リマインド): the staff API under
 * /api/staff/journeys. Read with `broadcasts.read`, change with `broadcasts.send` (the same people
 * who may send marketing pushes).
 */

export const JOURNEY_TRIGGER_KINDS = [
  'follow',
  'birthday',
  'dormant',
  'after_purchase',
  'purchase_cycle',
  'tier_up',
  'points_expiring',
  'coupon_expiring',
  'survey_answered',
  'tier_drop',
  'survey_low_score',
] as const
export type JourneyTriggerKind = (typeof JOURNEY_TRIGGER_KINDS)[number]

export const JourneyTriggerSchema = z.discriminatedUnion('kind', [
  /** A follow; a re-follow after a block too when `includeRefollow`. */
  z.object({ kind: z.literal('follow'), includeRefollow: z.boolean().default(false) }),
  /** N days before the birthday, once a year (29 Feb → 28 Feb in a non-leap year). */
  z.object({ kind: z.literal('birthday'), daysBefore: z.number().int().min(0).max(60) }),
  /** No purchase for N days; the next purchase re-arms it. */
  z.object({ kind: z.literal('dormant'), days: z.number().int().min(7).max(730) }),
  /** After each purchase, optionally only from an amount or for some categories. */
  z.object({
    kind: z.literal('after_purchase'),
    minAmountYen: z.number().int().min(1).max(10_000_000).nullable().default(null),
    categories: z.array(z.string().trim().min(1).max(40)).max(20).default([]),
  }),
  /** A member with ≥ minPurchases purchases who passes their own median gap by marginDays. */
  z.object({
    kind: z.literal('purchase_cycle'),
    marginDays: z.number().int().min(0).max(90),
    minPurchases: z.number().int().min(3).max(50).default(3),
  }),
  /** The member's tier went up. */
  z.object({ kind: z.literal('tier_up') }),
  /** N days before some of the member's points expire (once per expiry instant). */
  z.object({ kind: z.literal('points_expiring'), daysBefore: z.number().int().min(1).max(90) }),
  /** N days before one of the member's coupons expires unused (once per coupon). */
  z.object({ kind: z.literal('coupon_expiring'), daysBefore: z.number().int().min(1).max(90) }),
  /**
   * The member answered a survey (one, or any); with a threshold, only a low score: an NPS answer
   * at most `npsAtMost` or a rating at most `ratingAtMost` (either). Once per response.
   */
  z.object({
    kind: z.literal('survey_answered'),
    surveyId: z.number().int().positive().nullable().default(null),
    npsAtMost: z.number().int().min(0).max(10).nullable().default(null),
    ratingAtMost: z.number().int().min(1).max(5).nullable().default(null),
  }),
  /**
   * The member's tier will fall at a tier evaluation within N days unless they buy (their rolling
   * 12-month spend drops below the tier's threshold as purchases age out). Once per drop instant.
   */
  z.object({ kind: z.literal('tier_drop'), daysBefore: z.number().int().min(1).max(60) }),
  /**
   * To staff, not to the member: a low score in one survey or any — low by that survey's own alert
   * thresholds, one definition — raises a staff alert with the member, the score and their comment
   * quoted, one per response (shared with the survey's own alert). Such a journey has no steps.
   */
  z.object({
    kind: z.literal('survey_low_score'),
    surveyId: z.number().int().positive().nullable().default(null),
  }),
])
export type JourneyTrigger = z.infer<typeof JourneyTriggerSchema>

const HHMM = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, '時刻は HH:MM（00:00〜23:59）で入力してください')

/**
 * How long a step waits after the previous one (the first: after the trigger): days and hours, or
 * days and then "at HH:MM" shop time on that day.
 */
export const JourneyWaitSchema = z.object({
  days: z.number().int().min(0).max(365),
  hours: z.number().int().min(0).max(23).default(0),
  at: HHMM.nullable().default(null),
})
export type JourneyWait = z.infer<typeof JourneyWaitSchema>

/** A branch: the step goes only to members who did (or did not) buy since the journey started. */
export const JOURNEY_STEP_CONDITIONS = [
  'always',
  'purchased_since_start',
  'not_purchased_since_start',
] as const
export type JourneyStepCondition = (typeof JOURNEY_STEP_CONDITIONS)[number]

export const JourneyStepSchema = z.object({
  wait: JourneyWaitSchema,
  condition: z.enum(JOURNEY_STEP_CONDITIONS).default('always'),
  /** The composer's messages (text with placeholders, image, a coupon card). */
  messages: ComposerMessagesSchema,
  /** A survey link sent after the messages (the mini-app's survey page). */
  surveyId: z.number().int().positive().nullable().default(null),
})
export type JourneyStep = z.infer<typeof JourneyStepSchema>

export const JourneyGoalSchema = z.object({
  /** 'purchase': a purchase ends the member's run (exit on conversion); 'none': runs to the end. */
  kind: z.enum(['purchase', 'none']),
  /** The window the lift report measures purchases in, from entry. */
  days: z.number().int().min(1).max(90),
})
export type JourneyGoal = z.infer<typeof JourneyGoalSchema>

export const MAX_JOURNEY_STEPS = 10
export const MAX_JOURNEY_HOLDOUT_PERCENT = 50

export const JourneyDraftSchema = z
  .object({
    name: z.string().trim().min(1, '名前を入力してください').max(60, '名前は60文字以内です'),
    trigger: JourneyTriggerSchema,
    /** Only members in this segment enter (and leaving it ends the run). */
    audienceSegmentId: z.number().int().positive().nullable().default(null),
    steps: z
      .array(JourneyStepSchema)
      .max(MAX_JOURNEY_STEPS, `ステップは${MAX_JOURNEY_STEPS}個までです`),
    goal: JourneyGoalSchema.default({ kind: 'purchase', days: 14 }),
    holdoutPercent: z.number().int().min(0).max(MAX_JOURNEY_HOLDOUT_PERCENT).default(0),
    /** Higher goes first when two marketing pushes are due for a member at once. */
    priority: z.number().int().min(0).max(100).default(50),
  })
  .superRefine((draft, ctx) => {
    // A staff alert journey pushes nothing to the member; every other journey needs a step.
    if (draft.trigger.kind === 'survey_low_score') {
      if (draft.steps.length > 0)
        ctx.addIssue({
          code: 'custom',
          path: ['steps'],
          message: 'スタッフへの通知のジャーニーには、お客さまへのステップは入れられません',
        })
    } else if (draft.steps.length === 0)
      ctx.addIssue({ code: 'custom', path: ['steps'], message: 'ステップを1つ以上入れてください' })
    draft.steps.forEach((step, i) => {
      step.messages.forEach((m, j) => {
        if (m.type !== 'text') return
        const unknown = unknownPlaceholders(m.text)
        if (unknown.length > 0)
          ctx.addIssue({
            code: 'custom',
            path: ['steps', i, 'messages', j, 'text'],
            message: `使えない差し込み: ${unknown.map((u) => `{${u}}`).join(' ')}`,
          })
      })
    })
  })
export type JourneyDraft = z.input<typeof JourneyDraftSchema>
export type JourneyDraftParsed = z.output<typeof JourneyDraftSchema>

export const JourneyIdParamSchema = z.object({ id: z.coerce.number().int().positive() })
export const JourneyEnableSchema = z.object({ enabled: z.boolean() })

/** Why a step was not sent (or not yet). */
export const JOURNEY_SKIP_REASONS = [
  'quiet_hours', // deferred to the end of quiet hours
  'frequency_cap', // the member already had the week's marketing pushes
  'condition', // the step's branch did not apply
  'no_consent', // the member has not consented to marketing messages (yet)
  'coupon_unavailable', // the coupon could not be issued (sent without it)
] as const
export type JourneySkipReason = (typeof JOURNEY_SKIP_REASONS)[number]

export const JOURNEY_EXIT_REASONS = [
  'converted',
  'blocked',
  'no_consent',
  'left_audience',
  'journey_off',
] as const

export const JourneyStepStatsSchema = z.object({
  step: z.number().int(),
  /** Runs that reached this step (sent, skipped or still waiting here). */
  entered: z.number().int(),
  sent: z.number().int(),
  skipped: z.record(z.string(), z.number().int()),
  deferred: z.number().int(),
  /** Runs that converted with this as their last step sent. */
  converted: z.number().int(),
  /** Coupons this step issued that were used. */
  couponsRedeemed: z.number().int(),
})
export type JourneyStepStats = z.infer<typeof JourneyStepStatsSchema>

export const JourneySchema = z.object({
  id: z.number().int(),
  templateKey: z.string().nullable(),
  name: z.string(),
  trigger: JourneyTriggerSchema,
  audienceSegmentId: z.number().int().nullable(),
  steps: z.array(JourneyStepSchema),
  goal: JourneyGoalSchema,
  holdoutPercent: z.number().int(),
  priority: z.number().int(),
  enabled: z.boolean(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
})
export type Journey = z.infer<typeof JourneySchema>

export const JourneySummarySchema = JourneySchema.extend({
  entered: z.number().int(),
  active: z.number().int(),
  heldOut: z.number().int(),
  converted: z.number().int(),
  steps: z.array(JourneyStepSchema),
  stepStats: z.array(JourneyStepStatsSchema),
})
export type JourneySummary = z.infer<typeof JourneySummarySchema>

export const JourneyListSchema = z.object({ journeys: z.array(JourneySummarySchema) })
export type JourneyList = z.infer<typeof JourneyListSchema>
export const JourneyResponseSchema = z.object({ journey: JourneySummarySchema })
export type JourneyResponse = z.infer<typeof JourneyResponseSchema>

/** GET /api/staff/journeys/:id/lift: entered vs held out within the goal window. */
export const JourneyLiftSchema = z.object({
  journeyId: z.number().int(),
  days: z.number().int(),
  entered: GroupOutcomeSchema,
  heldOut: GroupOutcomeSchema,
  lift: LiftSchema,
})
export type JourneyLift = z.infer<typeof JourneyLiftSchema>

/**
 * POST /api/staff/journeys/:id/preview: every step's messages as one member would get them — the
 * saved steps, or `steps` (the editor's unsaved draft, validated like a saved one).
 */
export const JourneyPreviewSchema = z.object({
  memberNumber: MemberNumberSchema,
  steps: z.array(JourneyStepSchema).min(1).max(MAX_JOURNEY_STEPS).optional(),
})
export const JourneyPreviewResultSchema = z.object({
  steps: z.array(z.object({ step: z.number().int(), messages: z.array(z.unknown()) })),
})
export type JourneyPreviewResult = z.infer<typeof JourneyPreviewResultSchema>

/** One line of a member's journey timeline (the member page). */
export const JourneyTimelineEntrySchema = z.object({
  journeyId: z.number().int(),
  journeyName: z.string(),
  runId: z.number().int(),
  step: z.number().int().nullable(),
  kind: z.enum([
    'entered',
    'held_out',
    'sent',
    'skipped',
    'deferred',
    'due',
    'exited',
    'completed',
  ]),
  reason: z.string().nullable(),
  at: z.number().int(),
})
export type JourneyTimelineEntry = z.infer<typeof JourneyTimelineEntrySchema>
export const JourneyTimelineSchema = z.object({ entries: z.array(JourneyTimelineEntrySchema) })
export type JourneyTimeline = z.infer<typeof JourneyTimelineSchema>

/** The contact policy every marketing push follows (journeys; broadcasts warn on it). */
export const ContactPolicySchema = z.object({
  /** Quiet hours in shop time: no marketing push in [quietStart, quietEnd); deferred to quietEnd. */
  quietStart: HHMM,
  quietEnd: HHMM,
  /** Marketing pushes per member in any 7 days; 0 = no cap. */
  weeklyCap: z.number().int().min(0).max(50),
})
export type ContactPolicy = z.infer<typeof ContactPolicySchema>
export const DEFAULT_CONTACT_POLICY: ContactPolicy = {
  quietStart: '21:00',
  quietEnd: '09:00',
  weeklyCap: 2,
}

/**
 * POST /sandbox/api/clock (the sandbox only; refused elsewhere): move the shop's clock forward by
 * days and hours, or to a shop-local date and time; the periodic jobs run at each day passed.
 */
export const SandboxClockAdvanceSchema = z
  .object({
    days: z.number().int().min(0).max(366).default(0),
    hours: z.number().int().min(0).max(23).default(0),
    /** Shop-local `YYYY-MM-DDTHH:MM`, later than now and within 366 days. */
    to: z
      .string()
      .regex(
        /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/,
        '日時は YYYY-MM-DDTHH:MM で入力してください',
      )
      .optional(),
  })
  .refine((v) => (v.to === undefined) !== (v.days === 0 && v.hours === 0), {
    message: '進める日数・時間か、日時のどちらか一方を指定してください',
  })
export type SandboxClockAdvance = z.input<typeof SandboxClockAdvanceSchema>
export const SandboxClockSchema = z.object({
  /** The shop's clock now (epoch ms). */
  now: z.number().int(),
  /** How far it is ahead of the real time. */
  offsetMs: z.number().int(),
  /** Periodic passes run while moving (one per day passed, and one at the end). */
  ticks: z.number().int(),
})
export type SandboxClock = z.infer<typeof SandboxClockSchema>
