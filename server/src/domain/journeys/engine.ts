import type { ContactPolicy, JourneyStep } from '@joren/shared'
import { renderMessages, isCouponSlot } from '../broadcasts/render.ts'
import { localeOf } from '../chat/texts.ts'
import { CAP_WINDOW_MS, quietHoursEnd, type ContactStore } from '../contact-policy/policy.ts'
import { couponCard } from '../coupons/chat.ts'
import { issueCoupon, type CouponDeps } from '../coupons/coupons.ts'
import { DomainError } from '../errors.ts'
import { liffUrl, type AppLinks } from '../links.ts'
import type { LineMessage } from '../messaging/messenger.ts'
import type { NewOutboxItem, OutboxRepository } from '../messaging/outbox.ts'
import { journeyStepUnit } from '../line-stats/units.ts'
import type { Clock, Ids, Logger } from '../ports.ts'
import type { StaffAlertStore } from '../support/ports.ts'
import type { SurveyRepository } from '../surveys/store.ts'
import type { UnitOfWork, Write } from '../unit-of-work.ts'
import { isJourneyHoldout } from './holdout.ts'
import { birthdaysOn, DAY_MS, passDates, startOfLocalDay, stepDueAt } from './schedule.ts'
import { addDays } from '../time.ts'
import type {
  Advance,
  ClaimedRun,
  JourneyStore,
  MemberFacts,
  RunAdvance,
  StepLogEntry,
  StoredJourney,
} from './store.ts'

export interface JourneyDeps {
  store: JourneyStore
  contacts: ContactStore
  /** The shop's contact policy, read once per tick. */
  policy(): Promise<ContactPolicy>
  outbox: OutboxRepository
  /** Staff alerts (the low-score journeys raise one instead of pushing to the member). */
  alerts: Pick<StaffAlertStore, 'raiseWrite'>
  /** The surveys' responses: a low score is the survey's own (one definition, one alert). */
  surveys: Pick<SurveyRepository, 'response' | 'find' | 'version'>
  coupons: CouponDeps
  uow: UnitOfWork
  links: AppLinks
  clock: Clock
  ids: Ids
  logger: Logger
  timeZone: string
}

/** A claimed run is its scheduler's for this long; a crash frees it for the next tick after. */
export const RUN_LEASE_MS = 2 * 60_000
/** Runs handled per claim (a tick claims again until nothing is due or its budget is spent). */
export const RUNS_PER_CLAIM = 500
/** Members entered per statement by the trigger passes. */
const ENTER_BATCH = 500

/**
 * Gives the event loop a turn between a pass's pages: better-sqlite3 answers synchronously, so
 * without it a pass over a million members would hold the loop for its whole length (requests,
 * timers and the webhook wait). A macrotask, on Node and on workerd.
 */
export const breathe = (): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, 0)
  })

export const SCHEDULED_TRIGGERS = [
  'birthday',
  'dormant',
  'purchase_cycle',
  'points_expiring',
  'coupon_expiring',
  'tier_drop',
] as const

export interface Entry {
  memberId: number
  occurrence: string
  enteredAt: number
}

/**
 * Enters members into a journey, once per occurrence (the UNIQUE key decides): only members who
 * follow the account and are in the audience; the holdout draw parks its share as 'holdout'
 * runs (counted in the lift report, sent nothing). Returns how many runs are new.
 */
export async function enterMembers(
  deps: JourneyDeps,
  journey: StoredJourney,
  entries: Entry[],
): Promise<number> {
  if (entries.length === 0 || !journey.enabled) return 0
  const first = journey.steps[0]
  if (!first) return 0
  const now = deps.clock.now()
  const ids = entries.map((e) => e.memberId)
  // Following now; marketing consent is checked when each step is due (a newcomer may give it
  // between the follow and day 1).
  let allowed = await deps.store.following(ids)
  if (journey.audienceSegmentId !== null && allowed.size > 0)
    allowed = await deps.store.inSegment(journey.audienceSegmentId, [...allowed], {
      now,
      timeZone: deps.timeZone,
    })
  const runs = entries
    .filter((e) => allowed.has(e.memberId))
    .map((e) => {
      const held = isJourneyHoldout(e.memberId, journey.id, journey.holdoutPercent)
      return {
        journeyId: journey.id,
        memberId: e.memberId,
        occurrence: e.occurrence,
        status: held ? ('holdout' as const) : ('active' as const),
        enteredAt: e.enteredAt,
        scheduledAt: held ? null : stepDueAt(e.enteredAt, first.wait, deps.timeZone),
        now,
      }
    })
  return runs.length === 0 ? 0 : deps.store.enter(runs)
}

/**
 * The scheduled triggers' pass for one journey: from its cursor (the last pass) to now, over an
 * index — birthdays by date, dormant members by their last purchase, purchase cycles by the
 * expected next purchase. Idempotent: two passes at once enter each member once (UNIQUE key).
 */
export async function runTriggerPass(deps: JourneyDeps, journey: StoredJourney): Promise<number> {
  const now = deps.clock.now()
  const { trigger } = journey
  let entered = 0
  const enterAll = async (entries: Entry[]) => {
    entered += await enterMembers(deps, journey, entries)
    await breathe()
  }
  switch (trigger.kind) {
    case 'birthday': {
      for (const date of passDates(journey.triggerCursor, now, deps.timeZone)) {
        const birthday = addDays(date, trigger.daysBefore)
        const year = birthday.slice(0, 4)
        const enteredAt = startOfLocalDay(date, deps.timeZone)
        let after = 0
        for (;;) {
          const page = await deps.store.birthdayMembers(birthdaysOn(birthday), after, ENTER_BATCH)
          if (page.length === 0) break
          await enterAll(
            page.map((m) => ({ memberId: m.memberId, occurrence: `birthday:${year}`, enteredAt })),
          )
          after = page[page.length - 1]?.memberId ?? after
          if (page.length < ENTER_BATCH) break
        }
      }
      break
    }
    case 'dormant': {
      const span = trigger.days * DAY_MS
      const from = (journey.triggerCursor ?? now) - span
      let after = { at: from, memberId: 0 }
      for (;;) {
        const page = await deps.store.dormantMembers(from, now - span, after, ENTER_BATCH)
        if (page.length === 0) break
        await enterAll(
          page.map((m) => ({
            memberId: m.memberId,
            occurrence: `dormant:${m.lastPurchaseAt}`,
            enteredAt: m.lastPurchaseAt + span,
          })),
        )
        const last = page[page.length - 1]
        if (!last || page.length < ENTER_BATCH) break
        after = { at: last.lastPurchaseAt, memberId: last.memberId }
      }
      break
    }
    case 'purchase_cycle': {
      const margin = trigger.marginDays * DAY_MS
      const from = (journey.triggerCursor ?? now) - margin
      let after = { at: from, memberId: 0 }
      for (;;) {
        const page = await deps.store.cycleMembers(
          from,
          now - margin,
          trigger.minPurchases,
          after,
          ENTER_BATCH,
        )
        if (page.length === 0) break
        await enterAll(
          page.map((m) => ({
            memberId: m.memberId,
            occurrence: `cycle:${m.lastPurchaseAt}`,
            enteredAt: m.expectedNextAt + margin,
          })),
        )
        const last = page[page.length - 1]
        if (!last || page.length < ENTER_BATCH) break
        after = { at: last.expectedNextAt, memberId: last.memberId }
      }
      break
    }
    case 'points_expiring': {
      // Expiries in (cursor + N days, now + N days]: each enters N days before, once per instant.
      const lead = trigger.daysBefore * DAY_MS
      const from = (journey.triggerCursor ?? now) + lead
      let after = { at: from, memberId: 0 }
      for (;;) {
        const page = await deps.store.expiringPoints(from, now + lead, after, ENTER_BATCH)
        if (page.length === 0) break
        await enterAll(
          page.map((p) => ({
            memberId: p.memberId,
            occurrence: `points:${p.expiresAt}`,
            enteredAt: p.expiresAt - lead,
          })),
        )
        const last = page[page.length - 1]
        if (!last || page.length < ENTER_BATCH) break
        after = { at: last.expiresAt, memberId: last.memberId }
      }
      break
    }
    case 'coupon_expiring': {
      const lead = trigger.daysBefore * DAY_MS
      const from = (journey.triggerCursor ?? now) + lead
      let after = { at: from, couponId: 0 }
      for (;;) {
        const page = await deps.store.expiringCoupons(from, now + lead, after, ENTER_BATCH)
        if (page.length === 0) break
        await enterAll(
          page.map((c) => ({
            memberId: c.memberId,
            occurrence: `coupon:${c.couponId}`,
            enteredAt: c.expiresAt - lead,
          })),
        )
        const last = page[page.length - 1]
        if (!last || page.length < ENTER_BATCH) break
        after = { at: last.expiresAt, couponId: last.couponId }
      }
      break
    }
    case 'tier_drop': {
      // Tier drops in (cursor + N days, now + N days].
      const lead = trigger.daysBefore * DAY_MS
      entered += await enterTierDrops(
        deps,
        journey,
        (journey.triggerCursor ?? now) + lead,
        now + lead,
      )
      break
    }
    default:
      return 0
  }
  await deps.store.advanceCursor(journey.id, now)
  return entered
}

/**
 * Members whose tier drops in (from, to] enter the tier-drop journey N days before the instant
 * their tier would fall, once per instant (a purchase moves the instant later: a new occurrence),
 * paged by (instant, member) over the summary's index.
 */
export async function enterTierDrops(
  deps: JourneyDeps,
  journey: StoredJourney,
  from: number,
  to: number,
  /** Catch-up after a threshold edit: members already reminded of their (old) drop are left out. */
  catchUp = false,
): Promise<number> {
  if (journey.trigger.kind !== 'tier_drop') return 0
  const lead = journey.trigger.daysBefore * DAY_MS
  // A member entered for an instant that has not passed yet (entered N days before it) already
  // has her reminder; a moved instant must not send a second one.
  const unlessEntered = catchUp ? { journeyId: journey.id, since: from - lead } : undefined
  let entered = 0
  let after = { at: from, memberId: 0 }
  for (;;) {
    const page = await deps.store.tierDropMembers(from, to, after, ENTER_BATCH, unlessEntered)
    if (page.length === 0) break
    entered += await enterMembers(
      deps,
      journey,
      page.map((m) => ({
        memberId: m.memberId,
        occurrence: `tierdrop:${m.dropsAt}`,
        enteredAt: m.dropsAt - lead,
      })),
    )
    await breathe()
    const last = page[page.length - 1]
    if (!last || page.length < ENTER_BATCH) break
    after = { at: last.dropsAt, memberId: last.memberId }
  }
  return entered
}

export interface TickResult {
  entered: number
  sent: number
  skipped: number
  deferred: number
  exited: number
}

/**
 * One scheduler tick (Node's minute timer and the Workers cron run this same function): the
 * scheduled triggers' passes, then every due step — claimed by one statement so two schedulers
 * never share a run — decided under the contact policy and, when it goes, enqueued in the message
 * outbox with its log row, its contact record and the run's next step in ONE commit. The outbox
 * row's UNIQUE key (`journey:<run>:<step>`) and the log's (run, step) key make a step go once
 * whatever the races, restarts or crashes; the outbox's retry key carries it to LINE once.
 */
export async function runJourneyTick(deps: JourneyDeps, budget = 20_000): Promise<TickResult> {
  const result: TickResult = { entered: 0, sent: 0, skipped: 0, deferred: 0, exited: 0 }
  const journeys = await deps.store.enabled()
  for (const journey of journeys)
    if ((SCHEDULED_TRIGGERS as readonly string[]).includes(journey.trigger.kind))
      result.entered += await runTriggerPass(deps, journey)
  if (!(await deps.store.anyDue(deps.clock.now()))) return result
  const byId = new Map((await deps.store.list()).map((j) => [j.id, j]))
  const policy = await deps.policy()
  let handled = 0
  while (handled < budget) {
    const claimed = await deps.store.claimDue(deps.clock.now(), RUN_LEASE_MS, RUNS_PER_CLAIM)
    if (claimed.length === 0) break
    handled += claimed.length
    // Two pushes due for one member at once: the higher priority goes first (and takes the cap).
    claimed.sort(
      (a, b) =>
        (byId.get(b.journeyId)?.priority ?? 0) - (byId.get(a.journeyId)?.priority ?? 0) ||
        (a.nextDueAt ?? 0) - (b.nextDueAt ?? 0),
    )
    const outcomes = await runSteps(deps, policy, byId, claimed)
    for (const outcome of outcomes) result[outcome] += 1
  }
  return result
}

type StepOutcome = 'sent' | 'skipped' | 'deferred' | 'exited'

/**
 * A claimed batch commits once (one transaction on SQLite, one D1 batch on Workers) with one
 * statement per table, unless its outbox rows' messages pass this many bytes of JSON first (the
 * rows travel as one bound parameter; D1 caps a value at 2 MB): then it commits in parts.
 */
export const BATCH_MESSAGE_BYTES = 512_000

function conditionHolds(step: JourneyStep, facts: MemberFacts): boolean {
  switch (step.condition) {
    case 'always':
      return true
    case 'purchased_since_start':
      return facts.purchasedSince
    case 'not_purchased_since_start':
      return !facts.purchasedSince
  }
}

function advanceAfter(deps: JourneyDeps, journey: StoredJourney, run: ClaimedRun): Advance {
  const next = journey.steps[run.nextStep + 1]
  if (!next) return { kind: 'completed' }
  const base = run.scheduledAt ?? deps.clock.now()
  const due = stepDueAt(base, next.wait, deps.timeZone)
  return { kind: 'next', nextStep: run.nextStep + 1, scheduledAt: due, nextDueAt: due }
}

/**
 * A claimed chunk of due runs, set-based: the members' facts in one query, each audience once per
 * journey, the weekly cap's counts in one query; each run is decided in memory (the cap counts the
 * pushes this chunk plans, in priority order) and the writes commit once per claimed batch, one
 * statement per table (see BATCH_MESSAGE_BYTES).
 * Only a coupon card issues its coupon on its own (its own idempotent commit, keyed by run and step).
 */
async function runSteps(
  deps: JourneyDeps,
  policy: ContactPolicy,
  byId: Map<number, StoredJourney>,
  runs: ClaimedRun[],
): Promise<StepOutcome[]> {
  const { store } = deps
  const now = deps.clock.now()
  const facts = await store.memberFactsMany(
    runs.map((r) => ({ runId: r.id, memberId: r.memberId, since: r.enteredAt })),
  )
  // Audiences: one membership query per journey with a segment.
  const inAudience = new Map<number, Set<number>>()
  for (const [journeyId, journey] of byId) {
    if (journey.audienceSegmentId === null) continue
    const ids = runs.filter((r) => r.journeyId === journeyId).map((r) => r.memberId)
    if (ids.length === 0) continue
    inAudience.set(
      journeyId,
      await store.inSegment(journey.audienceSegmentId, ids, { now, timeZone: deps.timeZone }),
    )
  }
  const quietUntil = quietHoursEnd(now, policy, deps.timeZone)
  const recent =
    policy.weeklyCap > 0 && quietUntil === null
      ? await deps.contacts.countsSince(
          [...new Set(runs.map((r) => r.memberId))],
          now - CAP_WINDOW_MS + 1,
        )
      : new Map<number, number>()

  const outcomes: StepOutcome[] = []
  let batch = emptyBatch()
  const flush = async () => {
    const writes = batchWrites(deps, batch, now)
    if (writes.length > 0) await deps.uow.commit(writes)
    batch = emptyBatch()
  }
  for (const run of runs) {
    const outcome = await planStep(deps, policy, batch, {
      journey: byId.get(run.journeyId) ?? null,
      run,
      facts: facts.get(run.id) ?? null,
      audience: inAudience.get(run.journeyId) ?? null,
      quietUntil,
      recent,
      now,
    })
    outcomes.push(outcome)
    if (batch.messageBytes >= BATCH_MESSAGE_BYTES) await flush()
  }
  await flush()
  return outcomes
}

/** One commit's planned changes, gathered per table: each becomes one statement. */
interface Batch {
  logs: StepLogEntry[]
  sends: (NewOutboxItem & { retryKey: string; now: number })[]
  contacts: { memberId: number; at: number; source: string; ref: string }[]
  advances: RunAdvance[]
  defers: { runId: number; step: number; until: number }[]
  ends: { runId: number; reason: string }[]
  /** The JSON size of the outbox rows' messages so far. */
  messageBytes: number
}

const emptyBatch = (): Batch => ({
  logs: [],
  sends: [],
  contacts: [],
  advances: [],
  defers: [],
  ends: [],
  messageBytes: 0,
})

/**
 * A batch's statements, in the order one run's writes always had: log rows, outbox rows, contact
 * records, then the runs' changes (all in one commit: all or none).
 */
function batchWrites(deps: JourneyDeps, batch: Batch, now: number): Write[] {
  const writes: Write[] = []
  if (batch.logs.length > 0) writes.push(deps.store.logsWrite(batch.logs))
  if (batch.sends.length > 0) writes.push(deps.outbox.enqueueManyWrite(batch.sends))
  if (batch.contacts.length > 0) writes.push(deps.contacts.recordManyWrite(batch.contacts))
  if (batch.advances.length > 0) writes.push(deps.store.advancesWrite(batch.advances, now))
  if (batch.defers.length > 0) writes.push(deps.store.defersWrite(batch.defers))
  if (batch.ends.length > 0) writes.push(deps.store.endsWrite(batch.ends, now))
  return writes
}

/** Decides one due run's step and adds its changes to the batch. */
async function planStep(
  deps: JourneyDeps,
  policy: ContactPolicy,
  batch: Batch,
  ctx: {
    journey: StoredJourney | null
    run: ClaimedRun
    facts: MemberFacts | null
    audience: Set<number> | null
    quietUntil: number | null
    /** Marketing pushes in the cap window per member, this chunk's planned sends added. */
    recent: Map<number, number>
    now: number
  },
): Promise<StepOutcome> {
  const { journey, run, facts, now } = ctx
  const end = (reason: string) => {
    batch.ends.push({ runId: run.id, reason })
    return 'exited' as const
  }
  if (!journey || !journey.enabled) return end('journey_off')
  const step = journey.steps[run.nextStep]
  if (!step) {
    batch.advances.push({
      runId: run.id,
      step: run.nextStep,
      advance: { kind: 'completed' },
      sentStep: null,
    })
    return 'exited'
  }
  if (!facts || !facts.following) return end('blocked')
  // Consent withdrawn after entry ends the run; never given (yet) skips this step, recorded.
  if (!facts.sendable && facts.consentUpdatedAt !== null && facts.consentUpdatedAt > run.enteredAt)
    return end('no_consent')
  if (journey.goal.kind === 'purchase' && facts.purchasedSince) return end('converted')
  if (ctx.audience !== null && !ctx.audience.has(run.memberId)) return end('left_audience')
  const log = (outcome: 'sent' | 'skipped' | 'deferred', reason: string | null, extra = {}) =>
    batch.logs.push({
      runId: run.id,
      journeyId: run.journeyId,
      memberId: run.memberId,
      step: run.nextStep,
      outcome,
      reason,
      outboxKey: null,
      couponId: null,
      at: now,
      ...extra,
    })
  const advance = advanceAfter(deps, journey, run)
  const skip = (reason: string) => {
    log('skipped', reason)
    batch.advances.push({ runId: run.id, step: run.nextStep, advance, sentStep: null })
    return 'skipped' as const
  }
  if (!facts.sendable) return skip('no_consent')
  if (!conditionHolds(step, facts)) return skip('condition')
  // The contact policy: quiet hours defer (not counted), then the weekly cap skips.
  if (ctx.quietUntil !== null) {
    log('deferred', 'quiet_hours')
    batch.defers.push({ runId: run.id, step: run.nextStep, until: ctx.quietUntil })
    return 'deferred'
  }
  if (policy.weeklyCap > 0) {
    const count = ctx.recent.get(run.memberId) ?? 0
    if (count >= policy.weeklyCap) return skip('frequency_cap')
    ctx.recent.set(run.memberId, count + 1)
  }
  const { messages, couponId } = await stepMessages(deps, journey, run, step, facts)
  const outboxKey = `journey:${run.id}:${run.nextStep}`
  log('sent', couponId === false ? 'coupon_unavailable' : null, {
    outboxKey,
    couponId: typeof couponId === 'number' ? couponId : null,
  })
  batch.messageBytes += JSON.stringify(messages).length
  batch.sends.push({
    dedupeKey: outboxKey,
    lineUserId: facts.lineUserId,
    replyToken: null,
    replyTokenExpiresAt: null,
    messages,
    retryKey: deps.ids.uuid(),
    now,
    // One aggregation unit per journey step: LINE counts its opens and clicks.
    aggregationUnit: journeyStepUnit(journey.id, run.nextStep),
  })
  batch.contacts.push({ memberId: run.memberId, at: now, source: 'journey', ref: outboxKey })
  batch.advances.push({ runId: run.id, step: run.nextStep, advance, sentStep: run.nextStep })
  return 'sent'
}

/**
 * The step's LINE messages for this member: the composer's messages rendered with their values;
 * a coupon card issues the member's coupon once per (run, step) — `false` when it could not be
 * issued (archived, out of stock): the rest still goes, and the log says why.
 */
async function stepMessages(
  deps: JourneyDeps,
  journey: StoredJourney,
  run: ClaimedRun,
  step: JourneyStep,
  facts: MemberFacts,
): Promise<{ messages: LineMessage[]; couponId: number | false | null }> {
  let couponId: number | false | null = null
  const out: LineMessage[] = []
  const couponStep = step.messages.find((m) => m.type === 'coupon')
  let couponTitle: string | null = null
  let card: LineMessage | null = null
  if (couponStep) {
    try {
      const coupon = await issueCoupon(deps.coupons, {
        templateId: couponStep.templateId,
        memberId: run.memberId,
        source: 'automation',
        sourceRef: `journey:${journey.id}:step:${run.nextStep}`,
        dedupeKey: `journey:${run.id}:${run.nextStep}`,
      })
      couponId = coupon.id
      couponTitle = coupon.title
      card = couponCard(coupon, deps.links, localeOf(facts.language))
    } catch (error) {
      if (!(error instanceof DomainError)) throw error
      deps.logger.warn('journey coupon not issued', {
        journeyId: journey.id,
        step: run.nextStep,
        reason: error.code,
      })
      couponId = false
    }
  }
  for (const message of renderMessages(step.messages, {
    name: facts.name,
    points: facts.points,
    tier: facts.tier,
    coupon: couponTitle,
  })) {
    if (isCouponSlot(message)) {
      if (card) out.push(card)
    } else out.push(message)
  }
  if (step.surveyId !== null) out.push(surveyLinkMessage(deps.links, step.surveyId))
  return { messages: out.slice(0, 5), couponId }
}

/** A step's survey link: the mini-app's survey page, after the step's messages. */
export function surveyLinkMessage(links: AppLinks, surveyId: number): LineMessage {
  return {
    type: 'text',
    text: `アンケートへのご協力をお願いします（1分ほどで終わります）。\n${liffUrl(links, `surveys/${surveyId}`)}`,
  }
}
