import type { JourneyPreviewResult, JourneySummary } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { claimOwner, TestClock, useWorld } from '../auth/world.ts'
import { consent, listJourneys, memberOf, setClock, settleEvents } from './journey-world.ts'

/**
 * What the console's journey editor relies on: a whole draft replaces a journey (validated by the
 * shared schema; a bad one is 400 with the field and changes nothing), and the preview renders
 * saved or unsaved steps with one member's real values, issuing nothing.
 */

const clock = new TestClock()
const world = useWorld(clock)

describe('the journey editor API (Node + SQLite)', () => {
  it('edits trigger and steps; a bad draft is refused with its field; the preview fills in the member', async () => {
    const owner = await claimOwner(world)
    setClock(clock, '2027-03-01T15:00')
    const user = await world.member('葵')
    const member = memberOf(world.joren, user.userId)
    consent(world.joren, member.id)
    await settleEvents(world.joren)
    const dormant = (await listJourneys(world.api, owner)).find((j) => j.templateKey === 'dormant')!

    // A bad draft: an unknown placeholder and a wait of 25 hours. 400, and nothing stored.
    const bad = await world.api<{ error: { details?: { path: string }[] } }>(
      'PUT',
      `/api/staff/journeys/${dormant.id}`,
      {
        token: owner.token(),
        body: {
          name: '休眠',
          trigger: { kind: 'dormant', days: 45 },
          steps: [
            {
              wait: { days: 0, hours: 25, at: null },
              messages: [{ type: 'text', text: '{nickname}さま' }],
            },
          ],
        },
      },
    )
    expect(bad.status).toBe(400)
    const paths = (bad.body.error.details ?? []).map((d) => String(d.path))
    expect(paths.some((p) => p.startsWith('steps.0.wait.hours'))).toBe(true)
    expect(paths.some((p) => p.startsWith('steps.0.messages.0.text'))).toBe(true)
    const [unchanged] = world.joren.rows<{ name: string }>(
      'select name from journeys where id = ?',
      dormant.id,
    )
    expect(unchanged!.name).toBe(dormant.name)

    // A good one: new trigger, a branch step and an "at HH:MM" step.
    const draft = {
      name: '45日ご来店がないお客様へ',
      trigger: { kind: 'dormant', days: 45 },
      steps: [
        {
          wait: { days: 0, hours: 0, at: '10:00' },
          messages: [
            { type: 'text', text: '{name}さま、お元気ですか。{points}ポイントお持ちです。' },
          ],
        },
        {
          wait: { days: 7, hours: 3, at: null },
          condition: 'not_purchased_since_start',
          messages: [{ type: 'text', text: 'まだご来店がない{name}さまへ' }],
        },
      ],
      goal: { kind: 'purchase', days: 21 },
      holdoutPercent: 10,
      priority: 70,
    }
    const saved = await world.api<{ journey: JourneySummary }>(
      'PUT',
      `/api/staff/journeys/${dormant.id}`,
      { token: owner.token(), body: draft },
    )
    expect(saved.status).toBe(200)
    expect(saved.body.journey).toMatchObject({
      name: draft.name,
      trigger: { kind: 'dormant', days: 45 },
      holdoutPercent: 10,
      priority: 70,
      goal: { kind: 'purchase', days: 21 },
    })
    expect(saved.body.journey.steps[1]).toMatchObject({
      wait: { days: 7, hours: 3, at: null },
      condition: 'not_purchased_since_start',
    })
    const audit = world.joren.rows<{ action: string }>(
      "select action from audit_log where action = 'journey.update' and target_id = ?",
      String(dormant.id),
    )
    expect(audit).toHaveLength(1)

    // Preview of the saved steps, and of unsaved ones (with a survey link), as 葵 would get them.
    const preview = await world.api<JourneyPreviewResult>(
      'POST',
      `/api/staff/journeys/${dormant.id}/preview`,
      { token: owner.token(), body: { memberNumber: member.number } },
    )
    expect(preview.status).toBe(200)
    expect(JSON.stringify(preview.body.steps[0]!.messages)).toContain(
      '葵さま、お元気ですか。0ポイント',
    )
    const unsaved = await world.api<JourneyPreviewResult>(
      'POST',
      `/api/staff/journeys/${dormant.id}/preview`,
      {
        token: owner.token(),
        body: {
          memberNumber: member.number,
          steps: [
            {
              wait: { days: 1, hours: 0, at: null },
              messages: [{ type: 'text', text: '下書きの{name}さま' }],
              surveyId: 7,
            },
          ],
        },
      },
    )
    expect(unsaved.status).toBe(200)
    expect(unsaved.body.steps).toHaveLength(1)
    const text = JSON.stringify(unsaved.body.steps[0]!.messages)
    expect(text).toContain('下書きの葵さま')
    expect(text).toContain('surveys/7')
    // Previewing sends and issues nothing.
    expect(world.joren.rows('select id from outbox where dedupe_key like ?', 'journey:%')).toEqual(
      [],
    )
    const badPreview = await world.api('POST', `/api/staff/journeys/${dormant.id}/preview`, {
      token: owner.token(),
      body: { memberNumber: member.number, steps: [{ wait: { days: -1 }, messages: [] }] },
    })
    expect(badPreview.status).toBe(400)
  })
})
