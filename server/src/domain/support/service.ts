import type { FaqLearningService } from '../faq/learning.ts'
import type { FaqService } from '../faq/service.ts'
import type { StaffAlertService } from './alerts.ts'
import type { InboxService } from './inbox.ts'

/** The support capability as the staff console sees it. */
export interface SupportService {
  /** Conversations, threads, the member beside them, replies, assignment, canned replies. */
  inbox: InboxService
  /** New conversations and low scores for staff; each one's LINE alert preferences. */
  alerts: StaffAlertService
  /** FAQ entries and keyword rules (and the try-out). */
  faq: FaqService
  /** What the bot could not answer, per-entry figures, teaching it, starter sets. */
  faqLearning: FaqLearningService
}
