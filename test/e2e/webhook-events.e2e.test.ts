import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, launchBrowser, openPage, openStaffConsole, screenshot } from './browser.ts'
import { startSandboxServer, type SandboxServer } from './sandbox-server.ts'

const EVENTUALLY = { timeout: 15_000 }

let server: SandboxServer
let browser: Browser

beforeAll(async () => {
  ;[server, browser] = await Promise.all([startSandboxServer(), launchBrowser()])
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

/**
 * An event the webhook parked on arrival (an unknown type), stored as the webhook stores it: the
 * database raises its staff alert (trigger). The webhook path itself is tested in test/webhook/.
 */
function parkedEvent(event: Record<string, unknown>, reason: string) {
  const now = Date.now()
  server.write(
    `INSERT INTO webhook_events (event_id, type, line_user_id, reply_token, event_at, is_redelivery,
       payload, received_at, next_attempt_at, status, last_error, processed_at)
     VALUES (?, ?, NULL, NULL, ?, 0, ?, ?, ?, 'parked', ?, ?)`,
    String(event.webhookEventId),
    String(event.type),
    now,
    JSON.stringify(event),
    now,
    now,
    reason,
    now,
  )
}

describe('LINE events not handled, in the staff console', () => {
  it('shows a parked event with its alert, reason and payload to the owner, under the CSP', async () => {
    parkedEvent(
      {
        type: 'greatNewFeature',
        mode: 'active',
        timestamp: Date.now(),
        source: { type: 'user', userId: 'U' + '1'.repeat(32) },
        webhookEventId: '01E2EPARKED0000000000000AA',
        deliveryContext: { isRedelivery: false },
        greatNewField: { answer: 42 },
      },
      'このバージョンが知らない種類のイベント（greatNewFeature）です',
    )

    const { context, page, errors } = await openPage(browser, DESKTOP)
    const staff = await openStaffConsole(page, server.url)
    await staff.goto(`${server.url}/staff/alerts`)
    const alerts = staff.getByTestId('alerts')
    await alerts.getByText('LINE イベント').first().waitFor(EVENTUALLY)
    await expect
      .poll(() => alerts.textContent())
      .toContain('このバージョンが知らない種類のイベント（greatNewFeature）です')
    const section = staff.getByTestId('webhook-events')
    const event = section.getByTestId('webhook-event').first()
    await event.waitFor(EVENTUALLY)
    expect(await event.textContent()).toContain('greatNewFeature')
    expect(await event.textContent()).toContain('保留')
    await event.getByText('届いた内容').click()
    await expect.poll(() => event.locator('pre').textContent()).toContain('"greatNewField"')
    await screenshot(staff, 'staff-webhook-events')

    // The policy is live in the browser: an injected inline script does not run, and is reported.
    const ran = await staff.evaluate(() => {
      const script = document.createElement('script')
      script.textContent = 'window.__injected = true'
      document.body.append(script)
      return (window as unknown as { __injected?: boolean }).__injected === true
    })
    expect(ran).toBe(false)
    await expect
      .poll(() => errors.filter((e) => e.includes('CSP violation: script-src')).length)
      .toBe(1)
    // Chrome also logs that refusal to the console; nothing else went wrong.
    const injected = (e: string) =>
      e.includes('CSP violation: script-src') || e.includes('Executing inline script violates')
    expect(errors.filter((e) => !injected(e))).toEqual([])
    await context.close()
  }, 60_000)
})
