import {
  isLineUserId,
  type FollowEvent,
  type MessageEvent,
  type PostbackEvent,
  type UnfollowEvent,
  type WebhookEvent,
} from '@joren/shared'
import type { ChatRouter } from '../chat/router.ts'
import { localeOf, welcomeMessages, type MenuPublished } from '../chat/texts.ts'
import { newMemberNumber, type Member, type MemberRepository } from '../members/members.ts'
import type { LineMessage } from '../messaging/messenger.ts'
import { enqueueMessages, type OutboxDeps } from '../messaging/outbox.ts'
import type { SupportEventHooks } from '../support/events.ts'
import { DEFAULT_TEXT_SOURCE, type ShopTextSource } from '../texts/texts.ts'
import type { UnitOfWork, Write } from '../unit-of-work.ts'

export interface ChatLog {
  recordInbound(input: {
    memberId: number
    eventId: string
    kind: string
    text: string | null
    payload: unknown
    at: number
  }): Promise<void>
}

/** Domain events a follow recorded, and the messages their subscribers add to its reply. */
export interface FollowEffects {
  /**
   * Messages event subscribers contribute to the reply to `eventKey`'s follow, and the writes
   * that mark them sent (commit them with the reply).
   */
  replyContributions(eventKey: string): Promise<{ messages: LineMessage[]; handled: Write[] }>
}

export interface EventDeps extends OutboxDeps {
  members: MemberRepository
  chatLog: ChatLog
  router: ChatRouter
  /** Subscribers of the follow's domain event (e.g. the welcome coupon card joins the reply). */
  followEffects?: FollowEffects
  /** Commits a reply with the marks of what subscribers added to it. */
  uow?: UnitOfWork
  /** The support inbox: bumps open conversations, hands over what the bot cannot answer. */
  support?: SupportEventHooks
  /** The shop's texts (welcome, welcome back); the defaults when absent. */
  texts?: ShopTextSource
  /** Whether the shop published a rich menu (the welcome's help mentions it only then). */
  menuPublished?: MenuPublished
}

/** A reply token is usable for about a minute after LINE issued it; stop trusting it a bit before. */
export const REPLY_TOKEN_TTL_MS = 50_000

export type EventOutcome = 'done' | 'ignored'

/**
 * Applies one webhook event. Every effect is idempotent (keyed by the event ID), so an event
 * re-run after a crash changes nothing twice and sends nothing twice.
 *
 * In standby mode a module attached to the account (e.g. a chat tool) owns the chat: the event is
 * recorded — a follow still creates the member and its follow state, a block still blocks, what
 * the customer sent is in the chat log — but never answered (no reply, no welcome, no hand-over).
 */
export async function handleEvent(
  deps: EventDeps,
  event: WebhookEvent,
  receivedAt: number,
): Promise<EventOutcome> {
  const userId = event.source?.type === 'user' ? event.source.userId : undefined
  if (!userId || !isLineUserId(userId)) return 'ignored'
  const standby = event.mode === 'standby'
  switch (event.type) {
    case 'follow':
      await onFollow(deps, event, userId, receivedAt, standby)
      return 'done'
    case 'unfollow':
      await onUnfollow(deps, event, userId)
      return 'done'
    case 'message':
      if (standby) await recordOnly(deps, event, userId)
      else await onMessage(deps, event, userId, receivedAt)
      return 'done'
    case 'postback':
      if (standby) await recordOnly(deps, event, userId)
      else await onPostback(deps, event, userId, receivedAt)
      return 'done'
    default:
      return 'ignored'
  }
}

/** The domain events of one webhook event are recorded once under this key. */
export function webhookEventKey(event: WebhookEvent): string {
  return `webhook:${event.webhookEventId}`
}

async function onFollow(
  deps: EventDeps,
  event: FollowEvent,
  userId: string,
  receivedAt: number,
  standby: boolean,
) {
  const profile = await deps.messenger.getProfile(userId)
  const { member, existed, wasBlocked } = await deps.members.recordFollowState({
    lineUserId: userId,
    state: 'following',
    at: event.timestamp,
    profile,
    memberNumber: newMemberNumber(deps.ids.randomInt),
    now: deps.clock.now(),
    cause: {
      kind: 'webhook',
      eventKey: webhookEventKey(event),
      standby,
      unblocked: event.follow?.isUnblocked === true,
    },
  })
  // The module answers the follow; the welcome (and its coupon) would be a second greeting.
  if (standby) return
  const returning = existed && wasBlocked
  const welcome = await welcomeMessages(
    deps.texts ?? DEFAULT_TEXT_SOURCE,
    localeOf(member.language),
    member.displayName,
    returning,
    deps.menuPublished,
  )
  // Subscribers of the follow (the welcome coupon) add to the free reply while it is possible.
  const contributions =
    deps.followEffects && member.followState === 'following' && freshReplyToken(event, receivedAt)
      ? await deps.followEffects.replyContributions(webhookEventKey(event))
      : { messages: [], handled: [] }
  await reply(
    deps,
    event,
    member,
    [...welcome, ...contributions.messages],
    receivedAt,
    'welcome',
    contributions.handled,
  )
}

/** Standby: what the customer sent goes into the chat log, and nothing else happens. */
async function recordOnly(deps: EventDeps, event: MessageEvent | PostbackEvent, userId: string) {
  const member = await ensureMember(deps, userId, event.timestamp)
  await deps.chatLog.recordInbound({
    memberId: member.id,
    eventId: event.webhookEventId,
    kind: event.type === 'message' ? event.message.type : 'postback',
    text:
      event.type === 'message' && typeof event.message.text === 'string'
        ? event.message.text
        : null,
    payload: event.type === 'message' ? event.message : event.postback,
    at: event.timestamp,
  })
}

async function onUnfollow(deps: EventDeps, event: UnfollowEvent, userId: string) {
  await deps.members.recordFollowState({
    lineUserId: userId,
    state: 'blocked',
    at: event.timestamp,
    profile: null,
    memberNumber: newMemberNumber(deps.ids.randomInt),
    now: deps.clock.now(),
    cause: { kind: 'webhook', eventKey: webhookEventKey(event), standby: false },
  })
}

async function onMessage(deps: EventDeps, event: MessageEvent, userId: string, receivedAt: number) {
  const member = await ensureMember(deps, userId, event.timestamp)
  const text = typeof event.message.text === 'string' ? event.message.text : null
  await deps.chatLog.recordInbound({
    memberId: member.id,
    eventId: event.webhookEventId,
    kind: event.message.type,
    text,
    payload: event.message,
    at: event.timestamp,
  })
  const replies =
    event.message.type !== 'text' || text === null
      ? ((await deps.support?.onUnanswerableMessage({
          member,
          eventId: event.webhookEventId,
          message: { id: event.message.id, type: event.message.type },
          at: event.timestamp,
        })) ?? [])
      : await deps.router.routeText({ member, now: deps.clock.now() }, text)
  await reply(deps, event, member, replies, receivedAt, 'reply')
  await noteInbound(deps, event, member, replies, receivedAt)
}

async function onPostback(
  deps: EventDeps,
  event: PostbackEvent,
  userId: string,
  receivedAt: number,
) {
  const member = await ensureMember(deps, userId, event.timestamp)
  const ctx = { member, now: deps.clock.now() }
  await deps.chatLog.recordInbound({
    memberId: member.id,
    eventId: event.webhookEventId,
    kind: 'postback',
    // What the customer tapped, in words (「満足」を選択): the inbox shows this, not the data.
    text: await deps.router.describePostback(ctx, event.postback.data),
    payload: event.postback,
    at: event.timestamp,
  })
  const replies = await deps.router.routePostback(ctx, event.postback.data)
  await reply(deps, event, member, replies, receivedAt, 'reply')
  await noteInbound(deps, event, member, replies, receivedAt)
}

/** Bumps the member's open conversation; a reply token the bot left unused is kept for staff. */
async function noteInbound(
  deps: EventDeps,
  event: MessageEvent | PostbackEvent,
  member: Member,
  replies: LineMessage[],
  receivedAt: number,
) {
  if (!deps.support) return
  const token = replies.length === 0 ? freshReplyToken(event, receivedAt) : null
  await deps.support.afterInbound({ member, at: event.timestamp, unusedReplyToken: token })
}

/** A redelivery's token is stale; otherwise it is good until REPLY_TOKEN_TTL_MS after the event. */
function freshReplyToken(
  event: FollowEvent | MessageEvent | PostbackEvent,
  receivedAt: number,
): { token: string; expiresAt: number } | null {
  const token = event.deliveryContext.isRedelivery ? null : (event.replyToken ?? null)
  return token
    ? { token, expiresAt: Math.min(event.timestamp, receivedAt) + REPLY_TOKEN_TTL_MS }
    : null
}

/** A user who followed before Joren existed has no member row yet: create it on first contact. */
async function ensureMember(deps: EventDeps, userId: string, at: number): Promise<Member> {
  const found = await deps.members.findByLineUserId(userId)
  if (found) return found
  const profile = await deps.messenger.getProfile(userId)
  const { member } = await deps.members.recordFollowState({
    lineUserId: userId,
    state: 'following',
    at,
    profile,
    memberNumber: newMemberNumber(deps.ids.randomInt),
    now: deps.clock.now(),
    cause: { kind: 'existing_friend' },
  })
  return member
}

async function reply(
  deps: EventDeps,
  event: FollowEvent | MessageEvent | PostbackEvent,
  member: Member,
  messages: LineMessage[],
  receivedAt: number,
  purpose: string,
  /** Writes that commit with the reply (marks of what event subscribers added to it). */
  alsoCommit: Write[] = [],
) {
  if (messages.length === 0 || member.followState === 'blocked') return
  const token = freshReplyToken(event, receivedAt)
  const item = {
    dedupeKey: `event:${event.webhookEventId}:${purpose}`,
    lineUserId: member.lineUserId,
    replyToken: token?.token ?? null,
    replyTokenExpiresAt: token?.expiresAt ?? null,
    messages,
  }
  if (alsoCommit.length === 0 || !deps.uow) {
    await enqueueMessages(deps, item)
    return
  }
  // One commit: if a rival already delivered a contribution (its mark exists), this fails and
  // the retry sends the reply without it.
  await deps.uow.commit([
    deps.outbox.enqueueWrite({ ...item, retryKey: deps.ids.uuid(), now: deps.clock.now() }),
    ...alsoCommit,
  ])
}
