import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'

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
  },
  (t) => [
    index('members_follow_state_idx').on(t.followState, t.followedAt),
    index('members_followed_at_idx').on(t.followedAt, t.id),
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
    status: text('status', { enum: ['pending', 'processing', 'done', 'ignored', 'dead'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lockedUntil: integer('locked_until'),
    lastError: text('last_error'),
    processedAt: integer('processed_at'),
  },
  (t) => [index('webhook_events_due_idx').on(t.status, t.nextAttemptAt)],
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
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('chat_messages_member_idx').on(t.memberId, t.createdAt)],
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
    status: text('status', {
      enum: ['pending', 'sending', 'sent', 'skipped', 'failed', 'dead'],
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
  },
  (t) => [index('outbox_due_idx').on(t.status, t.nextAttemptAt)],
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
    marketingConsent: integer('marketing_consent', { mode: 'boolean' }).notNull().default(false),
    consentUpdatedAt: integer('consent_updated_at'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('member_profiles_birth_month_idx').on(t.birthday)],
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
}
