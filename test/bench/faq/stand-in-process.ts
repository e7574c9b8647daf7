/**
 * Bench child for the FAQ end-to-end row: the LINE stand-in in its own process, one friend per
 * question (so a user's first received message is the reply to that question), and the arrival
 * time (Date.now()) of each user's first reply.
 */
import { startLineStandIn } from '../../../server/src/sandbox/line-stand-in/index.ts'
import { serveParent } from '../support/child.ts'

export interface FaqStandInReady {
  url: string
  channelSecret: string
  channelAccessToken: string
}

const standIn = await startLineStandIn({
  host: '127.0.0.1',
  rateLimits: false,
  monthlyQuota: 'none',
  maxRecordedRequests: 0,
  now: () => Date.now(),
})
const users: string[] = []

let stopped: Promise<void> | null = null
serveParent(
  {
    url: standIn.url,
    channelSecret: standIn.channelSecret,
    channelAccessToken: standIn.channelAccessToken,
  } satisfies FaqStandInReady,
  {
    /** One webhook body per text, each from a new friend. */
    events(message) {
      const texts = message.texts as string[]
      const bodies = texts.map((text) => {
        const userId = standIn.createUser({ friend: true }).userId
        users.push(userId)
        const event = standIn.buildEvent.text(userId, text)
        return JSON.stringify({ destination: standIn.botUserId, events: [event] })
      })
      return { bodies, first: users.length - texts.length }
    },
    /** Per user (in creation order): when the first message reached LINE, and by which API. */
    arrivals() {
      return users.map((userId) => {
        const first = standIn.received(userId)[0]
        return first ? { at: first.at, via: first.via } : null
      })
    },
  },
  () => (stopped ??= standIn.close()),
)
