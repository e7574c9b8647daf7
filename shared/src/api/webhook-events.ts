import { z } from 'zod'
import { CursorSchema } from './common.ts'

/**
 * GET /api/staff/webhook-events (admin+): LINE events that were not handled — parked on arrival
 * (an unknown type or shape, stored as-is) or dead (processing failed on every try) — newest
 * first, each with the reason in Japanese.
 */
export const WebhookProblemsQuerySchema = z.object({
  status: z.enum(['parked', 'dead', 'all']).default('all'),
  cursor: CursorSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
})

export const WebhookProblemSchema = z.object({
  eventId: z.string(),
  /** The event's `type` as LINE sent it ('' when it had none). */
  type: z.string(),
  status: z.enum(['parked', 'dead']),
  /** Why it was not handled, in Japanese. */
  reason: z.string(),
  receivedAt: z.number().int(),
  eventAt: z.number().int(),
  attempts: z.number().int(),
  /** The member it came from, when the event names a known LINE user. */
  memberNumber: z.string().nullable(),
  memberName: z.string().nullable(),
  /** The event as received (JSON), cut at 4,000 characters. */
  payload: z.string(),
  payloadTruncated: z.boolean(),
})
export type WebhookProblem = z.infer<typeof WebhookProblemSchema>

export const WebhookProblemPageSchema = z.object({
  items: z.array(WebhookProblemSchema),
  nextCursor: z.string().nullable(),
})
export type WebhookProblemPage = z.infer<typeof WebhookProblemPageSchema>
