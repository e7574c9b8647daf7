import type { BaseLatency, Faults } from './faults.ts'
import type { StandInSnapshot, StandInState } from './state.ts'
import type { LineStandIn, StandInUser } from './types.ts'
import type { WebhookSender } from './webhook-events.ts'

/** Groups of the stand-in's test facade (what tests and the sandbox call on it besides HTTP). */

const copy = (user: StandInUser): StandInUser => ({ ...user })

/** The account type and the rich menus LINE holds for the channel. */
export function richMenuFacade(
  state: StandInState,
): Pick<LineStandIn, 'setAccountType' | 'defaultRichMenu' | 'richMenus' | 'richMenuOf'> {
  return {
    setAccountType: (type) => {
      state.accountType = type
    },
    defaultRichMenu: () => {
      const record = state.defaultRichMenuId
        ? state.richMenus.get(state.defaultRichMenuId)
        : undefined
      return record
        ? { richMenuId: record.richMenuId, menu: record.menu, image: record.image }
        : undefined
    },
    richMenus: () =>
      [...state.richMenus.values()].map((r) => ({
        richMenuId: r.richMenuId,
        menu: r.menu,
        image: r.image,
      })),
    richMenuOf: (userId) => state.users.get(userId)?.richMenuId,
  }
}

/** LINE users: creating them, what they do (webhook events) and what they received. */
export function userFacade(
  state: StandInState,
  webhooks: WebhookSender,
): Pick<
  LineStandIn,
  | 'createUser'
  | 'users'
  | 'everFollowed'
  | 'snapshot'
  | 'restore'
  | 'user'
  | 'follow'
  | 'unfollow'
  | 'sendText'
  | 'postback'
  | 'sendImage'
  | 'deliver'
  | 'buildEvent'
  | 'received'
  | 'interact'
  | 'sent'
  | 'loading'
  | 'requests'
> {
  return {
    createUser: (input) => copy(state.createUser(input).profile),
    users: () => [...state.users.values()].map((user) => copy(user.profile)),
    everFollowed: (userId) => state.users.get(userId)?.everFollowed ?? false,
    snapshot: () => JSON.stringify(state.snapshot()),
    restore: (json) => state.restore(JSON.parse(json) as StandInSnapshot),
    user: (userId) => {
      const found = state.users.get(userId)
      return found ? copy(found.profile) : undefined
    },

    follow: (userId) => webhooks.deliver([webhooks.build.follow(userId)]),
    unfollow: (userId) => webhooks.deliver([webhooks.build.unfollow(userId)]),
    sendText: (userId, text) => webhooks.deliver([webhooks.build.text(userId, text)]),
    postback: (userId, data, params, extra) =>
      webhooks.deliver([webhooks.build.postback(userId, data, params)], {
        displayText: extra?.displayText,
      }),
    sendImage: (userId) => webhooks.deliver([webhooks.build.image(userId)]),
    deliver: (events, deliverOptions) => webhooks.deliver(events, deliverOptions),
    buildEvent: webhooks.build,

    received: (userId) => state.received(userId),
    interact: (userId, messageId, click) => state.interact(userId, messageId, click ?? false),
    sent: (userId) => state.sent(userId),
    loading: (userId) => state.loading(userId),
    requests: () => state.log.list(),
  }
}

/** The push quota, injected faults and latency. */
export function limitsFacade(
  state: StandInState,
  faults: Faults,
  latency: BaseLatency,
): Pick<
  LineStandIn,
  | 'setQuota'
  | 'setAggregationUnits'
  | 'quota'
  | 'inject'
  | 'removeFault'
  | 'clearFaults'
  | 'setLatency'
> {
  return {
    setQuota: (settings) => state.quota.set(settings),
    setAggregationUnits: (settings) => state.setAggregationUnits(settings),
    quota: () => ({
      limit: state.quota.limit,
      used: state.quota.used,
      reportedUsageLag: state.quota.reportedUsageLag,
    }),
    inject: (fault) => faults.add(fault),
    removeFault: (id) => faults.remove(id),
    clearFaults: () => faults.clear(),
    setLatency: (range) => latency.set(range),
  }
}
