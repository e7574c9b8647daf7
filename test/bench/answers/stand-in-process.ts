/**
 * Bench child: the LINE stand-in for the answers bench, with LINE's rate limits on and every
 * Messaging API call answered after a random 50–300 ms (BENCH_ANSWERS_LATENCY="min,max").
 * Builds webhook events for a timeline: each event's timestamp and reply token are issued at the
 * time it is due, so a token is as fresh when the product gets it as it would be from LINE.
 */
import { faultFromJson } from '../../../server/src/sandbox/line-stand-in/control-api.ts'
import { startLineStandIn } from '../../../server/src/sandbox/line-stand-in/index.ts'
import type { WebhookEvent } from '../../../server/src/sandbox/line-stand-in/types.ts'
import { serveParent } from '../support/child.ts'

export interface AnswersStandInReady {
  url: string
  jwksUrl: string
  issuer: string
  loginChannelId: string
  channelSecret: string
  channelAccessToken: string
  botUserId: string
  userIds: string[]
}

/** One event to build: an existing user by index, or a new user (follow). */
export type EventSpec =
  | { kind: 'text'; user: number; text: string }
  | { kind: 'postback'; user: number; data: string }
  | { kind: 'follow' }

export interface BuiltTimeline {
  bodies: string[]
  eventIds: string[]
  /** The user each event came from (a follow's new user included). */
  userIds: string[]
}

/** One accepted send, as the product's outbox rows can be matched against it. */
export interface Delivery {
  via: 'reply' | 'push' | 'multicast'
  replyToken?: string
  retryKey?: string
  at: number
}

const USERS = Number(process.env.BENCH_ANSWERS_USERS ?? 3000)
const [minMs, maxMs] = (process.env.BENCH_ANSWERS_LATENCY ?? '50,300').split(',').map(Number)

/** While set, the stand-in's clock reads this (events and tokens issued at their due time). */
let issuedAt: number | null = null
const standIn = await startLineStandIn({
  host: '127.0.0.1',
  monthlyQuota: 'none',
  maxRecordedRequests: 0,
  now: () => issuedAt ?? Date.now(),
  latency: { minMs: minMs ?? 50, maxMs: maxMs ?? 300, path: /^\/v2\/bot\//, seed: 7 },
})
const userIds = Array.from({ length: USERS }, () => standIn.createUser({ friend: true }).userId)
const delivered = new Set<string>()

let stopped: Promise<void> | null = null
serveParent(
  {
    url: standIn.url,
    jwksUrl: standIn.jwksUrl,
    issuer: standIn.issuer,
    loginChannelId: standIn.loginChannelId,
    channelSecret: standIn.channelSecret,
    channelAccessToken: standIn.channelAccessToken,
    botUserId: standIn.botUserId,
    userIds,
  } satisfies AnswersStandInReady,
  {
    /** `specs[i]` due at wall-clock `at[i]`. */
    timeline(message): BuiltTimeline {
      const specs = message.specs as EventSpec[]
      const at = message.at as number[]
      const out: BuiltTimeline = { bodies: [], eventIds: [], userIds: [] }
      try {
        specs.forEach((spec, i) => {
          issuedAt = at[i] ?? Date.now()
          let event: WebhookEvent
          if (spec.kind === 'follow') {
            const user = standIn.createUser({ friend: true, displayName: `新規${i}` })
            event = standIn.buildEvent.follow(user.userId)
          } else {
            const userId = userIds[spec.user % userIds.length] as string
            event =
              spec.kind === 'text'
                ? standIn.buildEvent.text(userId, spec.text)
                : standIn.buildEvent.postback(userId, spec.data)
          }
          out.bodies.push(JSON.stringify({ destination: standIn.botUserId, events: [event] }))
          out.eventIds.push(event.webhookEventId)
          out.userIds.push(event.source?.userId ?? '')
        })
      } finally {
        issuedAt = null
      }
      return out
    },
    async reachable(message) {
      await standIn.setReachable(Boolean(message.reachable))
      return null
    },
    idToken(message) {
      return standIn.issueIdToken(String(message.userId), { expiresInSec: 3600 })
    },
    faults(message) {
      standIn.clearFaults()
      for (const fault of message.faults as Record<string, unknown>[])
        standIn.inject(faultFromJson(fault))
      return null
    },
    /** Every accepted send to these users since the last call (each once). */
    deliveries(message): Delivery[] {
      const out: Delivery[] = []
      for (const userId of message.userIds as string[])
        for (const received of standIn.received(userId)) {
          // One entry per send, not per message of a send.
          const key = `${received.requestId}`
          if (delivered.has(key)) continue
          delivered.add(key)
          const d: Delivery = { via: received.via, at: received.at }
          if (received.replyToken) d.replyToken = received.replyToken
          if (received.retryKey) d.retryKey = received.retryKey
          out.push(d)
        }
      return out
    },
  },
  () => (stopped ??= standIn.close()),
)
