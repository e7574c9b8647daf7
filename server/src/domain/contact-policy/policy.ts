import { ContactPolicySchema, DEFAULT_CONTACT_POLICY, type ContactPolicy } from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import { localDate } from '../loyalty/dates.ts'
import type { SettingsStore } from '../shop/settings.ts'
import { addDays, startOfDayInZone } from '../time.ts'
import type { UnitOfWork, Write } from '../unit-of-work.ts'

/**
 * One contact policy for every marketing push (journeys; broadcasts can ask the same questions):
 * quiet hours in shop time (a push due at night is deferred to the end of the quiet hours) and a
 * frequency cap per member over any 7 days (a push over it is skipped). Service messages —
 * receipts, replies, the follow's free welcome, coupon notes a member asked for — never come here.
 */
export const CONTACT_POLICY_SETTING = 'contact_policy'
export const CAP_WINDOW_MS = 7 * 24 * 60 * 60_000

export interface ContactStore {
  /** Marketing pushes recorded for the member at or after `since`. */
  countSince(memberId: number, since: number): Promise<number>
  /** The same for many members in one query (members without any are absent). */
  countsSince(memberIds: number[], since: number): Promise<Map<number, number>>
  /** Records one marketing push (once per `ref`), planned with the send it counts. */
  recordWrite(contact: { memberId: number; at: number; source: string; ref: string }): Write
  /** Records many pushes in one statement (each once per `ref`). */
  recordManyWrite(
    contacts: readonly { memberId: number; at: number; source: string; ref: string }[],
  ): Write
}

export type ContactDecision =
  | { kind: 'send' }
  | { kind: 'defer'; until: number; reason: 'quiet_hours' }
  | { kind: 'skip'; reason: 'frequency_cap' }

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number]
  return h * 60 + m
}

/** Minutes since the shop-local midnight of `at`. */
function localMinutes(at: number, timeZone: string): number {
  return Math.floor((at - startOfDayInZone(localDate(at, timeZone), timeZone)) / 60_000)
}

/** The instant of HH:MM shop time on a shop-local date (wall-clock minutes after its midnight). */
export function atLocalTime(date: string, hhmm: string, timeZone: string): number {
  return startOfDayInZone(date, timeZone) + minutesOf(hhmm) * 60_000
}

/** When the quiet hours around `at` end (shop time), or null when `at` is outside them. */
export function quietHoursEnd(at: number, policy: ContactPolicy, timeZone: string): number | null {
  const start = minutesOf(policy.quietStart)
  const end = minutesOf(policy.quietEnd)
  if (start === end) return null
  const m = localMinutes(at, timeZone)
  const quiet = start < end ? m >= start && m < end : m >= start || m < end
  if (!quiet) return null
  const today = localDate(at, timeZone)
  // Before the end on the same local day (an early-morning push), else the next day's end.
  return atLocalTime(m < end ? today : addDays(today, 1), policy.quietEnd, timeZone)
}

export async function readContactPolicy(settings: SettingsStore): Promise<ContactPolicy> {
  const parsed = ContactPolicySchema.safeParse(await settings.get(CONTACT_POLICY_SETTING))
  return parsed.success ? parsed.data : DEFAULT_CONTACT_POLICY
}

/** PUT /api/staff/journeys/policy: the shop's contact policy; audited. */
export async function updateContactPolicy(
  deps: { settings: SettingsStore; uow: UnitOfWork; now(): number },
  actor: StaffActor,
  next: ContactPolicy,
): Promise<ContactPolicy> {
  const before = await readContactPolicy(deps.settings)
  await deps.uow.commit([
    deps.settings.putWrite(CONTACT_POLICY_SETTING, next, deps.now()),
    deps.uow.audit({
      staffId: actor.id,
      action: 'contact_policy.update',
      targetType: 'settings',
      targetId: CONTACT_POLICY_SETTING,
      before,
      after: next,
    }),
  ])
  return next
}

/**
 * Whether a marketing push to this member may go now: deferred in quiet hours (checked first, so a
 * deferred push is not counted against the cap until it goes), skipped over the weekly cap.
 */
export async function decideMarketingContact(
  deps: { contacts: ContactStore; timeZone: string },
  policy: ContactPolicy,
  memberId: number,
  now: number,
): Promise<ContactDecision> {
  const until = quietHoursEnd(now, policy, deps.timeZone)
  if (until !== null) return { kind: 'defer', until, reason: 'quiet_hours' }
  if (policy.weeklyCap > 0) {
    const recent = await deps.contacts.countSince(memberId, now - CAP_WINDOW_MS + 1)
    if (recent >= policy.weeklyCap) return { kind: 'skip', reason: 'frequency_cap' }
  }
  return { kind: 'send' }
}
