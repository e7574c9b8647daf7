import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { DomainError } from './domain/errors.ts'
import type { Defer } from './domain/ports.ts'
import type { AppEnv, Services } from './middleware/env.ts'
import { jsonBodies } from './middleware/json-body.ts'
import { requestLog } from './middleware/request-log.ts'
import { domainErrorReply, INTERNAL_ERROR_BODY } from './routes/error-body.ts'
import { apiV1Route } from './routes/api-v1.ts'
import { liffRoute } from './routes/liff.ts'
import { liffPointsRoute } from './routes/liff-points.ts'
import { liffStampsRoute } from './routes/liff-stamps.ts'
import { staffStampsRoute } from './routes/staff-stamps.ts'
import { liffCouponsRoute } from './routes/liff-coupons.ts'
import { liffSurveysRoute } from './routes/liff-surveys.ts'
import { liffReferralsRoute } from './routes/liff-referrals.ts'
import { liffPrivacyRoute } from './routes/liff-privacy.ts'
import { staffMemberPrivacyRoute, staffPrivacyRoute } from './routes/staff-privacy.ts'
import { staffReferralsRoute } from './routes/staff-referrals.ts'
import { staffSurveysRoute } from './routes/staff-surveys.ts'
import { publicRoute } from './routes/public.ts'
import { staffAccountRoute } from './routes/staff-account.ts'
import { staffAuditRoute } from './routes/staff-audit.ts'
import {
  staffCouponsRoute,
  staffMemberCouponsRoute,
  staffRegisterCouponsRoute,
} from './routes/staff-coupons.ts'
import { staffMembersRoute, staffTagsRoute } from './routes/staff-members.ts'
import {
  staffApiKeysRoute,
  staffLoyaltyRoute,
  staffMemberPointsRoute,
  staffPurchasesRoute,
  staffRegisterPurchasesRoute,
} from './routes/staff-loyalty.ts'
import { staffDashboardRoute } from './routes/staff-dashboard.ts'
import { staffSegmentsRoute } from './routes/staff-segments.ts'
import { staffMessagingSettingsRoute } from './routes/staff-messaging-settings.ts'
import { staffTextsRoute } from './routes/staff-texts.ts'
import { staffSettingsRoute } from './routes/staff-settings.ts'
import { staffRichMenuRoute } from './routes/staff-rich-menu.ts'
import { staffBroadcastsRoute } from './routes/staff-broadcasts.ts'
import { staffQuotaRoute } from './routes/staff-quota.ts'
import { staffJourneysRoute } from './routes/staff-journeys.ts'
import { staffFaqRoute, staffKeywordRulesRoute } from './routes/staff-faq.ts'
import { staffFaqLearningRoute } from './routes/staff-faq-learning.ts'
import { staffFaqStarterRoute } from './routes/staff-faq-starter.ts'
import { staffAlertPrefsRoute, staffAlertsRoute } from './routes/staff-alerts.ts'
import { staffInboxRoute } from './routes/staff-inbox.ts'
import { staffWebhookEventsRoute } from './routes/staff-webhook-events.ts'
import { webhookRoute } from './routes/webhook.ts'

/** What one request runs with: the services, and how work outlives the response. */
export interface RequestScope {
  services: Services
  defer: Defer
}

/**
 * Each runtime says where a request's services come from: Node has one set per process; Workers
 * one per isolate, found from the request's bindings, with `waitUntil` to outlive the response.
 */
export type ScopeOf = (bindings: unknown, waitUntil: Defer | null) => RequestScope

/** The whole HTTP app, the same on Node and Workers. */
export function createApp(scopeOf: ScopeOf) {
  const app = new Hono<AppEnv>()
  app.use(requestLog)
  app.use(async (c, next) => {
    let waitUntil: Defer | null = null
    try {
      const ctx = c.executionCtx
      waitUntil = (task) => ctx.waitUntil(task)
    } catch {
      // Node: no execution context; promises simply run on.
    }
    const { services, defer } = scopeOf(c.env, waitUntil)
    c.set('services', services)
    c.set('defer', defer)
    await next()
  })
  // Every API route that reads a body: JSON only (415), within the route's size limit (413).
  app.use('/api/*', jsonBodies)

  app.get('/healthz', (c) => c.json({ ok: true, sandbox: c.var.services.runtime.sandbox }))
  app.get('/readyz', async (c) => {
    const readiness = await c.var.services.runtime.readiness()
    return c.json(readiness, readiness.ready ? 200 : 503)
  })
  app.route('/webhook', webhookRoute)
  app.route('/api/public', publicRoute)
  app.route('/api/liff/coupons', liffCouponsRoute)
  app.route('/api/liff/points', liffPointsRoute)
  app.route('/api/liff/stamps', liffStampsRoute)
  app.route('/api/liff/surveys', liffSurveysRoute)
  app.route('/api/liff/referrals', liffReferralsRoute)
  app.route('/api/liff/privacy', liffPrivacyRoute)
  app.route('/api/liff', liffRoute)
  app.route('/api/staff/settings/messaging', staffMessagingSettingsRoute)
  app.route('/api/staff/texts', staffTextsRoute)
  app.route('/api/staff/settings', staffSettingsRoute)
  app.route('/api/staff/rich-menu', staffRichMenuRoute)
  app.route('/api/staff/audit', staffAuditRoute)
  app.route('/api/staff/members', staffMembersRoute)
  app.route('/api/staff/members', staffMemberCouponsRoute)
  app.route('/api/staff/coupons', staffCouponsRoute)
  app.route('/api/staff/register/coupons', staffRegisterCouponsRoute)
  app.route('/api/staff/members', staffMemberPointsRoute)
  app.route('/api/staff/members', staffMemberPrivacyRoute)
  app.route('/api/staff/privacy', staffPrivacyRoute)
  app.route('/api/staff/purchases', staffPurchasesRoute)
  app.route('/api/staff/register', staffRegisterPurchasesRoute)
  app.route('/api/staff/loyalty', staffLoyaltyRoute)
  app.route('/api/staff/stamp-card', staffStampsRoute)
  app.route('/api/staff/api-keys', staffApiKeysRoute)
  app.route('/api/v1', apiV1Route)
  app.route('/api/staff/tags', staffTagsRoute)
  app.route('/api/staff/broadcasts', staffBroadcastsRoute)
  app.route('/api/staff/quota', staffQuotaRoute)
  app.route('/api/staff/segments', staffSegmentsRoute)
  app.route('/api/staff/journeys', staffJourneysRoute)
  app.route('/api/staff/dashboard', staffDashboardRoute)
  app.route('/api/staff/surveys', staffSurveysRoute)
  app.route('/api/staff/faq', staffFaqRoute)
  app.route('/api/staff/faq-learning', staffFaqLearningRoute)
  app.route('/api/staff/faq-starter', staffFaqStarterRoute)
  app.route('/api/staff/keyword-rules', staffKeywordRulesRoute)
  app.route('/api/staff/inbox', staffInboxRoute)
  app.route('/api/staff/alerts', staffAlertsRoute)
  app.route('/api/staff/me/alert-prefs', staffAlertPrefsRoute)
  app.route('/api/staff/webhook-events', staffWebhookEventsRoute)
  app.route('/api/staff/referrals', staffReferralsRoute)
  app.route('/api/staff', staffAccountRoute)

  app.notFound((c) => c.json({ error: { code: 'not_found', message: 'no such endpoint' } }, 404))
  app.onError((error, c) => {
    if (error instanceof DomainError) {
      const reply = domainErrorReply(error)
      return c.json(reply.body, reply.status)
    }
    if (error instanceof HTTPException) {
      return c.json({ error: { code: 'http_error', message: error.message } }, error.status)
    }
    c.var.services?.logger.error('unhandled error', {
      requestId: c.var.requestId,
      path: c.req.path,
      error: String(error),
    })
    return c.json(INTERNAL_ERROR_BODY, 500)
  })
  return app
}

export type App = ReturnType<typeof createApp>
