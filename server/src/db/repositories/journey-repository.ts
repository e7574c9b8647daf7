import type { ContactStore } from '../../domain/contact-policy/policy.ts'
import type { JourneyStore } from '../../domain/journeys/store.ts'
import type { Database } from '../database.ts'
import { createJourneyDefinitions } from './journeys/definitions.ts'
import { createJourneyDueSteps } from './journeys/due.ts'
import { createJourneyEnrolment } from './journeys/enrolment.ts'
import { createJourneyReports } from './journeys/reports.ts'
import { createJourneyTierDrops } from './journeys/tier-drops.ts'
import { createJourneyTriggerSources } from './journeys/triggers.ts'
import { createJourneyRunWrites } from './journeys/writes.ts'

/**
 * The journeys' store, by lifecycle (journeys/): definitions, enrolment and the triggers'
 * sources, the due-step claim with its batch writes (and the contact policy's counts), the
 * tier-drop instants, and the reports.
 */
export function createJourneyRepository(db: Database): JourneyStore & ContactStore {
  return {
    ...createJourneyDefinitions(db),
    ...createJourneyEnrolment(db),
    ...createJourneyTriggerSources(db),
    ...createJourneyDueSteps(db),
    ...createJourneyRunWrites(db),
    ...createJourneyTierDrops(db),
    ...createJourneyReports(db),
  }
}
