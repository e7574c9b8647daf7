import { silentLogger, webIds } from '../../server/src/domain/ports.ts'
import { runLoyaltyMaintenance } from '../../server/src/compose/upkeep.ts'
import type { World } from '../auth/world.ts'
import { eventually } from '../support/joren-node.ts'

export function memberNumberOf(world: World, userId: string): string {
  const [row] = world.joren.rows<{ n: string }>(
    'select member_number as n from members where line_user_id = ?',
    userId,
  )
  if (!row) throw new Error(`no member for ${userId}`)
  return row.n
}

/** The LINE messages the stand-in accepted (HTTP 200) for a user, through push or reply. */
export function acceptedMessages(world: World, userId: string) {
  const okRequests = new Set(
    world.standIn
      .requests()
      .filter((r) => r.status === 200 && /\/v2\/bot\/message\/(push|reply)$/.test(r.path))
      .map((r) => r.requestId),
  )
  return world.standIn.received(userId).filter((m) => okRequests.has(m.requestId))
}

export async function waitForMessage(
  world: World,
  userId: string,
  match: (message: Record<string, unknown>) => boolean,
) {
  return eventually(() => {
    const found = acceptedMessages(world, userId).find((m) => match(m.message))
    if (!found) throw new Error(`no matching message for ${userId}`)
    return found.message
  })
}

/** The Node timer's loyalty pass, run now with the test clock. */
export function runMaintenance(world: World) {
  return runLoyaltyMaintenance({
    background: world.joren.server.background,
    clock: world.clock,
    ids: webIds,
    logger: silentLogger,
    timeZone: 'Asia/Tokyo',
  })
}
