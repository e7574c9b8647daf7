import { couponDeps } from './coupons.ts'
import type { Atomic } from '../db/atomic.ts'
import type { Database } from '../db/database.ts'
import { createBroadcastRepository } from '../db/repositories/broadcast-repository.ts'
import { createLineStatsStore } from '../db/repositories/line-stats-repository.ts'
import type { Repositories } from '../db/repositories/index.ts'
import type { BroadcastDeps } from '../domain/broadcasts/engine.ts'
import { createBroadcastService } from '../domain/broadcasts/service.ts'
import type { AppLinks } from '../domain/links.ts'
import type { Messenger } from '../domain/messaging/messenger.ts'
import type { QuotaReader } from '../domain/messaging/quota.ts'
import type { Clock, Ids, Logger } from '../domain/ports.ts'
import { readContactPolicy } from '../domain/contact-policy/policy.ts'
import { createSegmentService } from '../domain/segments/segments.ts'
import type { UnitOfWork } from '../domain/unit-of-work.ts'

export interface BroadcastsInput {
  db: Database
  atomic: Atomic
  uow: UnitOfWork
  repositories: Repositories
  messenger: Messenger
  clock: Clock
  ids: Ids
  logger: Logger
  links: AppLinks
  /** Hands a broadcast's due chunks to a sender (Node: wakes its loop; Workers: the JOBS queue). */
  dispatch(broadcastId: number): Promise<void>
  /** Runs a claimed plan off the request (Node: the sender's chain; Workers: the JOBS queue). */
  startPlan(broadcastId: number, token: number): Promise<void>
  /** Member IDs per freeze batch (tests; default the engine's). */
  membersPerStatement?: number
  /** The month's message quota, kept briefly (shared with the console's quota widget). */
  quota?: QuotaReader
}

/** The broadcast engine's deps (both runtimes; `dispatch` says how chunks reach a sender). */
export function broadcastDeps(input: BroadcastsInput): BroadcastDeps {
  return {
    store: createBroadcastRepository(input.db, input.atomic),
    uow: input.uow,
    messenger: input.messenger,
    coupons: couponDeps({ ...input, timeZone: input.links.timeZone }),
    links: input.links,
    clock: input.clock,
    ids: input.ids,
    logger: input.logger,
    timeZone: input.links.timeZone,
    dispatch: input.dispatch,
    startPlan: input.startPlan,
    membersPerStatement: input.membersPerStatement,
    quota: input.quota,
    // One contact policy for journeys and broadcasts (the journeys' setting and contact log).
    contactPolicy: () => readContactPolicy(input.repositories.settings),
    lineStats: createLineStatsStore(input.db, input.atomic),
  }
}

/**
 * Segments and broadcasts: the staff console's two services and the engine the runtime's sender
 * (Node's in-process loop, the Workers queue consumer) and the periodic sweep drive.
 */
export function composeBroadcasts(input: BroadcastsInput) {
  const engine = broadcastDeps(input)
  return {
    engine,
    broadcasts: createBroadcastService(engine),
    segments: createSegmentService({
      segments: input.repositories.segments,
      uow: input.uow,
      now: () => input.clock.now(),
      timeZone: input.links.timeZone,
    }),
  }
}
