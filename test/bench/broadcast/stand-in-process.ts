/**
 * Bench child: the LINE stand-in with LINE's rate limits ON, in its own process so its work does
 * not share the sender's event loop. Users are made with the bench seed's IDs (U + 32 hex of i).
 */
import { startLineStandIn } from '../../../server/src/sandbox/line-stand-in/index.ts'
import { serveParent } from '../support/child.ts'

export interface BroadcastStandInReady {
  url: string
  channelAccessToken: string
}

const standIn = await startLineStandIn({
  host: '127.0.0.1',
  rateLimits: true,
  monthlyQuota: 'none',
  maxRecordedRequests: 0,
})
const userIds: string[] = []

let stopped: Promise<void> | null = null
serveParent(
  {
    url: standIn.url,
    channelAccessToken: standIn.channelAccessToken,
  } satisfies BroadcastStandInReady,
  {
    users(message) {
      const count = Number(message.count)
      for (let i = userIds.length + 1; i <= count; i++) {
        const userId = `U${i.toString(16).padStart(32, '0')}`
        standIn.createUser({ userId, friend: true })
        userIds.push(userId)
      }
      return { users: userIds.length }
    },
    /** Clears inboxes (and rate buckets) between sizes; users stay. */
    reset() {
      standIn.reset()
      return null
    },
    /** How many users got exactly one message, and the most any user got. */
    deliveries(message) {
      const count = Number(message.count)
      let once = 0
      let most = 0
      for (let i = 0; i < count && i < userIds.length; i++) {
        const n = standIn.received(userIds[i] as string).length
        if (n === 1) once++
        if (n > most) most = n
      }
      return { once, most }
    },
  },
  () => (stopped ??= standIn.close()),
)
