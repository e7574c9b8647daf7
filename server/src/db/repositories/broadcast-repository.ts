import type { BroadcastStatus } from '@joren/shared'
import type { BroadcastStore } from '../../domain/broadcasts/store.ts'
import type { Atomic } from '../atomic.ts'
import type { Database } from '../database.ts'
import { createBroadcastAudience } from './broadcasts/audience.ts'
import { createBroadcastDelivery } from './broadcasts/delivery.ts'
import { createBroadcastDrafts } from './broadcasts/drafts.ts'
import { createBroadcastGuards } from './broadcasts/guards.ts'
import { createBroadcastPlan } from './broadcasts/plan.ts'
import { createBroadcastReport } from './broadcasts/report.ts'

/**
 * The broadcasts' store, by lifecycle (broadcasts/): compose (drafts), the audience, plan,
 * deliver and report, sharing one set of commit guards.
 */
export function createBroadcastRepository(db: Database, atomic: Atomic): BroadcastStore {
  const guards = createBroadcastGuards(db, atomic)
  const audience = createBroadcastAudience(db)
  return {
    ...createBroadcastDrafts(db, guards),
    ...audience.store,
    ...createBroadcastPlan(db, guards, audience),
    ...createBroadcastDelivery(db, guards),
    ...createBroadcastReport(db),
  }
}

export type { BroadcastStatus }
