import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createSandboxCustomer,
  DESKTOP,
  launchBrowser,
  openPage,
  openStaffConsole,
  PHONE,
  screenshot,
} from './browser.ts'
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

async function registerPurchase(staff: Page, baseUrl: string, memberNumber: string, yen: string) {
  await staff.goto(`${baseUrl}/staff/register/purchases`)
  await staff.getByRole('textbox', { name: '会員番号（10桁）' }).fill(memberNumber)
  await staff.getByRole('textbox', { name: 'お会計金額（円）' }).fill(yen)
  await staff.getByRole('button', { name: '確認へ' }).click()
  await staff.getByRole('button', { name: '記録する' }).click()
  await staff.getByTestId('register-done').waitFor()
}

describe('the stamp card', () => {
  it('the owner turns stamps on; two visits fill the card, the reward arrives in the chat and the card starts again', async () => {
    server.write(
      `insert into coupon_templates (kind, title, value, validity, valid_days, per_member_limit, status, created_at, updated_at)
       values ('yen_off', 'スタンプ特典 500円引き', 500, 'days', 30, 5, 'active', 1, 1)`,
    )
    const member = await openPage(browser, PHONE)
    await member.page.goto(`${server.url}/sandbox`)
    const userId = await createSandboxCustomer(member.page, '佐藤 花子')
    await member.page.getByRole('button', { name: '友だち追加' }).click()
    await expect
      .poll(
        () => server.rows('SELECT 1 FROM members WHERE line_user_id = ?', userId).length,
        EVENTUALLY,
      )
      .toBe(1)
    const [{ n: memberNumber }] = server.rows<{ n: string }>(
      'SELECT member_number AS n FROM members WHERE line_user_id = ?',
      userId,
    ) as [{ n: string }]

    // The owner: points and stamps, one stamp per visit, a card of 2, the reward coupon.
    const shop = await openPage(browser, DESKTOP)
    const staff = await openStaffConsole(shop.page, server.url)
    await staff.goto(`${server.url}/staff/loyalty`)
    const form = staff.getByTestId('stamp-settings')
    await form.getByLabel('お買い上げでたまるもの').selectOption('both')
    await form.getByLabel('カード1枚のスタンプ数（ゴール）').fill('2')
    await form
      .getByLabel('ゴールで届く特典クーポン')
      .selectOption({ label: 'スタンプ特典 500円引き' })
    await form.getByRole('button', { name: 'スタンプカードを保存' }).click()
    await expect
      .poll(
        () =>
          server.rows<{ value: string }>("SELECT value FROM settings WHERE key = 'stamp_card'")[0]
            ?.value,
        EVENTUALLY,
      )
      .toContain('"goal":2')
    await screenshot(staff, 'staff-stamp-settings-1280')
    await staff.setViewportSize({ width: 390, height: 844 })
    await form.scrollIntoViewIfNeeded()
    await screenshot(staff, 'staff-stamp-settings-390')

    // First visit: one stamp on the member card.
    await registerPurchase(staff, server.url, memberNumber, '1200')
    await expect
      .poll(() => server.rows("SELECT 1 FROM stamp_ledger WHERE kind = 'earn'").length, EVENTUALLY)
      .toBe(1)
    await member.page.getByRole('button', { name: 'ミニアプリを開く' }).click()
    const miniApp = member.page.getByRole('complementary', { name: /ミニアプリ（佐藤 花子 さん）/ })
    const [app] = await Promise.all([
      member.context.waitForEvent('page'),
      miniApp.getByRole('link', { name: '新しいタブで開く' }).click(),
    ])
    await app.getByRole('link', { name: /^会員証/ }).click()
    await expect
      .poll(() => app.getByTestId('stamp-count').textContent(), EVENTUALLY)
      .toBe('1 / 2個')
    await app.getByText('あと1個で特典クーポン').waitFor()
    await screenshot(app, 'member-stamp-card-390')

    // Second visit fills the card: the reward message and coupon reach the chat; a new card.
    await registerPurchase(staff, server.url, memberNumber, '800')
    await member.page
      .getByText('スタンプが2個たまりました！（1枚目のカードが満了）', { exact: false })
      .waitFor({ timeout: 15_000 })
    expect(
      server.rows<{ n: number }>(
        "SELECT count(*) AS n FROM coupons WHERE source = 'stamp_card' AND state = 'issued'",
      )[0]?.n,
    ).toBe(1)
    await app.reload()
    await expect
      .poll(() => app.getByTestId('stamp-count').textContent(), EVENTUALLY)
      .toBe('0 / 2個')
    await app.getByText('これまでに満了したカード: 1枚').waitFor()
    await screenshot(member.page, 'sandbox-stamp-reward-390')
    expect(member.errors).toEqual([])
    expect(shop.errors).toEqual([])
    await member.context.close()
    await shop.context.close()
  }, 120_000)
})
