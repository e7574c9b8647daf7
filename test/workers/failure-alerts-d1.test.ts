import { describe, it } from 'vitest'
import {
  aDeadOutboxJobRaisesAnAlert,
  aParkedEventRaisesAnAlert,
} from '../support-inbox/failure-alerts-suite.ts'
import { useFreshD1 } from './d1-driver.ts'

/** Failed jobs raise a staff alert on workerd's local D1 (the triggers of migration 0016). */

const TIMEOUT = 120_000
const driver = useFreshD1(TIMEOUT)

describe('failed jobs raise a staff alert (workerd + D1)', () => {
  it('a domain event parked after its retries', () => aParkedEventRaisesAnAlert(driver()), TIMEOUT)
  it(
    'a message the outbox gave up on; an automatic message LINE refused',
    () => aDeadOutboxJobRaisesAnAlert(driver()),
    TIMEOUT,
  )
})
