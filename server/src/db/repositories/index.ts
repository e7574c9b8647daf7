import type { UnitOfWork } from '../../domain/unit-of-work.ts'
import type { Database } from '../database.ts'
import { createAuditReader } from './audit-reader-repository.ts'
import { createAuditLog } from './audit-repository.ts'
import { createChatLog } from './chat-log-repository.ts'
import { createCouponRepository } from './coupon-repository.ts'
import { createFaqAskRepository } from './faq-ask-repository.ts'
import { createFaqRepository } from './faq-repository.ts'
import { createInboxRepository } from './inbox-repository.ts'
import { createKeywordRuleRepository } from './keyword-rule-repository.ts'
import { createLoyaltyStore } from './loyalty-repository.ts'
import { createMemberDirectory } from './member-directory-repository.ts'
import { createMemberRepository } from './member-repository.ts'
import { createOutboxRepository } from './outbox-repository.ts'
import { createPointsRepository } from './points-repository.ts'
import { createProfileRepository } from './profile-repository.ts'
import { createSettingsStore } from './settings-repository.ts'
import { createStaffRepository } from './staff-repository.ts'
import { createStaffAlertStore } from './support-alert-repository.ts'
import { createContentStore } from './support-content-repository.ts'
import { createConversationStore } from './support-conversation-repository.ts'
import { createSegmentRepository } from './segment-repository.ts'
import { createWebhookProblemReader } from './webhook-problem-repository.ts'
import { createRateCounterStore, createSecurityAlertSink } from './rate-limit-repository.ts'
import { createReferralRepository } from './referral-repository.ts'
import { createShopTextStore } from './shop-text-repository.ts'

export function createRepositories(db: Database, uow: UnitOfWork) {
  return {
    inbox: createInboxRepository(db),
    members: createMemberRepository(db, uow),
    outbox: createOutboxRepository(db, uow),
    chatLog: createChatLog(db),
    audit: createAuditLog(db),
    directory: createMemberDirectory(db),
    settings: createSettingsStore(db),
    staff: createStaffRepository(db),
    profiles: createProfileRepository(db),
    auditReader: createAuditReader(db),
    coupons: createCouponRepository(db, uow),
    points: createPointsRepository(db),
    loyalty: createLoyaltyStore(db),
    segments: createSegmentRepository(db),
    faq: createFaqRepository(db),
    faqAsks: createFaqAskRepository(db),
    keywordRules: createKeywordRuleRepository(db),
    conversations: createConversationStore(db),
    staffAlerts: createStaffAlertStore(db),
    contents: createContentStore(db),
    webhookProblems: createWebhookProblemReader(db),
    rateLimits: createRateCounterStore(db),
    securityAlerts: createSecurityAlertSink(db),
    referrals: createReferralRepository(db),
    shopTexts: createShopTextStore(db),
  }
}
export type Repositories = ReturnType<typeof createRepositories>
