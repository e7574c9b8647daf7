import type { Repositories } from './db/repositories/index.ts'
import type { Atomic } from './db/atomic.ts'
import type { Database } from './db/database.ts'
import { createStaffAlertStore } from './db/repositories/support-alert-repository.ts'
import {
  createInboxStore,
  type ConversationCursor,
  type InboxStore,
} from './db/repositories/support-inbox-repository.ts'
import { memberSurveyResponses } from './db/repositories/support-survey-repository.ts'
import type { Clock } from './domain/ports.ts'
import type { SupportDeps } from './domain/support/handover.ts'

export type { SupportDeps } from './domain/support/handover.ts'

/** The hand-over's dependencies from the repositories (the router and the survey use these). */
export function supportDeps(input: {
  repositories: Pick<Repositories, 'conversations' | 'staffAlerts' | 'settings'>
  clock: Clock
  /** The shop's time zone (SHOP_TIMEZONE). */
  timeZone: string
  sandbox?: boolean
}): SupportDeps {
  return {
    conversations: input.repositories.conversations,
    alerts: input.repositories.staffAlerts,
    settings: input.repositories.settings,
    clock: input.clock,
    timeZone: input.timeZone,
    sandbox: input.sandbox ?? false,
  }
}

const inboxStores = new WeakMap<object, InboxStore>()

/** The staff inbox's storage over this database (one per database, made on first use). */
export function inboxStoreOf(deps: { db: Database; atomic: Atomic }): InboxStore {
  let store = inboxStores.get(deps.db)
  if (!store) {
    store = createInboxStore(deps.db, deps.atomic)
    inboxStores.set(deps.db, store)
  }
  return store
}

export type StaffAlertRepository = ReturnType<typeof createStaffAlertStore>

export function staffAlertStoreOf(db: Database): StaffAlertRepository {
  return createStaffAlertStore(db)
}

export { memberSurveyResponses }
export type { ConversationCursor, InboxStore }
