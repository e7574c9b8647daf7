import type {
  ContactPolicy,
  JourneyDraftParsed,
  JourneyLift,
  JourneyList,
  JourneyPreviewResult,
  JourneyStep,
  JourneySummary,
  JourneyTimeline,
} from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import { readContactPolicy, updateContactPolicy } from '../contact-policy/policy.ts'
import { computeLift } from '../lift/lift.ts'
import type { SettingsStore } from '../shop/settings.ts'
import { ensureTemplates, validateDraft } from './drafts.ts'
import type { JourneyDeps } from './engine.ts'
import { JourneyMemberNotFound, JourneyNotFound } from './errors.ts'
import { previewSteps } from './preview.ts'
import { DAY_MS } from './schedule.ts'
import type { StoredJourney } from './store.ts'
import { summarizeJourney } from './summary.ts'

export interface JourneyServiceDeps extends JourneyDeps {
  settings: SettingsStore
  segmentExists(id: number): Promise<boolean>
}

/** The staff console's journeys: templates, editing, on / off, counts, lift and timelines. */
export function createJourneysService(deps: JourneyServiceDeps) {
  const { store, uow } = deps
  const now = () => deps.clock.now()

  const summarize = (journey: StoredJourney) => summarizeJourney(store, journey)

  async function load(id: number): Promise<StoredJourney> {
    const journey = await store.find(id)
    if (!journey) throw new JourneyNotFound()
    return journey
  }

  return {
    async list(): Promise<JourneyList> {
      await ensureTemplates(deps, now())
      const journeys = await store.list()
      return { journeys: await Promise.all(journeys.map((j) => summarize(j))) }
    },
    async get(id: number): Promise<JourneySummary> {
      return summarize(await load(id))
    },
    async create(actor: StaffActor, draft: JourneyDraftParsed): Promise<JourneySummary> {
      await validateDraft(deps, draft)
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
      await validateDraft(deps, draft)
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
      if (enabled) await validateDraft(deps, before)
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
      return previewSteps(deps, draftSteps ?? journey.steps, memberId, now())
    },
    policy: (): Promise<ContactPolicy> => readContactPolicy(deps.settings),
    updatePolicy: (actor: StaffActor, next: ContactPolicy): Promise<ContactPolicy> =>
      updateContactPolicy({ settings: deps.settings, uow, now }, actor, next),
  }
}

export type JourneysService = ReturnType<typeof createJourneysService>
