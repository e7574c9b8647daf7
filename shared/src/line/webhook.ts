import { z } from 'zod'

/**
 * The events of LINE's webhook request body (webhook.yml `CallbackRequest`), one schema per event
 * type. LINE's OpenAPI document lags its documentation, so it is a floor, not the contract:
 *
 * - `replyToken` is optional on every event (events in standby mode — a module such as a chat tool
 *   attached to the account — carry none, whatever the document says for follow);
 * - unknown fields are kept (`loose`), unknown message / source / module / membership kinds are
 *   accepted, and `destination` is not required to look like a user ID (SDK fixtures send others);
 * - types the document does not know yet but LINE's documentation and the SDKs' current webhook
 *   models do (`messageEdited`; `things` from older models) have their shapes here.
 *
 * An event whose type is not listed, or whose shape does not match its type, is not refused: the
 * webhook stores it as-is and parks it with the reason (see `parseWebhookEvent`).
 */

const Id = z.string().min(1).max(64)

export const SourceSchema = z
  .object({
    type: z.string().min(1).max(32),
    userId: Id.optional(),
    groupId: Id.optional(),
    roomId: Id.optional(),
  })
  .loose()

const EnvelopeShape = {
  type: z.string().min(1).max(64),
  mode: z.enum(['active', 'standby']),
  timestamp: z.number().int().nonnegative(),
  source: SourceSchema.optional(),
  webhookEventId: Id,
  deliveryContext: z.object({ isRedelivery: z.boolean() }).loose(),
  replyToken: z.string().min(1).max(256).optional(),
}

function eventOf<T extends string, S extends z.ZodRawShape>(type: T, shape: S) {
  return z.object({ ...EnvelopeShape, type: z.literal(type), ...shape }).loose()
}

export const MessageContentSchema = z
  .object({
    id: Id,
    type: z.string().min(1).max(32),
    text: z.string().max(10_000).optional(),
    quoteToken: z.string().max(512).optional(),
  })
  .loose()
  .refine((message) => message.type !== 'text' || typeof message.text === 'string', {
    message: 'テキストメッセージに text がありません',
    path: ['text'],
  })

const MembersSchema = z.object({ members: z.array(SourceSchema).max(500) }).loose()

export const FollowEventSchema = eventOf('follow', {
  follow: z.object({ isUnblocked: z.boolean() }).loose().optional(),
})
export const UnfollowEventSchema = eventOf('unfollow', {})
export const MessageEventSchema = eventOf('message', { message: MessageContentSchema })
export const MessageEditedEventSchema = eventOf('messageEdited', { message: MessageContentSchema })
export const PostbackEventSchema = eventOf('postback', {
  postback: z
    .object({
      data: z.string().max(300),
      params: z.record(z.string(), z.unknown()).optional(),
    })
    .loose(),
})

/** Every event type LINE's documentation and SDK webhook models describe, with its content. */
export const WEBHOOK_EVENT_SCHEMAS = {
  message: MessageEventSchema,
  messageEdited: MessageEditedEventSchema,
  unsend: eventOf('unsend', { unsend: z.object({ messageId: Id }).loose() }),
  follow: FollowEventSchema,
  unfollow: UnfollowEventSchema,
  join: eventOf('join', {}),
  leave: eventOf('leave', {}),
  memberJoined: eventOf('memberJoined', { joined: MembersSchema }),
  memberLeft: eventOf('memberLeft', { left: MembersSchema }),
  postback: PostbackEventSchema,
  videoPlayComplete: eventOf('videoPlayComplete', {
    videoPlayComplete: z.object({ trackingId: z.string().max(100) }).loose(),
  }),
  beacon: eventOf('beacon', {
    beacon: z.object({ hwid: z.string().max(32), type: z.string().max(32) }).loose(),
  }),
  accountLink: eventOf('accountLink', {
    link: z.object({ result: z.string().max(32), nonce: z.string().max(256) }).loose(),
  }),
  membership: eventOf('membership', {
    membership: z
      .object({ type: z.string().min(1).max(32), membershipId: z.number().int().optional() })
      .loose(),
  }),
  module: eventOf('module', { module: z.object({ type: z.string().min(1).max(32) }).loose() }),
  activated: eventOf('activated', {
    chatControl: z.object({ expireAt: z.number().int() }).loose(),
  }),
  deactivated: eventOf('deactivated', {}),
  botSuspended: eventOf('botSuspended', {}),
  botResumed: eventOf('botResumed', {}),
  delivery: eventOf('delivery', { delivery: z.object({ data: z.string().max(1024) }).loose() }),
  things: eventOf('things', {
    things: z.object({ type: z.string().max(32), deviceId: z.string().max(128) }).loose(),
  }),
} as const

export type WebhookEventType = keyof typeof WEBHOOK_EVENT_SCHEMAS

export type FollowEvent = z.infer<typeof FollowEventSchema>
export type UnfollowEvent = z.infer<typeof UnfollowEventSchema>
export type MessageEvent = z.infer<typeof MessageEventSchema>
export type PostbackEvent = z.infer<typeof PostbackEventSchema>
export type WebhookEvent = z.infer<(typeof WEBHOOK_EVENT_SCHEMAS)[WebhookEventType]>

function isEventType(type: unknown): type is WebhookEventType {
  return typeof type === 'string' && Object.hasOwn(WEBHOOK_EVENT_SCHEMAS, type)
}

export type WebhookEventParse =
  | { success: true; event: WebhookEvent }
  /** Not an object, or a type this version does not know: the event's `type` (if a string). */
  | { success: false; problem: 'not_an_object' | 'unknown_type'; type: string | null }
  /** A known type whose shape does not match. */
  | { success: false; problem: 'malformed'; type: string; issues: z.core.$ZodIssue[] }

/**
 * Sorts one element of `events`: a known type with its shape, or why not. Never throws.
 * `error` customises zod's messages (e.g. a locale) for the issues of a malformed event.
 */
export function parseWebhookEvent(raw: unknown, error?: z.core.$ZodErrorMap): WebhookEventParse {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { success: false, problem: 'not_an_object', type: null }
  const type = (raw as { type?: unknown }).type
  if (!isEventType(type))
    return {
      success: false,
      problem: 'unknown_type',
      type: typeof type === 'string' ? type : null,
    }
  const schema: z.ZodType<WebhookEvent> = WEBHOOK_EVENT_SCHEMAS[type]
  const result = schema.safeParse(raw, error ? { error } : undefined)
  return result.success
    ? { success: true, event: result.data }
    : { success: false, problem: 'malformed', type, issues: result.error.issues }
}

/**
 * The body's outer shape. `events` is sorted element by element (`parseWebhookEvent`); LINE's
 * console "Verify" button sends `events: []`.
 */
export const WebhookBodySchema = z
  .object({ destination: z.string().max(64).optional(), events: z.array(z.unknown()) })
  .loose()
export type WebhookBody = z.infer<typeof WebhookBodySchema>
