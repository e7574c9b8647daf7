import { createRepositories } from '../db/repositories/index.ts'
import { createEventStore } from '../db/repositories/event-repository.ts'
import { createStampStore } from '../db/repositories/stamp-repository.ts'
import { createUnitOfWork } from '../db/unit-of-work.ts'
import { createSignIn } from '../domain/auth/sign-in.ts'
import { welcomeCouponSubscriber } from '../domain/coupons/welcome.ts'
import {
  deliverEvents,
  pruneEvents,
  replyContributions,
  type EventRelayDeps,
} from '../domain/event-relay/relay.ts'
import type { EventSubscriber } from '../domain/event-relay/subscribers.ts'
import type { AppLinks } from '../domain/links.ts'
import { cardKeyProvider } from '../domain/members/card-token.ts'
import { createMemberDirectoryService } from '../domain/members/directory.ts'
import { createMemberAppService } from '../domain/auth/member-app.ts'
import { createStampService, stampCardSubscriber, type StampDeps } from '../domain/stamps/stamps.ts'
import { createStaffService, prepareStaffAtStart } from '../domain/staff/staff.ts'
import { createAuditService } from '../domain/audit/audit-reader.ts'
import { DEFAULT_MAX_CONTENT_BYTES } from '../domain/support/contents.ts'
import { createMessagingSettingsService } from '../domain/shop/messaging.ts'
import { createShopSettingsService, readShopSettings } from '../domain/shop/settings.ts'
import { createShopTextsService } from '../domain/shop-texts/service.ts'
import { shopTextSource } from '../domain/texts/texts.ts'
import { acceptWebhook } from '../domain/webhook/accept.ts'
import { createWebhookProblemsQuery } from '../domain/webhook/problems.ts'
import { createRateLimiter } from '../domain/security/rate-limit.ts'
import type { ProcessorDeps } from '../domain/webhook/processor.ts'
import { createLineLogin } from '../line/login.ts'
import { createLineMessagingClient } from '../line/messaging-client.ts'
import { createPacer } from '../line/rate-limiter.ts'
import { MonthlyLimitMemo } from '../domain/messaging/push-fallback.ts'
import type { Services } from '../middleware/env.ts'
import { createContentFetcher } from '../line/content-fetcher.ts'
import { composeRichMenu } from './rich-menu.ts'
import { createChatRouter, menuPublished } from './chat.ts'
import { createFaqAnswerer } from '../domain/faq/answerer.ts'
import { composeBroadcasts } from './broadcasts.ts'
import { createQuotaReader, createQuotaService } from '../domain/messaging/quota.ts'
import { couponDeps } from './coupons.ts'
import { composeJourneys } from './journeys.ts'
import { composeKpiInsights, composeKpis } from './kpis.ts'
import { composeDemoShop } from './demo.ts'
import { composeLoyalty } from './loyalty.ts'
import { composeReferrals } from './referrals.ts'
import type { RuntimePorts } from './ports.ts'
import { composeLineAccess } from './line-access.ts'
import { appliedMigrations, SHIPPED_MIGRATIONS } from '../db/migration-state.ts'
import { createReadinessCheck } from '../domain/ops/readiness.ts'
import { composeSupport } from './support.ts'
import { composeSurveys } from './surveys.ts'
import { createPrivacyStore } from '../db/repositories/privacy-repository.ts'
import { createPrivacyService } from '../domain/privacy/service.ts'
import { createLineStatsStore } from '../db/repositories/line-stats-repository.ts'
import { pollUnitStats } from '../domain/line-stats/poll.ts'

/**
 * The one composition root: builds every feature's services from the runtime's ports, once per
 * process (Node) or per isolate (Workers). Both entries call it; nothing is wired anywhere else.
 * Adding a capability adds one line here (its service) and, if it reacts to domain events, its
 * subscriber to `subscribers`.
 */
export function composeServices(ports: RuntimePorts) {
  const { config, db, atomic, clock, ids, logger, line } = ports
  const links: AppLinks = {
    liffId: config.LIFF_ID ?? null,
    publicUrl: config.PUBLIC_URL,
    timeZone: config.SHOP_TIMEZONE,
  }
  const timeZone = config.SHOP_TIMEZONE
  const now = () => clock.now()
  // LINE's per-unit open/click statistics (customAggregationUnits): on in the sandbox by default.
  const lineUnitStatsOn = (config.LINE_UNIT_STATS ?? (config.sandbox ? 'on' : 'off')) === 'on'

  // Ports over the database and LINE.
  const uow = createUnitOfWork(db, atomic, clock)
  const repositories = createRepositories(db, uow)
  const eventStore = createEventStore(db, atomic)
  // Every LINE call logged with its x-line-request-id; short-lived tokens put in as they refresh.
  const lineAccess = composeLineAccess({ config, line, clock, logger, ports })
  const lineFetch = lineAccess.fetch
  const messenger = createLineMessagingClient({
    apiBaseUrl: line.apiBaseUrl,
    channelAccessToken: line.channelAccessToken,
    ids,
    logger,
    timeoutMs: ports.lineTimeoutMs,
    fetch: lineFetch,
    pacer: ports.pacer ?? createPacer(),
    aggregationUnits: lineUnitStatsOn,
  })
  const login = createLineLogin({ config, line, clock, logger, fetch: lineFetch })
  const cardKey = cardKeyProvider(repositories.settings, ids, now)
  const content = {
    fetchContent: createContentFetcher({
      dataApiBaseUrl: line.dataApiBaseUrl,
      channelAccessToken: line.channelAccessToken,
      fetch: lineFetch,
    }),
    maxContentBytes: ports.maxContentBytes ?? DEFAULT_MAX_CONTENT_BYTES,
    /** Staff alert pushes link here. */
    inboxUrl: `${links.publicUrl.replace(/\/+$/, '')}/staff/inbox`,
  }
  const outboxDeps = { outbox: repositories.outbox, messenger, clock, ids, logger }
  // The shop's editable texts (welcome, receipt, acknowledgements, coupon note) over their defaults.
  const shopTexts = shopTextSource(
    repositories.shopTexts,
    async () => (await readShopSettings(repositories.settings, config.sandbox)).name,
  )
  // One FAQ matcher per process: the chat router answers with it, staff try it out.
  const faqAnswerer = createFaqAnswerer(repositories.faq, ports.faq)
  // The support and survey capabilities (a low score goes through the support hand-over).
  const support = composeSupport({
    db,
    atomic,
    uow,
    repositories,
    clock,
    ids,
    logger,
    timeZone,
    sandbox: config.sandbox,
    content,
    kickProcessing: (defer) => ports.jobs.kickProcessing(defer),
    faqAnswerer,
  })
  const surveys = composeSurveys({
    db,
    atomic,
    uow,
    repositories,
    ids,
    clock,
    logger,
    links,
    support: support.handover,
  })

  const referrals = composeReferrals({
    repositories,
    uow,
    clock,
    ids,
    logger,
    links,
    sandbox: config.sandbox,
  })
  const journeys = composeJourneys({ db, atomic, uow, repositories, clock, ids, logger, links })

  const kpis = composeKpis({
    db,
    atomic,
    uow,
    settings: repositories.settings,
    timeZone,
    sandbox: config.sandbox,
    now,
  })
  // The stamp card: a subscriber of the purchase events, and the settings / card service.
  const stampDeps: StampDeps = {
    ...couponDeps({ repositories, atomic, ids, clock, timeZone }),
    stamps: createStampStore(db),
    settings: repositories.settings,
    uow,
    links,
    logger,
    members: repositories.members,
    outbox: outboxDeps,
  }

  const richMenu = composeRichMenu({
    ...ports,
    db,
    repositories,
    messenger,
    uow,
    links,
    sandbox: config.sandbox,
  })

  // Domain event subscribers: each consumes committed events after the fact, from its own cursor.
  const subscribers: EventSubscriber[] = [
    ...journeys.subscribers,
    kpis.subscriber,
    welcomeCouponSubscriber({
      ...couponDeps({ repositories, atomic, ids, clock, timeZone }),
      settings: repositories.settings,
      links,
      logger,
      members: repositories.members,
      outbox: outboxDeps,
    }),
    referrals.subscriber,
    stampCardSubscriber(stampDeps),
    richMenu.subscriber,
  ]
  const relay: EventRelayDeps = { store: eventStore, subscribers, clock, ids, logger }

  // The month's message quota, kept briefly: the console's widget, estimates and the engine.
  const quota = createQuotaReader({ messenger, clock, logger })
  // Segments, broadcasts and the engine; chunks reach a sender the way this runtime dispatches jobs.
  const broadcasting = composeBroadcasts({
    quota,
    db,
    atomic,
    uow,
    repositories,
    messenger,
    clock,
    ids,
    logger,
    links,
    dispatch: (broadcastId) => ports.jobs.dispatchBroadcast(broadcastId),
    startPlan: (broadcastId, token) => ports.jobs.startBroadcastPlan(broadcastId, token),
  })

  const processorDeps: ProcessorDeps = {
    ...repositories,
    messenger,
    router: createChatRouter({
      clock,
      repositories,
      uow,
      links,
      support: support.handover,
      survey: surveys.deps,
      faq: faqAnswerer,
      messenger,
    }),
    followEffects: {
      replyContributions: async (eventKey) =>
        replyContributions(relay, await eventStore.byDedupeKeys([eventKey])),
    },
    uow,
    support: support.hooks,
    texts: shopTexts,
    menuPublished: menuPublished(repositories.settings),
    // Remembers LINE's "monthly limit reached" for a while: no push in place of a reply meanwhile.
    monthlyLimit: new MonthlyLimitMemo(),
    relay,
    clock,
    ids,
    logger,
  }

  const privacy = createPrivacyService({
    store: createPrivacyStore(db),
    settings: repositories.settings,
    uow,
    now,
    uuid: () => ids.uuid(),
  })

  const webhookInbox = ports.wrapInbox ? ports.wrapInbox(repositories.inbox) : repositories.inbox

  const services: Services = {
    runtime: {
      sandbox: config.sandbox,
      readiness: createReadinessCheck({
        shipped: SHIPPED_MIGRATIONS.map((m) => m.tag),
        applied: () => appliedMigrations(db),
      }),
    },
    logger,
    webhookProblems: createWebhookProblemsQuery(repositories.webhookProblems),
    rateLimits: createRateLimiter({
      counters: repositories.rateLimits,
      alerts: repositories.securityAlerts,
      now,
    }),
    webhook: {
      accept: (body, signature, defer) =>
        acceptWebhook(
          {
            verifySignature: ports.verifySignature,
            inbox: webhookInbox,
            clock,
            kickProcessing: () => ports.jobs.kickProcessing(defer),
          },
          body,
          signature,
        ),
    },
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
    segments: broadcasting.segments,
    broadcasts: broadcasting.broadcasts,
    quota: createQuotaService(quota),
    journeys: journeys.service,
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
    surveys: surveys.service,
    support: support.service,
    referrals: referrals.service,
    kpis: kpis.service,
    kpiInsights: composeKpiInsights({ db, atomic, quota, timeZone, now }),
    demoShop: composeDemoShop({
      db,
      atomic,
      uow,
      repositories,
      clock,
      ids,
      timeZone,
      sandbox: config.sandbox,
      rebuildKpis: () => kpis.service.rebuild(),
      rebuildSummary: ports.rebuildSummary,
    }),
    stamps: createStampService(stampDeps),
    richMenu: richMenu.console,
    privacy,
    ...composeLoyalty({
      ...ports,
      repositories,
      uow,
      events: eventStore,
      cardKey,
      issuedNote: { outbox: outboxDeps, links },
    }),
    texts: createShopTextsService({
      store: repositories.shopTexts,
      settings: repositories.settings,
      loyalty: { ...repositories, uow, clock, timeZone },
      uow,
      texts: shopTexts,
      timeZone,
      sandbox: config.sandbox,
      now,
    }),
  }

  return {
    services,
    /** What the runtime's background loops drive (drains, senders, the periodic pass). */
    background: {
      repositories,
      db,
      atomic,
      uow,
      messenger,
      links,
      cardKey,
      content,
      /** The survey domain (the closed loop's periodic retry). */
      surveys: surveys.deps,
      processorDeps,
      broadcasts: broadcasting.engine,
      journeys: journeys.engine,
      rebuildSummary: ports.rebuildSummary,
      relay,
      deliverEvents: (batch?: number) => deliverEvents(relay, batch),
      /** At start: the sandbox's demo owner, or the first owner's setup code. */
      prepareStaffAtStart: (demoOwner: { lineUserId: string; displayName: string } | null) =>
        prepareStaffAtStart({ staff: repositories.staff, uow, ids, now }, demoOwner),
      pruneEvents: () => pruneEvents(relay),
      /** The referral program's periodic pass (stale claims, the 'join' qualification). */
      referralUpkeep: referrals.upkeep,
      /** The KPI rollups recomputed from the purchases (the daily pass). */
      rebuildKpis: () => kpis.service.rebuild(),
      /** LINE's per-unit opens and clicks, polled in the background (LINE_UNIT_STATS). */
      lineUnitStats: {
        enabled: lineUnitStatsOn,
        poll: () =>
          pollUnitStats({ store: createLineStatsStore(db, atomic), line: messenger, logger, now }),
      },
    },
  }
}

export type Composition = ReturnType<typeof composeServices>
export type Background = Composition['background']
