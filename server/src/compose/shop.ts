import type { Config } from '../config.ts'
import type { Database } from '../db/database.ts'
import { appliedMigrations, SHIPPED_MIGRATIONS } from '../db/migration-state.ts'
import type { Repositories } from '../db/repositories/index.ts'
import { createPrivacyStore } from '../db/repositories/privacy-repository.ts'
import type { UnitOfWork } from '../domain/unit-of-work.ts'
import { createAuditService } from '../domain/audit/audit-reader.ts'
import { createMemberAppService } from '../domain/auth/member-app.ts'
import { createSignIn } from '../domain/auth/sign-in.ts'
import type { AppLinks } from '../domain/links.ts'
import { createMemberDirectoryService } from '../domain/members/directory.ts'
import type { Messenger } from '../domain/messaging/messenger.ts'
import { createReadinessCheck } from '../domain/ops/readiness.ts'
import type { Clock, Ids } from '../domain/ports.ts'
import { createPrivacyService } from '../domain/privacy/service.ts'
import { createRateLimiter } from '../domain/security/rate-limit.ts'
import { createShopTextsService } from '../domain/shop-texts/service.ts'
import { createMessagingSettingsService } from '../domain/shop/messaging.ts'
import { createShopSettingsService } from '../domain/shop/settings.ts'
import { createStaffService } from '../domain/staff/staff.ts'
import type { ShopTextSource } from '../domain/texts/texts.ts'
import { createWebhookProblemsQuery } from '../domain/webhook/problems.ts'
import type { createLineLogin } from '../line/login.ts'
import type { Services } from '../middleware/env.ts'

/**
 * The shop's own services: who signs in (members, staff), the member directory and mini-app,
 * the shop's settings, texts and data rights, the audit log, and the runtime's health facts.
 */
export function composeShopServices(input: {
  config: Config
  db: Database
  repositories: Repositories
  uow: UnitOfWork
  messenger: Messenger
  login: ReturnType<typeof createLineLogin>
  cardKey: () => Promise<CryptoKey>
  shopTexts: ShopTextSource
  links: AppLinks
  clock: Clock
  ids: Ids
}) {
  const { config, db, repositories, uow, messenger, login, cardKey, links, clock, ids } = input
  const timeZone = config.SHOP_TIMEZONE
  const now = () => clock.now()
  const privacy = createPrivacyService({
    store: createPrivacyStore(db),
    settings: repositories.settings,
    uow,
    now,
    uuid: () => ids.uuid(),
  })
  return {
    runtime: {
      sandbox: config.sandbox,
      readiness: createReadinessCheck({
        shipped: SHIPPED_MIGRATIONS.map((m) => m.tag),
        applied: () => appliedMigrations(db),
      }),
    },
    webhookProblems: createWebhookProblemsQuery(repositories.webhookProblems),
    rateLimits: createRateLimiter({
      counters: repositories.rateLimits,
      alerts: repositories.securityAlerts,
      now,
    }),
    signIn: createSignIn({
      idTokens: login.idTokens,
      members: repositories.members,
      staff: repositories.staff,
      messenger,
      botInfo: login.botInfo,
      clock,
      ids,
    }),
    members: createMemberDirectoryService({
      directory: repositories.directory,
      uow,
      now,
      timeZone,
    }),
    memberApp: createMemberAppService({
      profiles: repositories.profiles,
      settings: repositories.settings,
      botInfo: login.botInfo,
      cardKey,
      clock,
      sandbox: config.sandbox,
      liffId: links.liffId,
      agreedToDocuments: (memberId) => privacy.agreedIfRequired(memberId),
    }),
    staff: createStaffService({ staff: repositories.staff, uow, ids, now }),
    audit: createAuditService(repositories.auditReader),
    settings: createShopSettingsService({
      settings: repositories.settings,
      uow,
      sandbox: config.sandbox,
      now,
    }),
    messagingSettings: createMessagingSettingsService({
      settings: repositories.settings,
      uow,
      now,
    }),
    privacy,
    texts: createShopTextsService({
      store: repositories.shopTexts,
      settings: repositories.settings,
      loyalty: { ...repositories, uow, clock, timeZone },
      uow,
      texts: input.shopTexts,
      timeZone,
      sandbox: config.sandbox,
      now,
    }),
  } satisfies Partial<Services>
}
