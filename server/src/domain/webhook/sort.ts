import { parseWebhookEvent, WebhookBodySchema, type WebhookEventParse } from '@joren/shared'
import { z } from 'zod'
import { toInboxRow, type NewInboxEvent } from './inbox.ts'

/**
 * The webhook's sorter: a correctly signed body is always accepted, and this decides what becomes
 * of each part of it. An event of a known type and shape goes to the processor; anything else is
 * stored as-is and parked with its reason (Japanese, for staff), without touching its neighbours.
 *
 * A signed body that is not JSON, or has no `events` array, is not a LINE delivery as documented,
 * but it did come from someone holding the channel secret: it is parked whole (one row) rather
 * than refused, so staff see it and LINE does not redeliver it forever. `{"events": []}` (the
 * console's Verify button) stores nothing.
 */

const JAPANESE = z.locales.ja()
const decoder = new TextDecoder()
const MAX_DETAILS = 5

export async function sortDelivery(body: Uint8Array, now: number): Promise<NewInboxEvent[]> {
  const text = decoder.decode(body)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return [await parkedBody(text, '署名は正しいものの、本文が JSON として読めません', now)]
  }
  const parsed = WebhookBodySchema.safeParse(json)
  if (!parsed.success)
    return [await parkedBody(text, '署名は正しいものの、本文に events の配列がありません', now)]
  const rows: NewInboxEvent[] = []
  for (const raw of parsed.data.events) {
    const result = parseWebhookEvent(raw, JAPANESE.localeError)
    // The usual case stays synchronous; only a parked event may need a hash for its key.
    rows.push(result.success ? toInboxRow(result.event, raw) : await parkedEvent(raw, result, now))
  }
  return rows
}

/** An element of `events` that cannot be handled: stored as-is, with the reason. */
async function parkedEvent(
  raw: unknown,
  result: Exclude<WebhookEventParse, { success: true }>,
  now: number,
): Promise<NewInboxEvent> {
  const payload = JSON.stringify(raw) ?? 'null'
  const fields = envelopeOf(raw)
  let reason: string
  if (result.problem === 'malformed') {
    const details = result.issues
      .slice(0, MAX_DETAILS)
      .map((issue) => `${issue.path.map(String).join('.') || '(全体)'}: ${issue.message}`)
    const more =
      result.issues.length > MAX_DETAILS ? ` ほか${result.issues.length - MAX_DETAILS}件` : ''
    reason = `「${result.type}」イベントの形が LINE の仕様と合いません（${details.join('、')}${more}）`
  } else if (result.problem === 'not_an_object') reason = 'イベントがオブジェクトではありません'
  else
    reason =
      result.type === null
        ? 'イベントに種類（type）がありません'
        : `このバージョンが知らない種類のイベント（${clip(result.type, 64)}）です`
  return {
    eventId: fields.webhookEventId ?? (await syntheticId(payload)),
    type: clip(fields.type ?? '', 64),
    lineUserId: fields.userId,
    replyToken: null,
    eventAt: fields.timestamp ?? now,
    isRedelivery: fields.isRedelivery,
    payload,
    parkedReason: clip(reason, 1000),
  }
}

async function parkedBody(text: string, reason: string, now: number): Promise<NewInboxEvent> {
  return {
    eventId: await syntheticId(text),
    type: '',
    lineUserId: null,
    replyToken: null,
    eventAt: now,
    isRedelivery: false,
    payload: text,
    parkedReason: reason,
  }
}

/** What can be read off an event that failed its schema, each field only if it is usable. */
function envelopeOf(raw: unknown) {
  const event = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>
  const source = (
    typeof event.source === 'object' && event.source !== null ? event.source : {}
  ) as Record<string, unknown>
  const context = (
    typeof event.deliveryContext === 'object' && event.deliveryContext !== null
      ? event.deliveryContext
      : {}
  ) as Record<string, unknown>
  const id = event.webhookEventId
  return {
    webhookEventId: typeof id === 'string' && id.length > 0 && id.length <= 64 ? id : null,
    type: typeof event.type === 'string' ? event.type : null,
    userId: typeof source.userId === 'string' && source.userId.length <= 64 ? source.userId : null,
    timestamp:
      typeof event.timestamp === 'number' &&
      Number.isSafeInteger(event.timestamp) &&
      event.timestamp >= 0
        ? event.timestamp
        : null,
    isRedelivery: context.isRedelivery === true,
  }
}

/**
 * An event without a usable webhookEventId is keyed by the hash of its bytes: a redelivery of the
 * same bytes is stored once. The `x:` prefix never collides with LINE's ULIDs.
 */
async function syntheticId(payload: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(payload))
  let hex = ''
  for (const byte of new Uint8Array(digest).subarray(0, 20))
    hex += byte.toString(16).padStart(2, '0')
  return `x:${hex}`
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
