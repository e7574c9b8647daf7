import type { AuditService } from '../domain/audit/audit-reader.ts'
import type { RichMenuConsoleService } from '../domain/richmenu/console.ts'
import type { CouponService } from '../domain/coupons/service.ts'
import type { LoyaltyService } from '../domain/loyalty/service.ts'
import type { MemberPrincipal, SignIn, StaffPrincipal } from '../domain/auth/sign-in.ts'
import type { DemoShopService } from '../domain/demo/service.ts'
import type { InsightService } from '../domain/kpis/insights.ts'
import type { KpiService } from '../domain/kpis/service.ts'
import type { MemberDirectoryService } from '../domain/members/directory.ts'
import type { MemberAppService } from '../domain/auth/member-app.ts'
import type { BroadcastService } from '../domain/broadcasts/service.ts'
import type { QuotaService } from '../domain/messaging/quota.ts'
import type { SegmentService } from '../domain/segments/segments.ts'
import type { JourneysService } from '../domain/journeys/service.ts'
import type { DomainError } from '../domain/errors.ts'
import type { Defer, Logger } from '../domain/ports.ts'
import type { RateLimiter } from '../domain/security/rate-limit.ts'
import type { ReferralService } from '../domain/referrals/service.ts'
import type { WebhookProblemsQuery } from '../domain/webhook/problems.ts'
import type { MessagingSettingsService } from '../domain/shop/messaging.ts'
import type { ShopSettingsService } from '../domain/shop/settings.ts'
import type { ShopTextsService } from '../domain/shop-texts/service.ts'
import type { StaffService } from '../domain/staff/staff.ts'
import type { StampService } from '../domain/stamps/stamps.ts'
import type { SupportService } from '../domain/support/service.ts'
import type { Readiness } from '../domain/ops/readiness.ts'
import type { SurveyService } from '../domain/surveys/service.ts'
import type { PrivacyService } from '../domain/privacy/service.ts'

/**
 * Every feature's commands and queries, built once by the composition root (server/src/compose)
 * from the runtime's ports. Routes see only these: never a repository, the database or config.
 */

export interface Services {
  /** Facts the HTTP layer reports (/healthz). */
  runtime: { sandbox: boolean; readiness(): Promise<Readiness> }
  logger: Logger
  /** LINE events stored but not handled (parked on arrival, dead after retries), for staff. */
  webhookProblems: WebhookProblemsQuery
  /** Limits on guessing secrets (setup code, invitation codes, API keys). */
  rateLimits: RateLimiter
  /** LINE's webhook: verify, sort and store each delivery; processing starts after the answer. */
  webhook: {
    accept(
      body: Uint8Array<ArrayBuffer>,
      signature: string | undefined,
      defer: Defer,
    ): Promise<{ ok: true } | { ok: false; error: DomainError }>
  }
  signIn: SignIn
  /** The member mini-app: the signed-in member's card, profile and the public config. */
  memberApp: MemberAppService
  /** The staff console's member directory: search, detail, notes and tags. */
  members: MemberDirectoryService
  staff: StaffService
  settings: ShopSettingsService
  /** Who may be messaged (default everyone / opt-in) and the automatic pushes' switches. */
  messagingSettings: MessagingSettingsService
  texts: ShopTextsService
  audit: AuditService
  /** Survey definitions, results and CSV (staff); the member's questionnaire, draft and submit. */
  surveys: SurveyService
  /** The support inbox, staff alerts and FAQ / keyword-rule editing. */
  support: SupportService
  /** Loyalty (purchases, points, tiers, API keys) and coupons: see compose/loyalty.ts. */
  loyalty: LoyaltyService
  coupons: CouponService
  /** The stamp card: the shop's choice (points / stamps / both), its rule, members' cards. */
  stamps: StampService
  /** The console's 「リッチメニューを作成」: what to draw, and publishing the browser's PNG. */
  richMenu: RichMenuConsoleService
  /** Segments (built-ins, saved, the live count) and broadcasts (compose … measure). */
  segments: SegmentService
  broadcasts: BroadcastService
  /** The month's LINE message quota (used, left, warning) for the console's widget. */
  quota: QuotaService
  /** The referral program: the member's link and referrals, the claim, staff settings and figures. */
  referrals: ReferralService
  /** Journeys (step, birthday, dormant, after-purchase, purchase-cycle) and the contact policy. */
  journeys: JourneysService
  /** Retention KPIs (integration API, dashboard) and their rollups' rebuild. */
  kpis: KpiService
  kpiInsights: InsightService
  demoShop: DemoShopService
  /** Members' data rights: export, erasure, privacy policy and terms, deletion requests. */
  privacy: PrivacyService
}

export type { MemberPrincipal, StaffPrincipal }

export type AppEnv = {
  Variables: {
    services: Services
    /** Keeps work going after the response (Workers' waitUntil). */
    defer: Defer
    /** This request's ID (answered in x-request-id, on its log lines). */
    requestId: string
    member: MemberPrincipal
    staff: StaffPrincipal
    /** The verified token's `sub` and `name` (set by every LIFF / staff auth middleware). */
    lineUserId: string
    lineName: string | null
  }
}
