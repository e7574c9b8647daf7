import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, launchBrowser, openPage, openStaffConsole, PHONE, screenshot } from './browser.ts'
import { startSandboxServer, type SandboxServer } from './sandbox-server.ts'

/**
 * The journeys screen in the staff console, on the real sandbox server: the six templates arrive
 * off, switching one on asks first and says what it costs, the contact policy is edited, a
 * customer who follows enters the welcome series and the member page shows their timeline — on a
 * desk and on a 390 px phone.
 */

const EVENTUALLY = { timeout: 15_000 }

let server: SandboxServer
let browser: Browser

beforeAll(async () => {
  ;[server, browser] = await Promise.all([startSandboxServer(), launchBrowser()])
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

const call = <T>(method: string, path: string, body?: unknown) => server.call<T>(method, path, body)

const journeyRow = (templateKey: string) =>
  server.rows<{ id: number; enabled: number }>(
    'SELECT id, enabled FROM journeys WHERE template_key = ?',
    templateKey,
  )[0]

/** The page is no wider than the window (nothing sticks out sideways on a phone). */
const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)

describe('journeys in the staff console', () => {
  it('staff switch the welcome series on (cost shown first), edit the policy, and see a new friend enter it on the member page', async () => {
    const shop = await openPage(browser, DESKTOP)
    const staff = await openStaffConsole(shop.page, server.url)
    await staff
      .getByRole('navigation', { name: 'メインメニュー' })
      .getByRole('link', { name: 'ジャーニー', exact: true })
      .click()
    await staff.getByRole('heading', { name: 'ジャーニー（自動配信）' }).waitFor()

    // The eight templates, in Japanese, all off; each says what it costs per customer.
    const list = staff.getByTestId('journey-list')
    await expect.poll(() => list.locator('> li').count(), EVENTUALLY).toBe(8)
    const switches = list.getByRole('switch')
    expect(await switches.count()).toBe(8)
    for (const s of await switches.all()) expect(await s.isChecked()).toBe(false)
    const welcome = staff.getByTestId('journey-welcome')
    await expect
      .poll(() => welcome.getByTestId('journey-cost').textContent())
      .toContain('1人あたり最大 3通')
    expect(await staff.getByTestId('journey-birthday').textContent()).toContain('誕生日の7日前')
    expect(
      await staff.getByText(/友だち追加直後のあいさつは応答メッセージなので無料/).count(),
    ).toBe(1)

    // Switching on asks first, with the cost; cancelling changes nothing.
    const welcomeSwitch = staff.getByRole('switch', {
      name: '友だち追加後のステップ配信を配信する',
    })
    await welcomeSwitch.click()
    const dialog = staff.getByRole('dialog', { name: 'このジャーニーをオンにしますか？' })
    expect(await dialog.textContent()).toContain('1人あたり最大 3通')
    await dialog.getByRole('button', { name: 'キャンセル' }).click()
    expect(await welcomeSwitch.isChecked()).toBe(false)
    expect(journeyRow('welcome')?.enabled).toBe(0)
    await welcomeSwitch.click()
    await screenshot(staff, 'journeys-confirm')
    await dialog.getByRole('button', { name: 'オンにする' }).click()
    await staff.getByText('「友だち追加後のステップ配信」をオンにしました').waitFor()
    await expect.poll(() => welcomeSwitch.isChecked()).toBe(true)
    expect(journeyRow('welcome')?.enabled).toBe(1)
    expect(
      server.rows(
        "SELECT action FROM audit_log WHERE action = 'journey.enable' AND target_id = ?",
        String(journeyRow('welcome')!.id),
      ),
    ).toHaveLength(1)

    // The contact policy: default 21:00–09:00 and 2 a week; changed here, stored for every sender.
    const policy = staff.getByTestId('journey-policy')
    await expect.poll(() => policy.textContent()).toContain('21:00〜09:00')
    await staff.getByRole('button', { name: '変更' }).click()
    await staff.getByLabel('送らない時間帯（開始）').fill('22:00')
    await staff.getByLabel('1人あたり週の上限（通、0＝上限なし）').fill('3')
    await staff.getByRole('button', { name: '保存' }).click()
    await expect.poll(() => policy.textContent()).toContain('22:00〜09:00')
    expect(await policy.textContent()).toContain('週 3通まで')
    const [stored] = server.rows<{ value: string }>(
      "SELECT value FROM settings WHERE key = 'contact_policy'",
    )
    expect(JSON.parse(stored!.value)).toEqual({
      quietStart: '22:00',
      quietEnd: '09:00',
      weeklyCap: 3,
    })
    await screenshot(staff, 'journeys-desktop')

    // A customer follows: the follow event enters them in the welcome series (day 1 at 11:00).
    const { userId } = await call<{ userId: string }>('POST', '/sandbox/api/users', {
      displayName: '山田 葵',
      language: 'ja',
    })
    await call('POST', `/sandbox/api/users/${userId}/follow`)
    const runs = () =>
      server.rows<{ member_number: string; status: string }>(
        `SELECT m.member_number, r.status FROM journey_runs r JOIN members m ON m.id = r.member_id
          WHERE m.line_user_id = ?`,
        userId,
      )
    await expect.poll(() => runs().length, EVENTUALLY).toBe(1)
    expect(runs()[0]!.status).toBe('active')

    await staff.goto(`${server.url}/staff/members/${runs()[0]!.member_number}`)
    const timeline = staff.getByTestId('journey-timeline')
    await timeline.waitFor()
    const text = (await timeline.textContent()) ?? ''
    expect(text).toContain('友だち追加後のステップ配信 開始')
    expect(text).toContain('友だち追加後のステップ配信 ステップ1 予定')
    await screenshot(staff, 'journeys-member-timeline')
    expect(shop.errors).toEqual([])
  }, 120_000)

  it('on a 390 px phone: the list fits, and the switches turn journeys off at once and on after the question', async () => {
    // A journey that holds out a share shows its lift line (nobody to compare yet).
    server.write("UPDATE journeys SET holdout_percent = 20 WHERE template_key = 'dormant'")
    const shop = await openPage(browser, PHONE)
    const staff = await openStaffConsole(shop.page, server.url)
    await staff.setViewportSize({ width: 390, height: 844 })
    await staff.goto(`${server.url}/staff/journeys`)
    const list = staff.getByTestId('journey-list')
    await expect.poll(() => list.locator('> li').count(), EVENTUALLY).toBe(8)
    expect(await overflow(staff)).toBeLessThanOrEqual(0)
    const dormant = staff.getByTestId('journey-dormant')
    await expect.poll(() => dormant.textContent()).toContain('まだ比べられるお客様がいません。')
    expect(await dormant.textContent()).toContain('効果（参加から30日以内のご購入')

    const birthday = staff.getByRole('switch', { name: 'お誕生日クーポンを配信する' })
    await birthday.click()
    await staff
      .getByRole('dialog', { name: 'このジャーニーをオンにしますか？' })
      .getByRole('button', { name: 'オンにする' })
      .click()
    await expect.poll(() => birthday.isChecked()).toBe(true)
    expect(journeyRow('birthday')?.enabled).toBe(1)

    // Off needs no question (it stops sending).
    const welcome = staff.getByRole('switch', { name: '友だち追加後のステップ配信を配信する' })
    if (!(await welcome.isChecked())) {
      await welcome.click()
      await staff.getByRole('button', { name: 'オンにする' }).click()
      await expect.poll(() => welcome.isChecked()).toBe(true)
    }
    await welcome.click()
    await expect.poll(() => welcome.isChecked()).toBe(false)
    expect(journeyRow('welcome')?.enabled).toBe(0)
    expect(await overflow(staff)).toBeLessThanOrEqual(0)
    await screenshot(staff, 'journeys-phone')
    expect(shop.errors).toEqual([])
  }, 120_000)
})
