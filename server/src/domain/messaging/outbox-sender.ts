import { interruptedCheck, type PumpSource } from '../pump.ts'
import { deliverOne, OUTBOX_LEASE_MS, type OutboxDeps, type OutboxItem } from './outbox.ts'

/**
 * The outbox as continuous work (Node): as many sends in flight as the window allows (LINE's rate
 * limits are kept by the messaging client's shared pacer), each settled as its answer comes; one
 * member's messages in order. Claims take replies whose token expires first first.
 */
export function outboxPumpSource(deps: OutboxDeps): PumpSource<OutboxItem> {
  const checkInterrupted = interruptedCheck(() => deps.clock.now())
  return {
    claim: (limit) =>
      deps.outbox.claimDue(deps.clock.now(), limit, OUTBOX_LEASE_MS, {
        interrupted: checkInterrupted(),
      }),
    keyOf: (item) => item.lineUserId,
    handle: (item) => deliverOne(deps, item),
  }
}
