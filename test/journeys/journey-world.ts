import type { JourneyDraft, JourneyList, JourneySummary } from '@joren/shared'
import { runJourneyUpkeep } from '../../server/src/compose/upkeep.ts'
import { silentLogger, webIds } from '../../server/src/domain/ports.ts'
import type { Api, TestClock, World } from '../auth/world.ts'
import type { JorenUnderTest } from '../support/joren-node.ts'

export interface Owner {
  token(): string
}

/** Sets the test clock to an instant given in shop time, e.g. at('2027-03-01T10:00'). */
export function setClock(clock: TestClock, jst: string): number {
  const target = Date.parse(`${jst}:00+09:00`)
  clock.offsetMs = target - Date.now()
  return target
}

/** One journeys upkeep pass (what the minute timer and the Workers cron run), after the relay. */
export async function tick(world: World, joren: JorenUnderTest = world.joren): Promise<void> {
  await settleEvents(joren)
  await runJourneyUpkeep({
    background: joren.server.background,
    clock: world.clock,
    ids: webIds,
    logger: silentLogger,
    timeZone: 'Asia/Tokyo',
  })
}

/** Hands every committed domain event to the subscribers (the processing drain does this too). */
export async function settleEvents(joren: JorenUnderTest): Promise<void> {
  for (let i = 0; i < 20; i++) if ((await joren.server.background.deliverEvents(500)) === 0) return
}

/** Pushes a stand-in user received whose text contains `marker` (journeys' own texts). */
export function pushesTo(world: World, userId: string, marker: string): unknown[] {
  return world.standIn
    .received(userId)
    .filter((r) => r.via === 'push' && JSON.stringify(r.message).includes(marker))
    .map((r) => r.message)
}

export function sql(joren: JorenUnderTest, statement: string, ...params: unknown[]): void {
  joren.server.database.sqlite.prepare(statement).run(...params)
}

/** Marketing consent for a member (the profile the mini-app would write). */
export function consent(joren: JorenUnderTest, memberId: number, at = 1): void {
  sql(
    joren,
    `insert into member_profiles (member_id, interests, marketing_choice, consent_updated_at, updated_at)
     values (?, '[]', 'in', ?, ?)
     on conflict (member_id) do update set marketing_choice = 'in', consent_updated_at = excluded.consent_updated_at`,
    memberId,
    at,
    at,
  )
}

export function memberOf(joren: JorenUnderTest, userId: string): { id: number; number: string } {
  const [row] = joren.rows<{ id: number; member_number: string }>(
    'select id, member_number from members where line_user_id = ?',
    userId,
  )
  if (!row) throw new Error('no member')
  return { id: row.id, number: row.member_number }
}

export async function listJourneys(api: Api, owner: Owner): Promise<JourneySummary[]> {
  const res = await api<JourneyList>('GET', '/api/staff/journeys', { token: owner.token() })
  if (res.status !== 200) throw new Error(`list: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.journeys
}

export async function switchOn(api: Api, owner: Owner, id: number): Promise<JourneySummary> {
  const res = await api<{ journey: JourneySummary }>('PUT', `/api/staff/journeys/${id}/enabled`, {
    token: owner.token(),
    body: { enabled: true },
  })
  if (res.status !== 200) throw new Error(`enable: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.journey
}

/** Switches a template on (as it is) and returns it. */
export async function template(api: Api, owner: Owner, key: string): Promise<JourneySummary> {
  const journey = (await listJourneys(api, owner)).find((j) => j.templateKey === key)
  if (!journey) throw new Error(`no template ${key}`)
  return switchOn(api, owner, journey.id)
}

/** A new journey, switched on. */
export async function journey(
  api: Api,
  owner: Owner,
  draft: JourneyDraft,
): Promise<JourneySummary> {
  const res = await api<{ journey: JourneySummary }>('POST', '/api/staff/journeys', {
    token: owner.token(),
    body: draft,
  })
  if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`)
  return switchOn(api, owner, res.body.journey.id)
}

export async function buy(
  world: World,
  owner: Owner,
  memberNumber: string,
  amountYen = 1000,
  categories: string[] = [],
): Promise<void> {
  const res = await world.api('POST', '/api/staff/register/purchases', {
    token: owner.token(),
    body: { memberNumber, amountYen, categories },
  })
  if (res.status !== 201) throw new Error(`purchase: ${res.status} ${JSON.stringify(res.body)}`)
  await settleEvents(world.joren)
}

export function runsOf(joren: JorenUnderTest, journeyId: number) {
  return joren.rows<{
    member_id: number
    status: string
    exit_reason: string | null
    next_step: number
  }>(
    'select member_id, status, exit_reason, next_step from journey_runs where journey_id = ? order by id',
    journeyId,
  )
}

export function logOf(joren: JorenUnderTest, journeyId: number) {
  return joren.rows<{ member_id: number; step: number; outcome: string; reason: string | null }>(
    'select member_id, step, outcome, reason from journey_step_log where journey_id = ? order by id',
    journeyId,
  )
}
