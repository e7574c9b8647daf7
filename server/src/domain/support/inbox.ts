import { createInboxConversations } from './inbox-conversations.ts'
import type { InboxDeps } from './inbox-ports.ts'
import { createInboxReplies } from './inbox-replies.ts'
import { createInboxUpdates } from './inbox-updates.ts'

export type {
  ConversationCursor,
  ConversationFilter,
  InboxDeps,
  InboxStore,
} from './inbox-ports.ts'

/**
 * The support inbox (staff console): conversations, threads, the member beside them, replies,
 * assignment, status and canned replies. Staff changes commit with their audit row.
 */
export function createInboxService(deps: InboxDeps) {
  return {
    ...createInboxConversations(deps),
    ...createInboxReplies(deps),
    ...createInboxUpdates(deps),
  }
}

export type InboxService = ReturnType<typeof createInboxService>
