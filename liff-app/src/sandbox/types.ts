/**
 * What the sandbox API relays from the LINE stand-in (server/src/sandbox/line-stand-in/types.ts has the
 * originals; the browser keeps its own copy, since the LIFF app never imports test or server code).
 */

/** A customer of the sandbox: a user of the LINE stand-in. */
export interface SandboxUser {
  userId: string
  displayName: string
  language?: string
  pictureUrl?: string
  /** true while the customer has the account as a friend (after follow, until block) */
  friend: boolean
  /** Whether they ever added the account: not a friend and never added is "not added yet", not blocked. */
  everFollowed?: boolean
}

/** Where a customer stands with the account: a friend, not added yet, or blocked. */
export function friendship(user: SandboxUser): 'friend' | 'notAdded' | 'blocked' {
  if (user.friend) return 'friend'
  return user.everFollowed ? 'blocked' : 'notAdded'
}

/** A LINE message object as the product sent it. The stand-in validated it; read it loosely. */
export type LineMessage = Record<string, unknown>

export type Via = 'reply' | 'push' | 'multicast'

/** One message the product sent this customer (GET /sandbox/api/users/:id/messages). */
export interface ReceivedMessage {
  via: Via
  message: LineMessage
  messageId: string
  requestId: string
  at: number
}

/** One thing the customer did, as delivered to the product (GET /sandbox/api/users/:id/sent). */
export interface SentEvent {
  event: {
    type: string
    timestamp: number
    webhookEventId: string
    message?: { type: string; text?: string }
    postback?: { data: string; params?: Record<string, string> }
    follow?: { isUnblocked?: boolean }
  }
  displayText?: string
}

/** The stand-in's answer to a delivered webhook: the product's status and body. */
export interface DeliveryResult {
  status: number
  body: string
}
