import type {
  ContactPolicy,
  CouponTemplate,
  JourneyDraftParsed,
  JourneyLift,
  JourneyList,
  JourneyPreviewResult,
  JourneyStep,
  JourneyStepStats,
  JourneySummary,
  JourneyTimeline,
} from '@joren/shared'
import { JourneyDraftSchema } from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import { isCouponSlot, renderMessages } from '../broadcasts/render.ts'
import { readContactPolicy, updateContactPolicy } from '../contact-policy/policy.ts'
import { computeLift } from '../lift/lift.ts'
import { surveyLinkMessage } from './engine.ts'
import type { SettingsStore } from '../shop/settings.ts'
import { DAY_MS } from './schedule.ts'
import type { JourneyDeps } from './engine.ts'
import {
  JourneyCouponMissing,
  JourneyMemberNotFound,
  JourneyNotFound,
  JourneySegmentMissing,
  JourneyTooManyMessages,
} from './errors.ts'
import type { StoredJourney } from './store.ts'
import { BIRTHDAY_COUPON, journeyTemplates } from './templates.ts'

export interface JourneyServiceDeps extends JourneyDeps {
  settings: SettingsStore
  segmentExists(id: number): Promise<boolean>
}

/** The staff console's journeys: templates, editing, on / off, counts, lift and timelines. */
export function createJourneysService(deps: JourneyServiceDeps) {
  const { store, uow } = deps
  const now = () => deps.clock.now()

  async function summarize(journey: StoredJourney): Promise<JourneySummary> {
    const [runs, steps, waiting, converted, redeemed] = await Promise.all([
      store.runCounts(journey.id),
      store.stepCounts(journey.id),
      store.waitingAt(journey.id),
      store.convertedAfter(journey.id),
      store.couponsRedeemed(journey.id),
    ])
    const stepStats: JourneyStepStats[] = journey.steps.map((_, step) => {
      const mine = steps.filter((s) => s.step === step)
      const skipped: Record<string, number> = {}
      for (const s of mine)
        if (s.outcome === 'skipped')
          skipped[s.reason ?? 'unknown'] = (skipped[s.reason ?? 'unknown'] ?? 0) + s.n
      const sent = mine.filter((s) => s.outcome === 'sent').reduce((a, s) => a + s.n, 0)
      const skippedTotal = Object.values(skipped).reduce((a, n) => a + n, 0)
      return {
        step,
        entered: sent + skippedTotal + (waiting.find((w) => w.step === step)?.n ?? 0),
        sent,
        skipped,
        deferred: mine.filter((s) => s.outcome === 'deferred').reduce((a, s) => a + s.n, 0),
        converted: converted.find((c) => c.step === step)?.n ?? 0,
        couponsRedeemed: redeemed.find((r) => r.step === step)?.n ?? 0,
      }
    })
    const count = (pred: (r: { status: string; exitReason: string | null }) => boolean) =>
      runs.filter(pred).reduce((a, r) => a + r.n, 0)
    const { triggerCursor: _cursor, ...rest } = journey
    return {
      ...rest,
      entered: count((r) => r.status !== 'holdout'),
      active: count((r) => r.status === 'active'),
      heldOut: count((r) => r.status === 'holdout'),
      converted: count((r) => r.exitReason === 'converted'),
      stepStats,
    }
  }

  async function load(id: number): Promise<StoredJourney> {
    const journey = await store.find(id)
    if (!journey) throw new JourneyNotFound()
    return journey
  }

  async function validate(draft: JourneyDraftParsed): Promise<void> {
    if (draft.audienceSegmentId !== null && !(await deps.segmentExists(draft.audienceSegmentId)))
      throw new JourneySegmentMissing()
    for (const [i, step] of draft.steps.entries()) {
      if (step.messages.length + (step.surveyId === null ? 0 : 1) > 5)
        throw new JourneyTooManyMessages(i)
      for (const m of step.messages) {
        if (m.type !== 'coupon') continue
        const template = await deps.coupons.coupons.findTemplate(m.templateId)
        if (!template || template.status !== 'active') throw new JourneyCouponMissing(m.templateId)
      }
    }
  }

  /** The six templates, created off the first time the list is read (one commit, first wins). */
  async function ensureTemplates(): Promise<void> {
    const have = new Set(await store.templateKeys())
    if (have.size >= 6) return
    const at = now()
    const couponId = await deps.coupons.coupons.nextTemplateId()
    const coupon: CouponTemplate = {
      id: couponId,
      kind: 'percent_off',
      title: BIRTHDAY_COUPON.title,
      conditions: BIRTHDAY_COUPON.conditions,
      imageUrl: null,
      value: BIRTHDAY_COUPON.percent,
      validity: 'days',
      validFrom: null,
      validUntil: null,
      validDays: BIRTHDAY_COUPON.validDays,
      totalLimit: null,
      perMemberLimit: 100,
      pointsCost: null,
      issuedCount: 0,
      status: 'active',
      createdAt: at,
      updatedAt: at,
    }
    const missing = journeyTemplates(couponId).filter((t) => !have.has(t.templateKey))
    const needsCoupon = missing.some((t) => t.templateKey === 'birthday')
    try {
      await uow.commit([
        ...(needsCoupon ? [deps.coupons.coupons.createTemplateWrite(coupon)] : []),
        ...missing.map(({ templateKey, ...draft }) =>
          store.createWrite(JourneyDraftSchema.parse(draft), {
            templateKey,
            staffId: null,
            now: at,
          }),
        ),
      ])
    } catch (error) {
      // A concurrent first read created them (UNIQUE template key / coupon ID): theirs stand.
      if ((await store.templateKeys()).length < 6) throw error
    }
  }

  return {
    async list(): Promise<JourneyList> {
      await ensureTemplates()
      const journeys = await store.list()
      return { journeys: await Promise.all(journeys.map(summarize)) }
    },
    async get(id: number): Promise<JourneySummary> {
      return summarize(await load(id))
    },
    async create(actor: StaffActor, draft: JourneyDraftParsed): Promise<JourneySummary> {
      await validate(draft)
      const at = now()
      await uow.commit([
        store.createWrite(draft, { templateKey: null, staffId: actor.id, now: at }),
        uow.audit({
          staffId: actor.id,
          action: 'journey.create',
          targetType: 'journey',
          targetId: store.insertedId(),
          before: null,
          after: draft,
        }),
      ])
      const created = await store.findCreated(actor.id, draft.name, at)
      if (!created) throw new JourneyNotFound()
      return summarize(created)
    },
    async update(
      actor: StaffActor,
      id: number,
      draft: JourneyDraftParsed,
    ): Promise<JourneySummary> {
      const before = await load(id)
      await validate(draft)
      await uow.commit([
        store.updateWrite(id, draft, now()),
        uow.audit({
          staffId: actor.id,
          action: 'journey.update',
          targetType: 'journey',
          targetId: String(id),
          before,
          after: draft,
        }),
      ])
      return summarize(await load(id))
    },
    async setEnabled(actor: StaffActor, id: number, enabled: boolean): Promise<JourneySummary> {
      const before = await load(id)
      if (enabled) await validate(before)
      const at = now()
      // Triggers look from now on (the birthday pass: today's birthdays too); event triggers act
      // on events recorded from now.
      const cursor = enabled && before.trigger.kind === 'birthday' ? at - DAY_MS : at
      await uow.commit([
        store.setEnabledWrite(id, enabled, cursor, at),
        uow.audit(
          {
            staffId: actor.id,
            action: enabled ? 'journey.enable' : 'journey.disable',
            targetType: 'journey',
            targetId: String(id),
            before: { enabled: before.enabled },
            after: { enabled },
          },
          { onlyIfChanged: true },
        ),
      ])
      return summarize(await load(id))
    },
    async lift(id: number): Promise<JourneyLift> {
      const journey = await load(id)
      const { entered, heldOut } = await store.outcomes(id, journey.goal.days * DAY_MS)
      return {
        journeyId: id,
        days: journey.goal.days,
        entered,
        heldOut,
        lift: computeLift(entered, heldOut),
      }
    },
    async timeline(memberNumber: string): Promise<JourneyTimeline> {
      const memberId = await store.memberIdByNumber(memberNumber)
      if (memberId === null) throw new JourneyMemberNotFound()
      return { entries: await store.timeline(memberId, 200) }
    },
    /**
     * Every step's messages as this member would get them now (no coupon is issued): the saved
     * steps, or the editor's unsaved ones.
     */
    async preview(
      id: number,
      memberNumber: string,
      draftSteps?: JourneyStep[],
    ): Promise<JourneyPreviewResult> {
      const journey = await load(id)
      const memberId = await store.memberIdByNumber(memberNumber)
      if (memberId === null) throw new JourneyMemberNotFound()
      const facts = await store.memberFacts(memberId, now())
      return {
        steps: await Promise.all(
          (draftSteps ?? journey.steps).map(async (step, i) => {
            const coupon = step.messages.find((m) => m.type === 'coupon')
            const title = coupon
              ? ((await deps.coupons.coupons.findTemplate(coupon.templateId))?.title ?? null)
              : null
            const messages = renderMessages(step.messages, {
              name: facts?.name ?? null,
              points: facts?.points ?? null,
              tier: facts?.tier ?? null,
              coupon: title,
            }).map((m) =>
              isCouponSlot(m) ? { type: 'coupon_preview', title: title ?? 'クーポン' } : m,
            )
            const out: unknown[] = [...messages]
            if (step.surveyId !== null) out.push(surveyLinkMessage(deps.links, step.surveyId))
            return { step: i, messages: out }
          }),
        ),
      }
    },
    policy: (): Promise<ContactPolicy> => readContactPolicy(deps.settings),
    updatePolicy: (actor: StaffActor, next: ContactPolicy): Promise<ContactPolicy> =>
      updateContactPolicy({ settings: deps.settings, uow, now }, actor, next),
  }
}

export type JourneysService = ReturnType<typeof createJourneysService>
