import { createRepositories } from '../db/repositories/index.ts'
import { createEventStore } from '../db/repositories/event-repository.ts'
import { createUnitOfWork } from '../db/unit-of-work.ts'
import { deliverEvents, pruneEvents, type EventRelayDeps } from '../domain/event-relay/relay.ts'
import type { EventSubscriber } from '../domain/event-relay/subscribers.ts'
import type { AppLinks } from '../domain/links.ts'
import { cardKeyProvider } from '../domain/members/card-token.ts'
import { prepareStaffAtStart } from '../domain/staff/staff.ts'
import { readShopSettings } from '../domain/shop/settings.ts'
import { shopTextSource } from '../domain/texts/texts.ts'
import type { Services } from '../middleware/env.ts'
import { composeRichMenu } from './rich-menu.ts'
import { createFaqAnswerer } from '../domain/faq/answerer.ts'
import { composeBroadcasts } from './broadcasts.ts'
import { createQuotaReader, createQuotaService } from '../domain/messaging/quota.ts'
import { composeCouponRewards } from './coupons.ts'
import { composeJourneys } from './journeys.ts'
import { composeKpiInsights, composeKpis } from './kpis.ts'
import { composeDemoShop } from './demo.ts'
import { composeLoyalty } from './loyalty.ts'
import { composeReferrals } from './referrals.ts'
import type { RuntimePorts } from './ports.ts'
import { composeLineClients } from './line-clients.ts'
import { composeUnitBudget } from './line-units.ts'
import { composeShopServices } from './shop.ts'
import { composeWebhook } from './webhook.ts'
import { composeSupport } from './support.ts'
import { composeSurveys } from './surveys.ts'

/**
 * The one composition root: builds every feature's services from the runtime's ports, once per
 * process (Node) or per isolate (Workers). Both entries call it; nothing is wired anywhere else.
 * Adding a capability adds one line here (its service) and, if it reacts to domain events, its
 * subscriber to `subscribers`.
 */
export function composeServices(ports: RuntimePorts) {
  const { config, db, atomic, clock, ids, logger } = ports
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
  const lineClients = composeLineClients({
    ports,
    links,
    clock,
    ids,
    logger,
    config,
    aggregationUnits: lineUnitStatsOn,
  })
  const { login, content } = lineClients
  // What most capabilities are built from.
  const shared = { db, atomic, uow, repositories, clock, ids, logger, links }
  // LINE's 1,000 unit names a month: a push past them goes without one (and staff are told).
  const lineUnits = composeUnitBudget(shared, lineClients.messenger, lineUnitStatsOn)
  const messenger = lineUnits.messenger
  const cardKey = cardKeyProvider(repositories.settings, ids, now)
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
  const surveys = composeSurveys({ ...shared, support: support.handover })

  const referrals = composeReferrals({ ...shared, sandbox: config.sandbox })
  const journeys = composeJourneys(shared)

  const kpis = composeKpis({
    db,
    atomic,
    uow,
    settings: repositories.settings,
    timeZone,
    sandbox: config.sandbox,
    now,
  })
  // The welcome coupon and the stamp card: subscribers of the follow and purchase events.
  const rewards = composeCouponRewards({ ...shared, timeZone, outbox: outboxDeps })

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
    rewards.welcomeCoupon,
    referrals.subscriber,
    rewards.stampCard,
    richMenu.subscriber,
  ]
  const relay: EventRelayDeps = { store: eventStore, subscribers, clock, ids, logger }

  // The month's message quota, kept briefly: the console's widget, estimates and the engine.
  const quota = createQuotaReader({ messenger, clock, logger })
  // Segments, broadcasts and the engine; chunks reach a sender the way this runtime dispatches jobs.
  const broadcasting = composeBroadcasts({
    ...shared,
    quota,
    messenger,
    dispatch: (broadcastId) => ports.jobs.dispatchBroadcast(broadcastId),
    startPlan: (broadcastId, token) => ports.jobs.startBroadcastPlan(broadcastId, token),
  })

  const { processorDeps, webhook } = composeWebhook({
    ports,
    repositories,
    uow,
    messenger,
    links,
    support,
    survey: surveys.deps,
    faq: faqAnswerer,
    texts: shopTexts,
    relay,
    eventStore,
  })

  const services: Services = {
    ...composeShopServices({
      config,
      db,
      repositories,
      uow,
      messenger,
      login,
      cardKey,
      shopTexts,
      links,
      clock,
      ids,
    }),
    logger,
    webhook,
    segments: broadcasting.segments,
    broadcasts: broadcasting.broadcasts,
    quota: createQuotaService(quota),
    journeys: journeys.service,
    surveys: surveys.service,
    support: support.service,
    referrals: referrals.service,
    kpis: kpis.service,
    kpiInsights: composeKpiInsights({ db, atomic, quota, timeZone, now }),
    demoShop: composeDemoShop({
      ...shared,
      timeZone,
      sandbox: config.sandbox,
      rebuildKpis: () => kpis.service.rebuild(),
      rebuildSummary: ports.rebuildSummary,
    }),
    stamps: rewards.stamps,
    richMenu: richMenu.console,
    ...composeLoyalty({
      ...ports,
      repositories,
      uow,
      events: eventStore,
      cardKey,
      issuedNote: { outbox: outboxDeps, links },
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
      lineUnitStats: lineUnits.background,
    },
  }
}

export type Composition = ReturnType<typeof composeServices>
export type Background = Composition['background']
