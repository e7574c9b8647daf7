import type { Database } from '../database.ts'
import { createAuditReader } from './audit-reader-repository.ts'
import { createAuditLog } from './audit-repository.ts'
import { createChatLog } from './chat-log-repository.ts'
import { createCouponRepository } from './coupon-repository.ts'
import { createInboxRepository } from './inbox-repository.ts'
import { createLoyaltyStore } from './loyalty-repository.ts'
import { createMemberDirectory } from './member-directory-repository.ts'
import { createMemberRepository } from './member-repository.ts'
import { createOutboxRepository } from './outbox-repository.ts'
import { createPointsRepository } from './points-repository.ts'
import { createProfileRepository } from './profile-repository.ts'
import { createSettingsStore } from './settings-repository.ts'
import { createStaffRepository } from './staff-repository.ts'

export function createRepositories(db: Database) {
  return {
    inbox: createInboxRepository(db),
    members: createMemberRepository(db),
    outbox: createOutboxRepository(db),
    chatLog: createChatLog(db),
    audit: createAuditLog(db),
    directory: createMemberDirectory(db),
    settings: createSettingsStore(db),
    staff: createStaffRepository(db),
    profiles: createProfileRepository(db),
    auditReader: createAuditReader(db),
    coupons: createCouponRepository(db),
    points: createPointsRepository(db),
    loyalty: createLoyaltyStore(db),
  }
}
export type Repositories = ReturnType<typeof createRepositories>
