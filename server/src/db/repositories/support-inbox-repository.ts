import type { InboxStore } from '../../domain/support/inbox-ports.ts'
import type { Atomic } from '../atomic.ts'
import type { Database } from '../database.ts'
import { createInboxCannedReplies } from './support-inbox-canned.ts'
import { createInboxConversations } from './support-inbox-conversations.ts'
import { createInboxReplies } from './support-inbox-replies.ts'
import { createInboxResends } from './support-inbox-resends.ts'
import { createInboxThreads } from './support-inbox-thread.ts'

/** The staff inbox's storage, one module per part of a conversation's life. */
export function createInboxStore(db: Database, atomic: Atomic): InboxStore {
  return {
    ...createInboxConversations(db),
    ...createInboxThreads(db),
    ...createInboxReplies(db, atomic),
    ...createInboxResends(db),
    ...createInboxCannedReplies(db),
  }
}
