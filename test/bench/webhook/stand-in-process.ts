/**
 * Bench child: hosts the LINE platform stand-in (server/src/sandbox/line-stand-in) in its own process and builds
 * webhook bodies on request, so reply tokens are issued by the same stand-in that later checks them.
 */
import { startLineStandIn } from '../../../server/src/sandbox/line-stand-in/index.ts'
import { serveParent } from '../support/child.ts'

export interface StandInReady {
  url: string
  channelSecret: string
  channelAccessToken: string
  users: number
}

export interface BuiltEvents {
  /** One webhook body per event: `{ destination, events: [event] }`, as LINE serialises it. */
  bodies: string[]
  eventIds: string[]
}

const USERS = Number(process.env.BENCH_STAND_IN_USERS ?? 1000)

const standIn = await startLineStandIn({
  host: '127.0.0.1',
  // LINE's reply endpoint is rate limited per channel; the benchmark measures the product, not that.
  rateLimits: false,
  monthlyQuota: 'none',
  maxRecordedRequests: 0,
})
const userIds = Array.from({ length: USERS }, () => standIn.createUser({ friend: true }).userId)
let built = 0

let stopped: Promise<void> | null = null
serveParent(
  {
    url: standIn.url,
    channelSecret: standIn.channelSecret,
    channelAccessToken: standIn.channelAccessToken,
    users: userIds.length,
  } satisfies StandInReady,
  {
    events(message): BuiltEvents {
      const count = Number(message.count)
      const bodies: string[] = new Array(count)
      const eventIds: string[] = new Array(count)
      for (let i = 0; i < count; i++) {
        const n = built++
        const event = standIn.buildEvent.text(userIds[n % userIds.length] as string, `hello ${n}`)
        bodies[i] = JSON.stringify({ destination: standIn.botUserId, events: [event] })
        eventIds[i] = event.webhookEventId
      }
      return { bodies, eventIds }
    },
    replies() {
      let reply = 0
      let push = 0
      for (const userId of userIds)
        for (const received of standIn.received(userId)) {
          if (received.via === 'reply') reply++
          else if (received.via === 'push') push++
        }
      return { reply, push }
    },
  },
  () => (stopped ??= standIn.close()),
)
