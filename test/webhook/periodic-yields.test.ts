import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RFM_DAILY_PASS_KEY } from '../../server/src/db/segments/upkeep.ts'
import { DAILY_PASS_KEY } from '../../server/src/compose/upkeep.ts'
import { startLineStandIn, type LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { eventually, startJoren, type JorenUnderTest } from '../support/joren-node.ts'

/**
 * The periodic jobs run on the thread that answers webhooks (Node). Their daily passes (tiers over
 * every member with spend, the segment summary) take turns with requests: a webhook that arrives
 * while they run is answered — and its event answered — before they finish.
 */

let standIn: LineStandIn
let joren: JorenUnderTest

const MEMBERS = 3_000

beforeAll(async () => {
  standIn = await startLineStandIn({ rateLimits: false })
  joren = await startJoren(standIn)
  const now = Date.now()
  joren.server.database.sqlite.exec(`
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${MEMBERS})
    INSERT INTO members (id, line_user_id, member_number, display_name, follow_state, follow_state_at,
                         followed_at, created_at, updated_at)
    SELECT 100000 + i, 'U' || printf('%032x', 100000 + i), printf('%010d', 100000 + i), '会員' || i,
           'following', 1, ${now}, 1, 1 FROM n;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${MEMBERS * 3})
    INSERT INTO purchases (member_id, amount_yen, categories, purchased_at, source, status, created_at)
    SELECT 100000 + i % ${MEMBERS} + 1, 1000 + (i % 50) * 1000, '["food"]', ${now} - (i % 300) * 86400000,
           'csv', 'completed', 1 FROM n;
    INSERT INTO member_tiers (member_id, tier_id, spend_12m_yen, updated_at)
    SELECT member_id, NULL, sum(amount_yen), 1 FROM purchases GROUP BY member_id;
  `)
})
afterAll(async () => {
  await joren.close()
  await standIn.close()
})

describe('periodic jobs on Node', () => {
  it('a webhook during the daily passes is answered before they finish', async () => {
    const user = standIn.createUser({ displayName: '花子' })
    await standIn.follow(user.userId)
    await eventually(() => expect(standIn.received(user.userId)).toHaveLength(2))
    joren.server.database.sqlite
      .prepare('DELETE FROM settings WHERE key IN (?, ?)')
      .run(DAILY_PASS_KEY, RFM_DAILY_PASS_KEY)

    const order: string[] = []
    const periodic = joren.server.runPeriodic().then(() => order.push('daily passes done'))
    // Let the passes start, then a customer writes.
    await new Promise((resolve) => setImmediate(resolve))
    const delivered = standIn
      .deliver([standIn.buildEvent.text(user.userId, 'ヘルプ')])
      .then((res) => order.push(`webhook ${res.status}`))
    await delivered
    await eventually(() => expect(standIn.received(user.userId)).toHaveLength(3), 30_000)
    order.push('answered')
    await periodic

    expect(order).toEqual(['webhook 200', 'answered', 'daily passes done'])
    // The passes did their work.
    const [tiers] = joren.rows<{ n: number }>(
      'SELECT count(*) AS n FROM member_tiers WHERE tier_id IS NOT NULL',
    )
    expect(tiers?.n).toBe(MEMBERS)
    const [summary] = joren.rows<{ n: number }>(
      'SELECT count(*) AS n FROM member_rfm WHERE purchase_count > 0',
    )
    expect(summary?.n).toBe(MEMBERS)
  }, 120_000)
})
