import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, launchBrowser, openPage, openStaffConsole, PHONE, screenshot } from './browser.ts'
import { contactAtAnyHour, startSandboxServer, type SandboxServer } from './sandbox-server.ts'

const EVENTUALLY = { timeout: 15_000 }
/** The composer's "every friend" audience (its label changes with the consent default). */
const AUDIENCE_ALL = /^友だち全員/

let server: SandboxServer
let browser: Browser

beforeAll(async () => {
  ;[server, browser] = await Promise.all([startSandboxServer(), launchBrowser()])
  await contactAtAnyHour(server)
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

const call = <T>(method: string, path: string, body?: unknown, token?: string) =>
  server.call<T>(method, path, body, token)

/** A customer follows the account and agrees to receive news. */
async function customer(displayName: string): Promise<void> {
  await server.optIn((await server.follow(displayName)).userId)
}

describe('the month’s message quota in the staff console', () => {
  it('shows used and left with a warning on the home (390 px and desktop) and what an over-quota send will do in the confirmation', async () => {
    // A free plan (200 a month) with 199 used: one message left.
    await call('PUT', '/sandbox/api/quota', { limit: 200, used: 199 })
    await Promise.all([customer('青木'), customer('石井'), customer('上田')])

    // The home on a phone: used, left and the warning, in Japanese.
    const phone = await openPage(browser, PHONE)
    const staff = await openStaffConsole(phone.page, server.url)
    const widget = staff.getByTestId('quota-widget')
    await widget.getByTestId('quota-meter').waitFor(EVENTUALLY)
    expect(await widget.getByTestId('quota-left').textContent()).toBe('残り 1 通')
    expect(await widget.getByTestId('quota-used').textContent()).toBe('199 / 200 通を使用')
    await widget.getByText('今月の通数の 99% を使いました。', { exact: false }).waitFor()
    expect(await widget.getByTestId('quota-meter').getAttribute('data-level')).toBe('near')
    const box = await widget.boundingBox()
    expect(box?.width ?? 0).toBeLessThanOrEqual(390)
    const overflow = await staff.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    )
    expect(overflow).toBeLessThanOrEqual(0)
    await screenshot(staff, 'quota-home-phone')

    // On a desktop, the composer's confirmation: three recipients, one message left.
    const desk = await openPage(browser, DESKTOP)
    const desktop = await openStaffConsole(desk.page, server.url)
    await desktop.getByTestId('quota-widget').getByTestId('quota-left').waitFor(EVENTUALLY)
    await screenshot(desktop, 'quota-home-desktop')
    const nav = desktop.getByRole('navigation', { name: 'メインメニュー' })
    await nav.getByRole('link', { name: '配信', exact: true }).click()
    await desktop.getByRole('link', { name: '新しい配信を作る' }).click()
    await desktop.getByRole('textbox', { name: /配信のタイトル/ }).fill('週末セールのお知らせ')
    await desktop.getByRole('textbox', { name: '本文' }).fill('今週末はセールです！')
    await desktop.getByRole('radio', { name: AUDIENCE_ALL }).check()
    await expect
      .poll(() => desktop.getByTestId('audience-sendable').textContent(), EVENTUALLY)
      .toBe('配信できるのは 3人です')
    await desktop.getByRole('button', { name: '送信内容を確認' }).click()
    const confirm = desktop.getByTestId('confirm-panel')
    await confirm.waitFor()
    expect(await confirm.getByTestId('confirm-recipients').textContent()).toBe('3人')
    expect(await confirm.getByTestId('quota-left').textContent()).toBe('残り 1 通')
    expect(await confirm.getByTestId('confirm-over-quota').textContent()).toContain(
      '友だち登録の早い会員から順に 1 人に送り、残りの 2 人には送らずに止めます',
    )
    const send = confirm.getByRole('button', { name: '送信する' })
    expect(await send.isDisabled()).toBe(true)
    await confirm.getByRole('checkbox').check()
    expect(await send.isDisabled()).toBe(false)
    await screenshot(confirm, 'quota-confirm-desktop')
    await send.click()

    // One went, the other two wait; the page says why, in Japanese.
    await desktop.waitForURL(/\/staff\/broadcasts\/\d+$/)
    await desktop.locator('[data-status="quota_stopped"]').first().waitFor({ timeout: 30_000 })
    await desktop
      .getByText('今月のメッセージ通数の上限に達したため', { exact: false })
      .first()
      .waitFor()
    const sent = server.rows<{ status: string; n: number }>(
      `SELECT status, count(*) AS n FROM broadcast_recipients WHERE holdout = 0 GROUP BY status ORDER BY status`,
    )
    expect(sent).toEqual([
      { status: 'queued', n: 2 },
      { status: 'sent', n: 1 },
    ])
    await screenshot(desktop, 'quota-stopped-desktop')
    expect(phone.errors).toEqual([])
    expect(desk.errors).toEqual([])
    await phone.context.close()
    await desk.context.close()
  }, 180_000)
})
