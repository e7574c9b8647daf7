import { describe, it } from 'vitest'
import { memoryDriver } from '../support/memory-db.ts'
import { aDeadOutboxJobRaisesAnAlert, aParkedEventRaisesAnAlert } from './failure-alerts-suite.ts'

describe('failed jobs raise a staff alert (better-sqlite3)', () => {
  it('a domain event parked after its retries', () => aParkedEventRaisesAnAlert(memoryDriver()))
  it('a message the outbox gave up on; an automatic message LINE refused', () =>
    aDeadOutboxJobRaisesAnAlert(memoryDriver()))
})
