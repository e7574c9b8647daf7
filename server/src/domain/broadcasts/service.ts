import { createDraftCommands } from './drafts.ts'
import type { BroadcastDeps } from './engine.ts'
import { createReportQueries } from './report.ts'
import { createSendCommands } from './sending.ts'

export { reachBreakdown } from './estimate.ts'
export { toView } from './views.ts'

/**
 * The staff console's broadcasts: compose, estimate, test, send or schedule, pause, resume,
 * cancel, and watch and measure them. Every command commits its change with its audit row
 * (neither is stored without the other); sending itself is the engine's (engine.ts). By
 * lifecycle: drafts.ts (compose), sending.ts (send and its status changes), report.ts.
 */
export function createBroadcastService(deps: BroadcastDeps) {
  return {
    ...createDraftCommands(deps),
    ...createSendCommands(deps),
    ...createReportQueries(deps),
  }
}

export type BroadcastService = ReturnType<typeof createBroadcastService>
