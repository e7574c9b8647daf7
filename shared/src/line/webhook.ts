import { z } from 'zod'

/**
 * The webhook request body LINE sends (webhook.yml `CallbackRequest`). Events the product acts on
 * are typed precisely; every other event type is accepted with its envelope so it can be recorded.
 */
const SourceSchema = z.object({
  type: z.enum(['user', 'group', 'room']),
  userId: z.string().max(64).optional(),
  groupId: z.string().max(64).optional(),
  roomId: z.string().max(64).optional(),
})

const EnvelopeShape = {
  mode: z.enum(['active', 'standby']),
  timestamp: z.number().int().nonnegative(),
  source: SourceSchema.optional(),
  webhookEventId: z.string().min(1).max(64),
  deliveryContext: z.object({ isRedelivery: z.boolean() }),
}

const ReplyToken = z.string().min(1).max(256)

export const FollowEventSchema = z.object({
  ...EnvelopeShape,
  type: z.literal('follow'),
  replyToken: ReplyToken,
  follow: z.object({ isUnblocked: z.boolean() }).optional(),
})

export const UnfollowEventSchema = z.object({ ...EnvelopeShape, type: z.literal('unfollow') })

export const MessageContentSchema = z
  .object({
    id: z.string().min(1).max(64),
    type: z.string().min(1).max(32),
    text: z.string().max(10_000).optional(),
    quoteToken: z.string().max(512).optional(),
  })
  .loose()

export const MessageEventSchema = z.object({
  ...EnvelopeShape,
  type: z.literal('message'),
  replyToken: ReplyToken.optional(),
  message: MessageContentSchema,
})

export const PostbackEventSchema = z.object({
  ...EnvelopeShape,
  type: z.literal('postback'),
  replyToken: ReplyToken.optional(),
  postback: z.object({
    data: z.string().max(300),
    params: z.record(z.string(), z.unknown()).optional(),
  }),
})

const KNOWN_TYPES = new Set(['follow', 'unfollow', 'message', 'postback'])

export const OtherEventSchema = z
  .object({ ...EnvelopeShape, type: z.string().min(1).max(64) })
  .loose()
  .refine((event) => !KNOWN_TYPES.has(event.type), { message: 'malformed event' })

export const WebhookEventSchema = z.union([
  FollowEventSchema,
  UnfollowEventSchema,
  MessageEventSchema,
  PostbackEventSchema,
  OtherEventSchema,
])

export const WebhookBodySchema = z.object({
  destination: z.string().min(1).max(64),
  events: z.array(WebhookEventSchema).max(100),
})

export type FollowEvent = z.infer<typeof FollowEventSchema>
export type UnfollowEvent = z.infer<typeof UnfollowEventSchema>
export type MessageEvent = z.infer<typeof MessageEventSchema>
export type PostbackEvent = z.infer<typeof PostbackEventSchema>
export type WebhookEvent = z.infer<typeof WebhookEventSchema>
export type WebhookBody = z.infer<typeof WebhookBodySchema>
