import { describe, it } from 'vitest'
import { memoryDriver } from '../support/memory-db.ts'
import { unitStatsFromSendToDashboard } from './line-stats-suite.ts'

describe('LINE per-unit opens and clicks (better-sqlite3)', () => {
  it('the unit name rides in the request body, the poll stores LINE’s figures, the dashboard returns them', () =>
    unitStatsFromSendToDashboard(memoryDriver()))
})
