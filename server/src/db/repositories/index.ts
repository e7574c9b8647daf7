import type { Database } from '../database.ts'
import { createChatLog } from './chat-log-repository.ts'
import { createInboxRepository } from './inbox-repository.ts'
import { createMemberRepository } from './member-repository.ts'
import { createOutboxRepository } from './outbox-repository.ts'

export function createRepositories(db: Database) {
  return {
    inbox: createInboxRepository(db),
    members: createMemberRepository(db),
    outbox: createOutboxRepository(db),
    chatLog: createChatLog(db),
  }
}
export type Repositories = ReturnType<typeof createRepositories>
