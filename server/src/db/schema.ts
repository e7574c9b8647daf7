import { sql } from 'drizzle-orm'
import {
  blob,
  check,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core'

// Times are epoch milliseconds (UTC); the shop's time zone applies only when showing them.

export const members = sqliteTable(
  'members',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    lineUserId: text('line_user_id').notNull().unique(),
    memberNumber: text('member_number').notNull().unique(),
    displayName: text('display_name'),
    pictureUrl: text('picture_url'),
    statusMessage: text('status_message'),
    language: text('language'),
    followState: text('follow_state', { enum: ['following', 'blocked'] }).notNull(),
    /** Timestamp of the follow / unfollow event that set followState; older events never undo it. */
    followStateAt: integer('follow_state_at').notNull(),
    firstFollowedAt: integer('first_followed_at'),
    followedAt: integer('followed_at'),
    blockedAt: integer('blocked_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    /**
     * Set when the member's personal data was erased on request (domain/privacy): the row stays
     * (purchases and figures keep their member) with its LINE user ID replaced by a marker, so a
     * later follow of the same LINE user makes a fresh member.
     */
    erasedAt: integer('erased_at'),
  },
  (t) => [
    index('members_follow_state_idx').on(t.followState, t.followedAt),
    index('members_followed_at_idx').on(t.followedAt, t.id),
    // The dashboard's "friends at the end of a month" (insights, KPI member counts): a range.
    index('members_friends_since_idx').on(
      t.followState,
      sql`coalesce(${t.firstFollowedAt}, ${t.createdAt})`,
    ),
  ],
)

/** Every webhook event, stored before the 200: the durable inbox the processor drains. */
export const webhookEvents = sqliteTable(
  'webhook_events',
  {
    eventId: text('event_id').primaryKey(),
    type: text('type').notNull(),
    lineUserId: text('line_user_id'),
    replyToken: text('reply_token'),
    eventAt: integer('event_at').notNull(),
    isRedelivery: integer('is_redelivery', { mode: 'boolean' }).notNull(),
    payload: text('payload').notNull(),
    receivedAt: integer('received_at').notNull(),
    /**
     * pending → processing → done / ignored, or dead after the last failed try; parked: stored on
     * arrival as-is without processing because it did not match a known event shape (`last_error`
     * says why, in Japanese).
     */
    status: text('status', {
      enum: ['pending', 'processing', 'done', 'ignored', 'dead', 'parked'],
    })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lockedUntil: integer('locked_until'),
    lastError: text('last_error'),
    processedAt: integer('processed_at'),
  },
  (t) => [
    index('webhook_events_due_idx').on(t.status, t.nextAttemptAt),
    // A member's events waiting to be handled: a fresh reply token may go ahead of the backlog
    // only when nothing older of the same member waits (their order is kept).
    index('webhook_events_member_pending_idx')
      .on(t.lineUserId, t.eventAt)
      .where(sql`status = 'pending'`),
  ],
)

/** The conversation with each member: what they sent and what the account sent them. */
export const chatMessages = sqliteTable(
  'chat_messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    direction: text('direction', { enum: ['in', 'out'] }).notNull(),
    kind: text('kind').notNull(),
    text: text('text'),
    payload: text('payload').notNull(),
    /** Inbound: the webhook event; outbound: the outbox row. Unique so a replay writes once. */
    sourceKey: text('source_key').notNull().unique(),
    /** Outbound only: who wrote it (bot, a staff reply, a broadcast) and how it went. */
    origin: text('origin', { enum: ['bot', 'staff', 'broadcast'] }),
    staffId: integer('staff_id'),
    via: text('via', { enum: ['reply', 'push', 'multicast'] }),
    /**
     * Outbound only, when it did not simply go: 'unknown' (LINE may or may not have delivered it,
     * e.g. a reply answered 5xx whose token then proved used) or 'failed', and why (a code the
     * console words in Japanese). Null for messages that went, or are still on their way.
     */
    delivery: text('delivery', { enum: ['unknown', 'failed'] }),
    deliveryReason: text('delivery_reason', {
      enum: [
        'reply_in_doubt',
        'interrupted',
        'monthly_limit',
        'rejected',
        'gave_up',
        'not_allowed',
        'reply_token',
        'blocked',
      ],
    }),
    /** LINE's answer when it refused the message ("<status> <message>"), worded for staff on read. */
    deliveryDetail: text('delivery_detail'),
    /** A staff resend (as a push) of this failed message's row. */
    resendOf: integer('resend_of'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('chat_messages_member_idx').on(t.memberId, t.createdAt),
    index('chat_messages_resend_of_idx').on(t.resendOf),
  ],
)

/**
 * Every message the product sends goes through this outbox. The retry key is stored with the row
 * before the first attempt, so a resend after a crash is recognised by LINE (409) and not delivered
 * twice.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    dedupeKey: text('dedupe_key').notNull().unique(),
    lineUserId: text('line_user_id').notNull(),
    replyToken: text('reply_token'),
    replyTokenExpiresAt: integer('reply_token_expires_at'),
    retryKey: text('retry_key').notNull(),
    messages: text('messages').notNull(),
    /** 'unknown': LINE may have delivered it and there is no way to ask (never resent). */
    status: text('status', {
      enum: ['pending', 'sending', 'sent', 'skipped', 'failed', 'dead', 'unknown'],
    })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lockedUntil: integer('locked_until'),
    replyAttemptedAt: integer('reply_attempted_at'),
    via: text('via', { enum: ['reply', 'push'] }),
    lineRequestId: text('line_request_id'),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    sentAt: integer('sent_at'),
    /** The customAggregationUnits name its push carries (a journey step's); null: none. */
    aggregationUnit: text('aggregation_unit'),
  },
  (t) => [
    index('outbox_due_idx').on(t.status, t.nextAttemptAt),
    // Replies whose token expires first are claimed first.
    index('outbox_reply_due_idx').on(t.status, t.replyTokenExpiresAt),
  ],
)

/** Shop-wide settings as JSON values (shop name, categories, the owner setup code hash, …). */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at').notNull(),
})

/** Profile attributes the member gives in the mini-app; one row per member once they save. */
export const memberProfiles = sqliteTable(
  'member_profiles',
  {
    memberId: integer('member_id')
      .primaryKey()
      .references(() => members.id),
    birthday: text('birthday'),
    gender: text('gender', { enum: ['female', 'male', 'other', 'unspecified'] }),
    prefecture: text('prefecture'),
    interests: text('interests').notNull().default('[]'),
    /** Legacy mirror of `marketing_choice = 'in'` (kept written; read nothing from it). */
    marketingConsent: integer('marketing_consent', { mode: 'boolean' }).notNull().default(false),
    /**
     * The member's own choice about marketing messages: 'in', 'out', or null when they never chose
     * (the shop's default applies). The summary's `sendable` follows it by trigger.
     */
    marketingChoice: text('marketing_choice', { enum: ['in', 'out'] }),
    /** When the choice last changed (null: never chose). */
    consentUpdatedAt: integer('consent_updated_at'),
    updatedAt: integer('updated_at').notNull(),
    /** '01'–'12' from the birthday (derived, never written), for the birthday-month segment. */
    birthMonth: text('birth_month').generatedAlwaysAs(sql`substr(birthday, 6, 2)`, {
      mode: 'virtual',
    }),
  },
  (t) => [
    index('member_profiles_birthday_idx').on(t.birthday),
    index('member_profiles_birth_month_idx').on(t.birthMonth),
    index('member_profiles_gender_idx').on(t.gender, t.prefecture),
    index('member_profiles_prefecture_idx').on(t.prefecture, t.gender),
  ],
)

export const staff = sqliteTable('staff', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  lineUserId: text('line_user_id').notNull().unique(),
  displayName: text('display_name').notNull(),
  role: text('role', { enum: ['owner', 'admin', 'staff'] }).notNull(),
  invitedBy: integer('invited_by'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
})

/** One-time invitations: the code is shown once to the inviter; only its hash is stored. */
export const staffInvites = sqliteTable('staff_invites', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  codeHash: text('code_hash').notNull().unique(),
  role: text('role', { enum: ['admin', 'staff'] }).notNull(),
  createdBy: integer('created_by').notNull(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  usedBy: integer('used_by'),
  usedAt: integer('used_at'),
  revokedAt: integer('revoked_at'),
})

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    staffId: integer('staff_id'),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    before: text('before'),
    after: text('after'),
    at: integer('at').notNull(),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at),
    index('audit_log_target_idx').on(t.targetType, t.targetId),
  ],
)

export const tags = sqliteTable('tags', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  createdAt: integer('created_at').notNull(),
})

export const memberTags = sqliteTable(
  'member_tags',
  {
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    tagId: integer('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.memberId, t.tagId] }),
    index('member_tags_tag_idx').on(t.tagId, t.memberId),
  ],
)

export const memberNotes = sqliteTable(
  'member_notes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    staffId: integer('staff_id').notNull(),
    body: text('body').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('member_notes_member_idx').on(t.memberId, t.createdAt)],
)

// ── Loyalty: purchases, the points ledger, tiers ─────────────────────────────────────────────

export const purchases = sqliteTable(
  'purchases',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    amountYen: integer('amount_yen').notNull(),
    categories: text('categories').notNull().default('[]'),
    store: text('store'),
    purchasedAt: integer('purchased_at').notNull(),
    /** The POS / EC system's own ID; a second import of the same ID is a duplicate. */
    externalId: text('external_id').unique(),
    source: text('source', { enum: ['register', 'api', 'csv'] }).notNull(),
    staffId: integer('staff_id'),
    apiKeyId: integer('api_key_id'),
    status: text('status', { enum: ['completed', 'refunded'] })
      .notNull()
      .default('completed'),
    pointsGranted: integer('points_granted').notNull().default(0),
    refundedAt: integer('refunded_at'),
    refundedBy: integer('refunded_by'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    // Covers the purchase summary's aggregation (segments), so it never visits the table rows.
    index('purchases_member_idx').on(t.memberId, t.purchasedAt, t.status, t.amountYen),
    // Completed purchases only, narrower: what the segment summary rebuild reads, in member order.
    index('purchases_completed_idx')
      .on(t.memberId, t.purchasedAt, t.amountYen)
      .where(sql`status = 'completed'`),
    index('purchases_at_idx').on(t.purchasedAt),
    check('purchases_amount_positive', sql`${t.amountYen} > 0`),
  ],
)

/**
 * Append-only. A member's balance is the sum of `points`; grants are positive, redeem / expire /
 * reverse negative, adjust either. Rows are never updated or deleted.
 */
export const pointLedger = sqliteTable(
  'point_ledger',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    kind: text('kind', { enum: ['grant', 'redeem', 'expire', 'adjust', 'reverse'] }).notNull(),
    points: integer('points').notNull(),
    /** For grants: when they expire. */
    expiresAt: integer('expires_at'),
    purchaseId: integer('purchase_id'),
    couponId: integer('coupon_id'),
    reason: text('reason'),
    staffId: integer('staff_id'),
    /** Makes a write idempotent (e.g. 'purchase:42:grant'); a replay inserts nothing. */
    dedupeKey: text('dedupe_key').unique(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('point_ledger_member_idx').on(t.memberId, t.createdAt)],
)

/**
 * What is left of each positive ledger entry, oldest-expiring first. Spends and expiry consume
 * lots; the CHECK makes an overdrawn lot fail the whole atomic batch.
 */
export const pointLots = sqliteTable(
  'point_lots',
  {
    ledgerId: integer('ledger_id')
      .primaryKey()
      .references(() => pointLedger.id),
    memberId: integer('member_id').notNull(),
    remaining: integer('remaining').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [
    index('point_lots_member_idx').on(t.memberId, t.expiresAt),
    index('point_lots_expiry_idx').on(t.expiresAt),
    check('point_lots_remaining_nonnegative', sql`${t.remaining} >= 0`),
  ],
)

/** A stored balance for fast reads, kept equal to the ledger sum; never negative. */
export const pointBalances = sqliteTable(
  'point_balances',
  {
    memberId: integer('member_id')
      .primaryKey()
      .references(() => members.id),
    balance: integer('balance').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [check('point_balances_nonnegative', sql`${t.balance} >= 0`)],
)

export const tiers = sqliteTable('tiers', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  /** Rolling 12-month spend (yen) from which a member is in this tier. */
  minSpendYen: integer('min_spend_yen').notNull().unique(),
  /** Points multiplier in percent (100 = ×1, 150 = ×1.5). */
  multiplierPercent: integer('multiplier_percent').notNull().default(100),
  createdAt: integer('created_at').notNull(),
})

/** Each member's current tier and rolling spend, recomputed on purchase, refund and daily. */
export const memberTiers = sqliteTable('member_tiers', {
  memberId: integer('member_id')
    .primaryKey()
    .references(() => members.id),
  tierId: integer('tier_id'),
  spend12mYen: integer('spend_12m_yen').notNull(),
  updatedAt: integer('updated_at').notNull(),
})

/** Keys for POS / EC systems: shown once, stored as a SHA-256 hash, revocable, scoped. */
export const apiKeys = sqliteTable('api_keys', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  prefix: text('prefix').notNull(),
  keyHash: text('key_hash').notNull().unique(),
  scopes: text('scopes').notNull(),
  createdBy: integer('created_by').notNull(),
  createdAt: integer('created_at').notNull(),
  lastUsedAt: integer('last_used_at'),
  revokedAt: integer('revoked_at'),
})

/** Idempotency-Key records for the integration API: the first response is replayed. */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    apiKeyId: integer('api_key_id').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status'),
    response: text('response'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.apiKeyId, t.key] })],
)

// ── Coupons ──────────────────────────────────────────────────────────────────────────────────

export const couponTemplates = sqliteTable(
  'coupon_templates',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind', { enum: ['yen_off', 'percent_off', 'free_item', 'gift'] }).notNull(),
    title: text('title').notNull(),
    conditions: text('conditions'),
    imageUrl: text('image_url'),
    /** Yen for yen_off, percent for percent_off; null otherwise. */
    value: integer('value'),
    validity: text('validity', { enum: ['window', 'days'] }).notNull(),
    validFrom: integer('valid_from'),
    validUntil: integer('valid_until'),
    validDays: integer('valid_days'),
    totalLimit: integer('total_limit'),
    perMemberLimit: integer('per_member_limit').notNull().default(1),
    /** In the points-exchange catalogue when set. */
    pointsCost: integer('points_cost'),
    issuedCount: integer('issued_count').notNull().default(0),
    status: text('status', { enum: ['active', 'archived'] })
      .notNull()
      .default('active'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    check(
      'coupon_templates_total_limit',
      sql`${t.totalLimit} is null or ${t.issuedCount} <= ${t.totalLimit}`,
    ),
  ],
)

/** How many of a template a member holds; the CHECK enforces the per-member limit atomically. */
export const couponMemberCounts = sqliteTable(
  'coupon_member_counts',
  {
    templateId: integer('template_id')
      .notNull()
      .references(() => couponTemplates.id),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    issued: integer('issued').notNull(),
    limit: integer('limit').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.templateId, t.memberId] }),
    check('coupon_member_counts_limit', sql`${t.issued} <= ${t.limit}`),
  ],
)

export const coupons = sqliteTable(
  'coupons',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    templateId: integer('template_id')
      .notNull()
      .references(() => couponTemplates.id),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    source: text('source', {
      enum: [
        'welcome',
        'manual',
        'points_exchange',
        'survey',
        'broadcast',
        'automation',
        'referral',
        'stamp_card',
      ],
    }).notNull(),
    /** What issued it (a staff ID, survey response, broadcast …), for attribution. */
    sourceRef: text('source_ref'),
    state: text('state', { enum: ['issued', 'redeemed', 'expired', 'revoked'] })
      .notNull()
      .default('issued'),
    issuedAt: integer('issued_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    redeemedAt: integer('redeemed_at'),
    redeemedBy: integer('redeemed_by'),
    redeemedVia: text('redeemed_via', { enum: ['staff_scan', 'member_confirm'] }),
    revokedAt: integer('revoked_at'),
    /** Makes issuing idempotent, e.g. 'welcome:<LINE user ID>' is issued once, ever. */
    dedupeKey: text('dedupe_key').unique(),
    /** What a customer reads aloud and staff type: 8 Crockford base32 characters (XXXX-XXXX). */
    shortCode: text('short_code'),
  },
  (t) => [
    uniqueIndex('coupons_short_code_idx').on(t.shortCode),
    index('coupons_member_idx').on(t.memberId, t.state, t.expiresAt),
    index('coupons_template_idx').on(t.templateId, t.state),
    // The coupon-expiring journeys' pass: unused coupons by expiry, across members.
    index('coupons_state_expiry_idx').on(t.state, t.expiresAt),
    // The dashboard's issue → redemption by source over a period: a covering range.
    index('coupons_issued_source_idx').on(t.issuedAt, t.source, t.state),
  ],
)

// ── Surveys (issue 5: survey owner) ─────────────────────────────────────────────────────────

export const surveys = sqliteTable('surveys', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  title: text('title').notNull(),
  status: text('status', { enum: ['draft', 'open', 'closed'] })
    .notNull()
    .default('draft'),
  /** The version new responses answer; editing questions after answers exist makes a new one. */
  currentVersionId: integer('current_version_id'),
  rewardTemplateId: integer('reward_template_id').references(() => couponTemplates.id),
  policy: text('policy', { enum: ['once', 'every_n_days'] })
    .notNull()
    .default('once'),
  policyDays: integer('policy_days'),
  opensAt: integer('opens_at'),
  closesAt: integer('closes_at'),
  /** A response at or below these alerts staff and opens a support conversation. */
  alertNpsAtOrBelow: integer('alert_nps_at_or_below').notNull().default(6),
  alertRatingAtOrBelow: integer('alert_rating_at_or_below').notNull().default(2),
  createdBy: integer('created_by'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
})

export const surveyVersions = sqliteTable(
  'survey_versions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    surveyId: integer('survey_id')
      .notNull()
      .references(() => surveys.id),
    version: integer('version').notNull(),
    intro: text('intro').notNull().default(''),
    /** JSON: the questions (IDs stable within a version), with options and their mappings. */
    questions: text('questions').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('survey_versions_survey_version_idx').on(t.surveyId, t.version)],
)

export const surveyResponses = sqliteTable(
  'survey_responses',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    surveyId: integer('survey_id')
      .notNull()
      .references(() => surveys.id),
    versionId: integer('version_id')
      .notNull()
      .references(() => surveyVersions.id),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    channel: text('channel', { enum: ['liff', 'chat'] }).notNull(),
    /** JSON: the validated answers as submitted. */
    answers: text('answers').notNull(),
    /** Enforces the response policy: 'survey:<id>:member:<id>[:<period>]'; a second insert fails. */
    dedupeKey: text('dedupe_key').notNull().unique(),
    npsScore: integer('nps_score'),
    lowScore: integer('low_score', { mode: 'boolean' }).notNull().default(false),
    rewardCouponId: integer('reward_coupon_id'),
    submittedAt: integer('submitted_at').notNull(),
  },
  (t) => [
    index('survey_responses_survey_idx').on(t.surveyId, t.submittedAt),
    index('survey_responses_member_idx').on(t.memberId, t.surveyId),
    // The closed-loop retry looks for recent low scores every minute.
    index('survey_responses_low_score_idx').on(t.lowScore, t.submittedAt),
    // The dashboard's NPS, CSAT and respondents per month: a covering range by submission time.
    index('survey_responses_submitted_idx').on(t.submittedAt, t.npsScore, t.memberId),
  ],
)

/** One row per answered option / value, for results and segments ("chose option Y", NPS band). */
export const surveyAnswers = sqliteTable(
  'survey_answers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    responseId: integer('response_id')
      .notNull()
      .references(() => surveyResponses.id),
    surveyId: integer('survey_id').notNull(),
    memberId: integer('member_id').notNull(),
    questionId: text('question_id').notNull(),
    optionId: text('option_id'),
    numberValue: integer('number_value'),
    textValue: text('text_value'),
  },
  (t) => [
    index('survey_answers_question_idx').on(t.surveyId, t.questionId, t.optionId),
    index('survey_answers_member_idx').on(t.memberId, t.surveyId),
    // The dashboard's CSAT: a month's responses, then each one's answers.
    index('survey_answers_response_idx').on(t.responseId, t.questionId, t.numberValue),
  ],
)

/** A member's answers in progress: the chat-mode position, or the mini-app draft. */
export const surveySessions = sqliteTable(
  'survey_sessions',
  {
    surveyId: integer('survey_id')
      .notNull()
      .references(() => surveys.id),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    versionId: integer('version_id').notNull(),
    channel: text('channel', { enum: ['liff', 'chat'] }).notNull(),
    answers: text('answers').notNull().default('{}'),
    state: text('state', { enum: ['active', 'paused'] })
      .notNull()
      .default('active'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.surveyId, t.memberId] })],
)

/** Attributes answers set (e.g. interests, visit purpose); multi-valued, usable by segments. */
export const memberAttributes = sqliteTable(
  'member_attributes',
  {
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    key: text('key').notNull(),
    value: text('value').notNull(),
    source: text('source').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.memberId, t.key, t.value] }),
    index('member_attributes_key_value_idx').on(t.key, t.value, t.memberId),
  ],
)

// ── Support (issue 6: support owner) ────────────────────────────────────────────────────────

/** One conversation per member, reopened by a new message after it was closed. */
export const conversations = sqliteTable(
  'conversations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    memberId: integer('member_id')
      .notNull()
      .unique()
      .references(() => members.id),
    status: text('status', { enum: ['open', 'pending', 'closed'] }).notNull(),
    openReason: text('open_reason', {
      enum: ['unanswered', 'ask_staff', 'low_score', 'staff'],
    }).notNull(),
    assignedTo: integer('assigned_to'),
    unread: integer('unread').notNull().default(0),
    /** Counts open cycles, so the hand-over acknowledgement goes once per cycle. */
    cycle: integer('cycle').notNull().default(1),
    ackedCycle: integer('acked_cycle').notNull().default(0),
    lastMessageAt: integer('last_message_at').notNull(),
    lastInboundAt: integer('last_inbound_at'),
    /** Inbound chat_messages up to this ID are read; `unread` counts those after it. */
    readThroughId: integer('read_through_id').notNull().default(0),
    /** The newest reply token the bot left unused (single use): a staff reply may take it. */
    replyToken: text('reply_token'),
    replyTokenExpiresAt: integer('reply_token_expires_at'),
    openedAt: integer('opened_at').notNull(),
    closedAt: integer('closed_at'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('conversations_status_idx').on(t.status, t.lastMessageAt),
    index('conversations_updated_idx').on(t.updatedAt),
  ],
)

/** Images (and other content) customers sent, fetched from the data API within a size limit. */
export const messageContents = sqliteTable(
  'message_contents',
  {
    chatMessageId: integer('chat_message_id')
      .primaryKey()
      .references(() => chatMessages.id),
    lineMessageId: text('line_message_id').notNull(),
    status: text('status', { enum: ['pending', 'stored', 'too_large', 'failed'] }).notNull(),
    contentType: text('content_type'),
    size: integer('size'),
    bytes: blob('bytes', { mode: 'buffer' }),
    attempts: integer('attempts').notNull().default(0),
    /** Pending rows are fetched from here on (a lease while fetching, backoff after a failure). */
    nextAttemptAt: integer('next_attempt_at').notNull().default(0),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('message_contents_due_idx').on(t.status, t.nextAttemptAt)],
)

export const faqEntries = sqliteTable('faq_entries', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** JSON string[]: the question and its variants. */
  questions: text('questions').notNull(),
  answer: text('answer').notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
})

/**
 * Every customer message the FAQ stage judged (issue 16): what the bot did with it, the member's
 * 「解決した / スタッフに聞く」 feedback, and whether staff since taught it (added the question to an
 * entry or made a new entry from it) or dismissed it. Feeds the per-entry figures and the
 * 「答えられなかった質問」 list.
 */
export const faqAsks = sqliteTable(
  'faq_asks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    text: text('text').notNull(),
    /** answered: the bot answered with entry_id; handed_over: no entry was sure enough; picked: the member then tapped a もしかして suggestion (entry_id). */
    outcome: text('outcome', { enum: ['answered', 'handed_over', 'picked'] }).notNull(),
    /** No foreign key: the figures outlive a deleted entry. */
    entryId: integer('entry_id'),
    confidence: real('confidence').notNull(),
    feedback: text('feedback', { enum: ['resolved', 'escalated'] }),
    feedbackAt: integer('feedback_at'),
    learnedEntryId: integer('learned_entry_id'),
    learnedAt: integer('learned_at'),
    dismissedAt: integer('dismissed_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('faq_asks_entry_idx').on(t.entryId, t.outcome),
    // The unanswered list reads only open hand-overs, newest first.
    index('faq_asks_open_idx')
      .on(t.createdAt)
      .where(sql`outcome = 'handed_over' AND learned_at IS NULL AND dismissed_at IS NULL`),
  ],
)

export const keywordRules = sqliteTable('keyword_rules', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  match: text('match', { enum: ['exact', 'contains', 'regex'] }).notNull(),
  pattern: text('pattern').notNull(),
  /** JSON: the reply messages from the composer. */
  reply: text('reply').notNull(),
  priority: integer('priority').notNull().default(0),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
})

export const cannedReplies = sqliteTable('canned_replies', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  title: text('title').notNull(),
  body: text('body').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
})

/** Items for staff: new conversations and low survey scores; pushed in batches to opted-in staff. */
export const staffAlerts = sqliteTable(
  'staff_alerts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /**
     * new_conversation / low_score are about a member; webhook_parked (a LINE event that could not
     * be handled, raised by a trigger, migration 0008) and security (a burst of wrong codes or keys)
     * are about the shop, without a member.
     */
    kind: text('kind', {
      enum: [
        'new_conversation',
        'low_score',
        'webhook_parked',
        'security',
        'job_failed',
        'data_request',
      ],
    }).notNull(),
    memberId: integer('member_id'),
    conversationId: integer('conversation_id'),
    surveyResponseId: integer('survey_response_id'),
    summary: text('summary').notNull(),
    /** Makes raising an alert idempotent, e.g. 'low_score:<response ID>'. */
    dedupeKey: text('dedupe_key').notNull().unique(),
    createdAt: integer('created_at').notNull(),
    resolvedAt: integer('resolved_at'),
    resolvedBy: integer('resolved_by'),
  },
  (t) => [
    index('staff_alerts_created_idx').on(t.createdAt),
    // The console's open-alert count and list (polled) read only unresolved rows.
    index('staff_alerts_open_idx').on(t.resolvedAt, t.id),
  ],
)

/** Per staff member: LINE push alerts opt-in, quiet hours (shop time, 'HH:MM'), what was pushed. */
export const staffAlertPrefs = sqliteTable('staff_alert_prefs', {
  staffId: integer('staff_id')
    .primaryKey()
    .references(() => staff.id),
  lineAlerts: integer('line_alerts', { mode: 'boolean' }).notNull().default(false),
  quietStart: text('quiet_start'),
  quietEnd: text('quiet_end'),
  /** The highest alert ID already pushed to this staff member. */
  pushedThroughId: integer('pushed_through_id').notNull().default(0),
  updatedAt: integer('updated_at').notNull(),
})

/**
 * Fixed-window attempt counters for guessable secrets (owner setup code, invitation codes, API
 * keys): one row per key (`<group>:ip:<address>` or `<group>:all`), reset when a new window starts.
 * One conditional UPSERT per attempt, the same on SQLite and D1, so it holds across Workers
 * isolates and restarts. Rows of past windows are pruned by the periodic job.
 */
export const rateLimits = sqliteTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStart: integer('window_start').notNull(),
  count: integer('count').notNull(),
})

// ── Segments and broadcasts (issue 7: segments / broadcast owners) ──────────────────────────

/**
 * The segment summary: one row per member (a trigger adds it with the member), with the purchase
 * figures kept up to date on purchase, refund and daily, so segment counts never scan purchases.
 */
export const memberRfm = sqliteTable(
  'member_rfm',
  {
    memberId: integer('member_id')
      .primaryKey()
      .references(() => members.id),
    firstPurchaseAt: integer('first_purchase_at'),
    lastPurchaseAt: integer('last_purchase_at'),
    purchaseCount: integer('purchase_count').notNull().default(0),
    spendTotalYen: integer('spend_total_yen').notNull().default(0),
    purchaseCount12m: integer('purchase_count_12m').notNull().default(0),
    spend12mYen: integer('spend_12m_yen').notNull().default(0),
    /** Completed purchases and spend in the last 30 / 90 / 180 / 365 days (SEGMENT_WINDOW_DAYS). */
    purchaseCount30d: integer('purchase_count_30d').notNull().default(0),
    spend30dYen: integer('spend_30d_yen').notNull().default(0),
    purchaseCount90d: integer('purchase_count_90d').notNull().default(0),
    spend90dYen: integer('spend_90d_yen').notNull().default(0),
    purchaseCount180d: integer('purchase_count_180d').notNull().default(0),
    spend180dYen: integer('spend_180d_yen').notNull().default(0),
    purchaseCount365d: integer('purchase_count_365d').notNull().default(0),
    spend365dYen: integer('spend_365d_yen').notNull().default(0),
    /**
     * Copies kept by triggers (migrations 0005 and marketing_reach) in the same statement as their
     * source, so segment counts read one row per member: the member's tier (member_tiers) and their
     * reach state for marketing messages (db/segments/reach.ts): 0 blocked or unfollowed, 1 opted
     * out, 2 following and never chose, 3 opted in. Reachable is `sendable >= ` the shop's floor
     * (2 by default, 3 when the shop sends only to members who opted in), read in the statement.
     */
    tierId: integer('tier_id'),
    // Typed boolean for drizzle (DDL unchanged); read and written as the integer state in SQL only.
    sendable: integer('sendable', { mode: 'boolean' }).notNull().default(false),
    /** A copy of point_balances.balance kept by triggers (migration member_list_summary), for the member list's order. */
    pointsBalance: integer('points_balance').notNull().default(0),
    /**
     * The tier's min_spend_yen (-1 without a tier), kept by triggers (migration member_list_tier),
     * for the member list's tier order: higher tiers have higher thresholds.
     */
    tierRank: integer('tier_rank').notNull().default(-1),
    updatedAt: integer('updated_at').notNull(),
  },
  // Each index ends in `sendable`, so a segment's reachable count reads the same index entries.
  (t) => [
    index('member_rfm_last_idx').on(t.lastPurchaseAt, t.sendable),
    index('member_rfm_first_idx').on(t.firstPurchaseAt, t.sendable),
    index('member_rfm_count12m_idx').on(t.purchaseCount12m, t.lastPurchaseAt, t.sendable),
    index('member_rfm_spend12m_idx').on(t.spend12mYen, t.sendable),
    index('member_rfm_tier_idx').on(t.tierId, t.lastPurchaseAt, t.sendable),
    index('member_rfm_sendable_idx').on(t.sendable),
    // The member list's orders (staff console): one index walk per column, member_id (the rowid)
    // breaking ties, so a page is a keyset seek at any depth of a million members.
    index('member_rfm_list_last_idx').on(sql`coalesce(${t.lastPurchaseAt}, -1)`, t.memberId),
    index('member_rfm_list_visits_idx').on(t.purchaseCount, t.memberId),
    index('member_rfm_list_spend_idx').on(t.spendTotalYen, t.memberId),
    index('member_rfm_list_points_idx').on(t.pointsBalance, t.memberId),
    index('member_rfm_list_tier_idx').on(t.tierRank, t.memberId),
    // Partial: only members who bought in the window, so they stay small and cheap to rebuild.
    index('member_rfm_30d_idx')
      .on(t.purchaseCount30d, t.spend30dYen, t.sendable)
      .where(sql`purchase_count_30d > 0`),
    index('member_rfm_90d_idx')
      .on(t.purchaseCount90d, t.spend90dYen, t.sendable)
      .where(sql`purchase_count_90d > 0`),
    index('member_rfm_180d_idx')
      .on(t.purchaseCount180d, t.spend180dYen, t.sendable)
      .where(sql`purchase_count_180d > 0`),
    index('member_rfm_365d_idx')
      .on(t.purchaseCount365d, t.spend365dYen, t.sendable)
      .where(sql`purchase_count_365d > 0`),
  ],
)

/** Running totals over the segment summary, kept by triggers (migration 0005); one row, id 1. */
export const segmentSummaryStats = sqliteTable('segment_summary_stats', {
  id: integer('id').primaryKey(),
  /** Members whose 12-month spend is above 0: the base of "top N % by spend", never counted. */
  spenders12m: integer('spenders_12m').notNull(),
})

/**
 * Per member and category: the last completed purchase of that category (segments' "bought
 * category X ever / in the last N days" ⇔ a row / a row with last_purchase_at in the window).
 * Recomputed with member_rfm on each purchase and refund.
 */
export const memberCategories = sqliteTable(
  'member_categories',
  {
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    category: text('category').notNull(),
    lastPurchaseAt: integer('last_purchase_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.memberId, t.category] }),
    index('member_categories_recent_idx').on(t.category, t.lastPurchaseAt, t.memberId),
  ],
)

export const segments = sqliteTable('segments', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  /** JSON: the rule tree (shared zod schema). */
  rules: text('rules').notNull(),
  /** Set for the built-in segments (new, loyal, casual, dormant, at_risk, vip, birthday). */
  builtIn: text('built_in').unique(),
  createdBy: integer('created_by'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
})

export const broadcasts = sqliteTable(
  'broadcasts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    title: text('title').notNull(),
    /** JSON: up to 5 composer messages (text with placeholders, image, coupon card). */
    messages: text('messages').notNull(),
    /** JSON: { kind: 'segment', segmentId } | { kind: 'all' } | { kind: 'members', numbers }. */
    audience: text('audience').notNull(),
    status: text('status', {
      enum: [
        'draft',
        'scheduled',
        'planning',
        'sending',
        'paused',
        'done',
        'cancelled',
        'quota_stopped',
        'failed',
      ],
    }).notNull(),
    scheduledAt: integer('scheduled_at'),
    holdoutPercent: integer('holdout_percent').notNull().default(0),
    attributionDays: integer('attribution_days').notNull().default(7),
    couponTemplateId: integer('coupon_template_id'),
    createdBy: integer('created_by'),
    /** Frozen audience size (recipients + holdout), set when planning commits. */
    recipientCount: integer('recipient_count').notNull().default(0),
    lockedUntil: integer('locked_until'),
    error: text('error'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
  },
  (t) => [index('broadcasts_status_idx').on(t.status, t.scheduledAt)],
)

/** The frozen audience: one row per member, drawn into holdout or assigned a chunk. */
export const broadcastRecipients = sqliteTable(
  'broadcast_recipients',
  {
    // No foreign key: planning writes a row per member (a million in one statement) and the
    // per-row parent check cost ~15% of it; rows are only ever written for the broadcast planned.
    broadcastId: integer('broadcast_id').notNull(),
    memberId: integer('member_id').notNull(),
    holdout: integer('holdout', { mode: 'boolean' }).notNull().default(false),
    chunkId: integer('chunk_id'),
    status: text('status', { enum: ['queued', 'sending', 'sent', 'failed', 'holdout'] }).notNull(),
  },
  // No index on chunk_id: a million-row freeze pays for every index (chunks carry member_ids).
  (t) => [primaryKey({ columns: [t.broadcastId, t.memberId] })],
)

/**
 * Members of a broadcast's audience left out by the contact policy when it was planned (reason
 * 'frequency_cap': already at the weekly cap of marketing pushes), recorded and counted.
 */
export const broadcastSkips = sqliteTable(
  'broadcast_skips',
  {
    broadcastId: integer('broadcast_id').notNull(),
    memberId: integer('member_id').notNull(),
    reason: text('reason', { enum: ['frequency_cap'] }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.broadcastId, t.memberId] })],
)

/** A durable send job: ≤ 500 recipients by multicast (or one by push), its retry key stored first. */
export const broadcastChunks = sqliteTable(
  'broadcast_chunks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    broadcastId: integer('broadcast_id')
      .notNull()
      .references(() => broadcasts.id),
    kind: text('kind', { enum: ['multicast', 'push'] }).notNull(),
    /** JSON string[]: the LINE user IDs. */
    to: text('to').notNull(),
    /** JSON number[]: the members behind `to`, in the same order. */
    memberIds: text('member_ids').notNull(),
    recipientCount: integer('recipient_count').notNull(),
    /** JSON: the rendered LINE messages. */
    messages: text('messages').notNull(),
    retryKey: text('retry_key').notNull(),
    status: text('status', { enum: ['pending', 'sending', 'sent', 'failed', 'cancelled'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lockedUntil: integer('locked_until'),
    lineRequestId: text('line_request_id'),
    lastError: text('last_error'),
    sentAt: integer('sent_at'),
  },
  (t) => [
    index('broadcast_chunks_due_idx').on(t.status, t.nextAttemptAt),
    index('broadcast_chunks_broadcast_idx').on(t.broadcastId, t.status),
  ],
)

/**
 * Business events, written in the same atomic batch as the change they record (a transactional
 * outbox; see domain/events). Internal IDs and figures only — no personal data — and no foreign
 * key, so erasing a member never rewrites them. Pruned after retention once every subscriber has
 * passed them.
 */
export const domainEvents = sqliteTable(
  'domain_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    type: text('type').notNull(),
    memberId: integer('member_id'),
    data: text('data').notNull(),
    /** A replayed command records nothing new (NULL: no key). */
    dedupeKey: text('dedupe_key').unique(),
    occurredAt: integer('occurred_at').notNull(),
    recordedAt: integer('recorded_at').notNull(),
  },
  (t) => [
    index('domain_events_member_idx').on(t.memberId, t.id),
    index('domain_events_recorded_idx').on(t.recordedAt),
  ],
)

/** Each subscriber's position in domain_events, its lease and its retry state. */
export const eventCursors = sqliteTable('event_cursors', {
  subscriber: text('subscriber').primaryKey(),
  /** The last event ID handed over (or passed as not of its types). */
  position: integer('position').notNull(),
  /** Failed attempts at the next event. */
  attempts: integer('attempts').notNull().default(0),
  retryAt: integer('retry_at').notNull().default(0),
  leaseToken: text('lease_token'),
  leaseUntil: integer('lease_until').notNull().default(0),
  lastError: text('last_error'),
  updatedAt: integer('updated_at').notNull(),
})

/** Events whose reply already carried a subscriber's contribution (the relay skips them). */
export const eventHandledInReply = sqliteTable(
  'event_handled_in_reply',
  {
    subscriber: text('subscriber').notNull(),
    eventId: integer('event_id').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.subscriber, t.eventId] })],
)

/** Events a subscriber gave up on after its retries: shown to staff with the reason. */
export const eventFailures = sqliteTable(
  'event_failures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    subscriber: text('subscriber').notNull(),
    eventId: integer('event_id').notNull(),
    eventType: text('event_type').notNull(),
    error: text('error').notNull(),
    attempts: integer('attempts').notNull(),
    failedAt: integer('failed_at').notNull(),
  },
  (t) => [uniqueIndex('event_failures_subscriber_event_idx').on(t.subscriber, t.eventId)],
)

// ── Referral program (issue 19) ─────────────────────────────────────────────────────────────

/** One random referral code per member (not derived from the member; useless for lookup). */
export const referralCodes = sqliteTable('referral_codes', {
  memberId: integer('member_id')
    .primaryKey()
    .references(() => members.id),
  code: text('code').notNull().unique(),
  createdAt: integer('created_at').notNull(),
})

/**
 * One claim of a referral code by a newcomer (the verified ID token's user). The first live claim
 * per newcomer wins (partial UNIQUE); later claims are kept as refused with their reason.
 * `qualify_guard` holds `changes()` of the qualification UPDATE in the same batch: the CHECK
 * fails the whole commit (rewards included) when that UPDATE changed nothing.
 */
export const referrals = sqliteTable(
  'referrals',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    referrerMemberId: integer('referrer_member_id')
      .notNull()
      .references(() => members.id),
    newcomerLineUserId: text('newcomer_line_user_id').notNull(),
    newcomerMemberId: integer('newcomer_member_id').references(() => members.id),
    status: text('status', {
      enum: ['claimed', 'joined', 'qualified', 'refused', 'reversed', 'flagged'],
    }).notNull(),
    reason: text('reason'),
    claimedAt: integer('claimed_at').notNull(),
    joinedAt: integer('joined_at'),
    qualifiedAt: integer('qualified_at'),
    /** Shop-local YYYY-MM of the qualification (the monthly cap counts these). */
    qualifyMonth: text('qualify_month'),
    qualifyingPurchaseId: integer('qualifying_purchase_id'),
    /** JSON: what each side got ({ kind: 'coupon', templateId, title } | { kind: 'points', points }). */
    referrerReward: text('referrer_reward'),
    newcomerReward: text('newcomer_reward'),
    closedAt: integer('closed_at'),
    qualifyGuard: integer('qualify_guard'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('referrals_newcomer_live_idx')
      .on(t.newcomerLineUserId)
      .where(sql`status <> 'refused'`),
    uniqueIndex('referrals_newcomer_referrer_idx').on(t.newcomerLineUserId, t.referrerMemberId),
    index('referrals_referrer_idx').on(t.referrerMemberId, t.qualifyMonth),
    index('referrals_newcomer_member_idx').on(t.newcomerMemberId),
    index('referrals_status_idx').on(t.status, t.claimedAt),
    check('referrals_qualify_guard', sql`${t.qualifyGuard} is null or ${t.qualifyGuard} = 1`),
  ],
)

// ── Journeys (issue 17) ─────────────────────────────────────────────────────────────────────

/** A journey: a trigger, an optional segment, steps (wait + messages), a goal and a holdout. */
export const journeys = sqliteTable(
  'journeys',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Set for the pre-written templates (one row each, created off). */
    templateKey: text('template_key').unique(),
    name: text('name').notNull(),
    triggerKind: text('trigger_kind').notNull(),
    /** JSON: the trigger (shared JourneyTriggerSchema). */
    trigger: text('trigger').notNull(),
    audienceSegmentId: integer('audience_segment_id'),
    /** JSON: the steps (shared JourneyStepSchema[]). */
    steps: text('steps').notNull(),
    /** JSON: the goal (shared JourneyGoalSchema). */
    goal: text('goal').notNull(),
    holdoutPercent: integer('holdout_percent').notNull().default(0),
    priority: integer('priority').notNull().default(50),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(false),
    /**
     * Scheduled triggers (birthday, dormant, purchase cycle): how far the trigger pass has looked
     * (epoch ms); the next pass looks from here to now, so a pass is a range over an index.
     */
    triggerCursor: integer('trigger_cursor'),
    createdBy: integer('created_by'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('journeys_trigger_idx').on(t.triggerKind, t.enabled)],
)

/**
 * One member's run through a journey, once per occurrence (the follow event, the birthday's year,
 * the purchase, the last purchase before going dormant): the UNIQUE key is the exactly-once rule.
 */
export const journeyRuns = sqliteTable(
  'journey_runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    journeyId: integer('journey_id').notNull(),
    memberId: integer('member_id').notNull(),
    occurrence: text('occurrence').notNull(),
    status: text('status', { enum: ['active', 'holdout', 'completed', 'exited'] }).notNull(),
    exitReason: text('exit_reason'),
    /** When the trigger happened (the goal window and "since the start" count from here). */
    enteredAt: integer('entered_at').notNull(),
    /** The step due next (0-based) and when it is due (quiet hours may move it later). */
    nextStep: integer('next_step').notNull().default(0),
    /** The step's own time (before any deferral): the next wait counts from here. */
    scheduledAt: integer('scheduled_at'),
    nextDueAt: integer('next_due_at'),
    lockedUntil: integer('locked_until'),
    lastSentStep: integer('last_sent_step'),
    createdAt: integer('created_at').notNull(),
    endedAt: integer('ended_at'),
  },
  (t) => [
    uniqueIndex('journey_runs_occurrence_idx').on(t.journeyId, t.memberId, t.occurrence),
    // The tick's due query: active runs by due time only.
    index('journey_runs_due_idx')
      .on(t.nextDueAt)
      .where(sql`status = 'active'`),
    index('journey_runs_member_idx').on(t.memberId, t.status),
    index('journey_runs_journey_idx').on(t.journeyId, t.status),
  ],
)

/** What happened to each step of a run: sent, skipped (with reason) or deferred (with reason). */
export const journeyStepLog = sqliteTable(
  'journey_step_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    runId: integer('run_id').notNull(),
    journeyId: integer('journey_id').notNull(),
    memberId: integer('member_id').notNull(),
    step: integer('step').notNull(),
    outcome: text('outcome', { enum: ['sent', 'skipped', 'deferred'] }).notNull(),
    reason: text('reason'),
    /** The outbox row (sent only). */
    outboxKey: text('outbox_key'),
    /** The coupon the step issued (sent only). */
    couponId: integer('coupon_id'),
    at: integer('at').notNull(),
  },
  (t) => [
    // A step is sent or skipped once per run, whatever the races.
    uniqueIndex('journey_step_log_once_idx')
      .on(t.runId, t.step)
      .where(sql`outcome <> 'deferred'`),
    index('journey_step_log_journey_idx').on(t.journeyId, t.step, t.outcome),
    index('journey_step_log_member_idx').on(t.memberId, t.at),
  ],
)

/** Marketing pushes per member (journeys; broadcasts may record theirs): the frequency cap. */
export const marketingContacts = sqliteTable(
  'marketing_contacts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    memberId: integer('member_id').notNull(),
    at: integer('at').notNull(),
    source: text('source').notNull(),
    /** What sent it (e.g. 'journey:<run>:<step>'): recorded once. */
    ref: text('ref').notNull().unique(),
  },
  (t) => [index('marketing_contacts_member_idx').on(t.memberId, t.at)],
)

/**
 * Per member: the purchase rhythm (median gap between completed purchases) and when the next
 * purchase is expected, kept by the journeys' purchase subscriber; the purchase-cycle trigger
 * reads a range of `expected_next_at`.
 */
export const memberPurchaseCycles = sqliteTable(
  'member_purchase_cycles',
  {
    memberId: integer('member_id').primaryKey(),
    purchases: integer('purchases').notNull(),
    medianGapMs: integer('median_gap_ms'),
    lastPurchaseAt: integer('last_purchase_at'),
    expectedNextAt: integer('expected_next_at'),
    /**
     * When the member's tier falls if they buy nothing more: the instant enough of their rolling
     * 12-month spend ages out to drop below their tier's threshold (null: nothing to lose). Kept by
     * the same subscriber on purchases, refunds and tier changes; the tier-drop trigger reads a range.
     */
    tierDropsAt: integer('tier_drops_at'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('member_purchase_cycles_expected_idx')
      .on(t.expectedNextAt)
      .where(sql`expected_next_at IS NOT NULL`),
    index('member_purchase_cycles_tier_drop_idx')
      .on(t.tierDropsAt, t.memberId)
      .where(sql`tier_drops_at IS NOT NULL`),
  ],
)

/**
 * KPI rollup: one row per member and shop-local day with completed (not refunded) purchases. Kept
 * by the KPI subscriber of purchase.recorded / purchase.refunded, which recomputes the row from
 * `purchases` (idempotent, order-free); `npm run kpis:rebuild` reproduces it exactly.
 */
export const kpiMemberDays = sqliteTable(
  'kpi_member_days',
  {
    memberId: integer('member_id').notNull(),
    /** YYYY-MM-DD in the shop's time zone. */
    day: text('day').notNull(),
    purchases: integer('purchases').notNull(),
    revenueYen: integer('revenue_yen').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.memberId, t.day] }),
    index('kpi_member_days_day_idx').on(t.day, t.memberId, t.purchases, t.revenueYen),
  ],
)

/** KPI rollup: each buyer's first and last shop-local purchase day (from kpi_member_days). */
export const kpiMembers = sqliteTable(
  'kpi_members',
  {
    memberId: integer('member_id').primaryKey(),
    firstDay: text('first_day').notNull(),
    lastDay: text('last_day').notNull(),
  },
  (t) => [
    index('kpi_members_first_idx').on(t.firstDay, t.memberId),
    index('kpi_members_last_idx').on(t.lastDay),
  ],
)

/** The shop-local days the KPI rebuild maps purchase times onto (start of each day, epoch ms). */
export const kpiDays = sqliteTable('kpi_days', {
  day: text('day').primaryKey(),
  startAt: integer('start_at').notNull().unique(),
})

/**
 * Per-buyer spend distributions already computed for a window of shop-local days (the 12-month
 * LTV the dashboard asks for six times per load: ~0.36 s each at 50,000 buyers). A rollup change
 * on a day deletes every window holding that day in the same commit; `generation` is the
 * kpi_rollup_generation the value was computed at, and a value is only stored if no rollup
 * changed while it was being computed.
 */
export const kpiSpendWindows = sqliteTable(
  'kpi_spend_windows',
  {
    fromDay: text('from_day').notNull(),
    toDay: text('to_day').notNull(),
    buyers: integer('buyers').notNull(),
    totalYen: integer('total_yen').notNull(),
    middleLow: integer('middle_low'),
    middleHigh: integer('middle_high'),
    generation: integer('generation').notNull(),
  },
  (t) => [primaryKey({ columns: [t.fromDay, t.toDay] })],
)

/** One row (id 1): bumped by every change to the KPI rollups. */
export const kpiRollupGeneration = sqliteTable('kpi_rollup_generation', {
  id: integer('id').primaryKey(),
  n: integer('n').notNull(),
})

// ── Stamp card (issue 15) ──────────────────────────────────────────────────────────────────

/**
 * The stamp card's append-only ledger: stamps earned by a purchase ('earn', once per purchase by
 * its dedupe key), taken back by its refund ('reverse', once), and a full card turned in for its
 * reward ('reward', minus the goal, once per card number). A member's stamps on the current card
 * are the sum; the cards completed are the count of 'reward' rows.
 */
export const stampLedger = sqliteTable(
  'stamp_ledger',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    kind: text('kind', { enum: ['earn', 'reverse', 'reward'] }).notNull(),
    stamps: integer('stamps').notNull(),
    purchaseId: integer('purchase_id'),
    /** For rewards: which card (1, 2, …) this completed. */
    cardNo: integer('card_no'),
    /** For rewards: the coupon it issued (null when none could be issued; see note). */
    couponId: integer('coupon_id'),
    /** Why a reward issued no coupon (a domain error code), or null. */
    note: text('note'),
    /** 'earn:<purchase>', 'reverse:<purchase>', 'reward:<member>:<card>': each written once. */
    dedupeKey: text('dedupe_key').notNull().unique(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('stamp_ledger_member_idx').on(t.memberId, t.id)],
)

// ── Members' data rights (issue 18) ───────────────────────────────────────────────────────────

/**
 * A member's agreement to the shop's privacy policy and terms: which version, when. Recorded when
 * they register in the mini-app; kept after an erasure (it holds no personal data).
 */
export const memberAgreements = sqliteTable(
  'member_agreements',
  {
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    document: text('document', { enum: ['privacy', 'terms'] }).notNull(),
    version: text('version').notNull(),
    agreedAt: integer('agreed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.memberId, t.document, t.version] })],
)

// ── Shop texts (issue 15) ──────────────────────────────────────────────────────────────────
/**
 * A text the shop edited (welcome, welcome-back, receipt, hand-over acknowledgements, coupon note),
 * one row per text and language. No row: the built-in default is used; reset deletes the row.
 */
export const shopTexts = sqliteTable(
  'shop_texts',
  {
    key: text('key').notNull(),
    locale: text('locale').notNull(),
    body: text('body').notNull(),
    updatedAt: integer('updated_at').notNull(),
    updatedBy: integer('updated_by'),
  },
  (t) => [
    primaryKey({ columns: [t.key, t.locale] }),
    check('shop_texts_locale', sql`${t.locale} IN ('ja', 'en')`),
  ],
)

// ── LINE per-unit statistics (issue 18) ───────────────────────────────────────────────────
/**
 * LINE's opens and clicks per aggregation unit (a broadcast's, a journey step's), as the upkeep job
 * last polled them (GET /v2/bot/insight/message/event/aggregation). Null figures: LINE reported
 * fewer than 20 people. One row per unit, replaced at each poll.
 */
export const lineUnitStats = sqliteTable(
  'line_unit_stats',
  {
    unit: text('unit').primaryKey(),
    kind: text('kind', { enum: ['broadcast', 'journey'] }).notNull(),
    /** The broadcast's or the journey's ID. */
    refId: integer('ref_id').notNull(),
    /** The journey step; null for a broadcast. */
    step: integer('step'),
    opened: integer('opened'),
    clicked: integer('clicked'),
    /** The UTC+9 days LINE counted over (YYYY-MM-DD, inclusive). */
    fromDay: text('from_day').notNull(),
    toDay: text('to_day').notNull(),
    reportedAt: integer('reported_at').notNull(),
  },
  (t) => [index('line_unit_stats_ref_idx').on(t.kind, t.refId)],
)

/**
 * The customAggregationUnits names this shop has used in each calendar month in LINE's time
 * (UTC+9; YYYY-MM): LINE allows a channel 1,000 a month, so a name is recorded before its first
 * send and none is added past the limit (domain/line-stats/unit-budget.ts).
 */
export const lineAggregationUnits = sqliteTable(
  'line_aggregation_units',
  {
    month: text('month').notNull(),
    unit: text('unit').notNull(),
    firstUsedAt: integer('first_used_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.month, t.unit] })],
)

export const schema = {
  members,
  webhookEvents,
  chatMessages,
  outbox,
  settings,
  memberProfiles,
  staff,
  staffInvites,
  auditLog,
  tags,
  memberTags,
  memberNotes,
  purchases,
  pointLedger,
  pointLots,
  pointBalances,
  tiers,
  memberTiers,
  apiKeys,
  idempotencyKeys,
  couponTemplates,
  couponMemberCounts,
  coupons,
  surveys,
  surveyVersions,
  surveyResponses,
  surveyAnswers,
  surveySessions,
  memberAttributes,
  conversations,
  messageContents,
  faqEntries,
  keywordRules,
  cannedReplies,
  staffAlerts,
  staffAlertPrefs,
  rateLimits,
  memberRfm,
  memberCategories,
  segments,
  broadcasts,
  broadcastRecipients,
  broadcastChunks,
  domainEvents,
  eventCursors,
  eventHandledInReply,
  eventFailures,
  referralCodes,
  referrals,
  journeys,
  journeyRuns,
  journeyStepLog,
  marketingContacts,
  memberPurchaseCycles,
  kpiMemberDays,
  kpiMembers,
  kpiDays,
  stampLedger,
  memberAgreements,
  shopTexts,
  lineUnitStats,
  lineAggregationUnits,
}
