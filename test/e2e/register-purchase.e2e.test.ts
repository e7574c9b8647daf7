import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, launchBrowser, openPage, PHONE, screenshot } from './browser.ts'
import { startSandboxServer, type SandboxServer } from './sandbox-server.ts'

const EVENTUALLY = { timeout: 10_000 }

let server: SandboxServer
let browser: Browser

beforeAll(async () => {
  ;[server, browser] = await Promise.all([startSandboxServer(), launchBrowser()])
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function createCustomer(page: Page, name: string): Promise<string> {
  const customers = page.getByRole('region', { name: 'テスト顧客' })
  await expect.poll(() => customers.getAttribute('aria-busy'), EVENTUALLY).toBeNull()
  if (!(await page.getByRole('textbox', { name: '名前' }).isVisible())) {
    await page.getByText('顧客を作成', { exact: true }).click()
  }
  await page.getByRole('textbox', { name: '名前' }).fill(name)
  await page.getByRole('button', { name: '作成', exact: true }).click()
  const customer = page.getByRole('radio', { name })
  await expect.poll(() => customer.isChecked(), EVENTUALLY).toBe(true)
  return customer.inputValue()
}

describe('the register and the member mini-app', () => {
  it('staff records a purchase by member number; the member sees the new balance', async () => {
    // The customer: follows in the sandbox chat and opens the mini-app in a tab of its own.
    const member = await openPage(browser, PHONE)
    await member.page.goto(`${server.url}/sandbox`)
    const userId = await createCustomer(member.page, '鈴木 一郎')
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
    await member.page.getByRole('button', { name: 'ミニアプリを開く' }).click()
    const miniApp = member.page.getByRole('complementary', { name: /ミニアプリ（鈴木 一郎 さん）/ })
    const [app] = await Promise.all([
      member.context.waitForEvent('page'),
      miniApp.getByRole('link', { name: '新しいタブで開く' }).click(),
    ])
    await app.getByRole('link', { name: /残高・会員ランク/ }).click()
    await expect
      .poll(() => app.getByTestId('points-balance').textContent(), EVENTUALLY)
      .toBe('0 pt')

    // The register (the demo owner), typing the member number as a scan stands in for it.
    const shop = await openPage(browser, DESKTOP)
    await shop.page.goto(`${server.url}/sandbox`)
    const [staff] = await Promise.all([
      shop.context.waitForEvent('page'),
      shop.page.getByRole('link', { name: /スタッフ画面を開く/ }).click(),
    ])
    await staff.getByText('デモ店長').first().waitFor()
    await staff.setViewportSize({ width: 390, height: 844 })
    await staff.goto(`${server.url}/staff/register/purchases`)
    await staff.getByRole('textbox', { name: '会員番号（10桁）' }).fill(memberNumber)
    await staff.getByRole('textbox', { name: 'お会計金額（円）' }).fill('3480')
    await staff.getByRole('button', { name: 'フード' }).click()
    await staff.getByRole('button', { name: '確認へ' }).click()
    await staff.getByText('3,480円').waitFor()
    // The confirm step says who it is for before anything is recorded.
    expect(await staff.getByTestId('register-name').textContent()).toBe('鈴木 一郎')
    expect(await staff.getByTestId('register-tier').textContent()).toBe('レギュラー')
    expect(await staff.getByTestId('register-points').textContent()).toBe('0 pt')
    expect(server.rows('SELECT 1 FROM purchases')).toEqual([])
    await screenshot(staff, 'staff-register-confirm-390')
    await staff.getByRole('button', { name: '記録する' }).click()
    const done = staff.getByTestId('register-done')
    await done.waitFor()
    expect(await staff.getByTestId('register-earned').textContent()).toBe('+34 pt')
    expect(await staff.getByTestId('register-balance').textContent()).toBe('34 pt')
    await screenshot(staff, 'staff-register-done')

    // The member's points screen shows the new balance and the purchase in the history.
    await app.reload()
    await expect
      .poll(() => app.getByTestId('points-balance').textContent(), EVENTUALLY)
      .toBe('34 pt')
    await app.getByText('お買い上げ').first().waitFor()
    await screenshot(app, 'member-points')
    expect(
      server.rows('SELECT amount_yen AS a, points_granted AS p, source FROM purchases'),
    ).toEqual([{ a: 3480, p: 34, source: 'register' }])
    expect(member.errors).toEqual([])
    expect(shop.errors).toEqual([])
    await member.context.close()
    await shop.context.close()
  }, 60_000)

  it('an unknown member number says so on the register; a coupon over its limit says why', async () => {
    const shop = await openPage(browser, DESKTOP)
    await shop.page.goto(`${server.url}/sandbox`)
    const [staff] = await Promise.all([
      shop.context.waitForEvent('page'),
      shop.page.getByRole('link', { name: /スタッフ画面を開く/ }).click(),
    ])
    await staff.getByText('デモ店長').first().waitFor()
    await staff.goto(`${server.url}/staff/register/purchases`)
    await staff.getByRole('textbox', { name: '会員番号（10桁）' }).fill('0000000001')
    await staff.getByRole('textbox', { name: 'お会計金額（円）' }).fill('1000')
    await staff.getByRole('button', { name: '確認へ' }).click()
    const alert = staff.getByRole('alert')
    await alert
      .getByText('会員番号 0000000001 の会員が見つかりません。番号をご確認ください。')
      .waitFor()
    expect(await alert.getByRole('heading').textContent()).toBe('見つかりませんでした')
    expect(await staff.getByText('ページが見つかりません').count()).toBe(0)
    // Still on the input step, nothing recorded.
    expect(await staff.getByRole('button', { name: '記録する' }).count()).toBe(0)
    await screenshot(staff, 'staff-register-unknown-member-1280')

    // A coupon with one per member: issuing a second by hand says the limit, not a loading failure.
    server.write(
      `insert into coupon_templates (kind, title, value, validity, valid_days, per_member_limit, status, created_at, updated_at)
       values ('yen_off', 'お一人さま1枚 300円引き', 300, 'days', 30, 1, 'active', 1, 1)`,
    )
    const [{ n: memberNumber }] = server.rows<{ n: string }>(
      'SELECT member_number AS n FROM members LIMIT 1',
    ) as [{ n: string }]
    await staff.goto(`${server.url}/staff/members/${memberNumber}`)
    const coupons = staff.getByTestId('member-coupons')
    const pick = coupons.getByRole('combobox', { name: 'テンプレートを選択' })
    await pick.selectOption({ label: 'お一人さま1枚 300円引き' })
    await coupons.getByRole('button', { name: '発行する' }).click()
    await coupons.getByText('未使用').waitFor()
    await pick.selectOption({ label: 'お一人さま1枚 300円引き' })
    await coupons.getByRole('button', { name: '発行する' }).click()
    const refused = staff.getByRole('alert')
    await refused
      .getByText('このクーポンはお一人さまの上限枚数まで受け取り済みです。')
      .waitFor(EVENTUALLY)
    expect(await refused.getByRole('heading').textContent()).toBe('この操作はできませんでした')
    expect(server.rows("SELECT 1 FROM coupons WHERE source = 'manual'").length).toBe(1)
    await screenshot(staff, 'staff-coupon-over-limit-1280')
    // The browser logs the two refused requests (404, 409) and nothing else.
    expect(shop.errors.filter((e) => !/status of (404|409)/.test(e))).toEqual([])
    expect(shop.errors).toHaveLength(2)
    await shop.context.close()
  }, 60_000)
})
