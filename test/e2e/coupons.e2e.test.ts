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

/** Drags the slide-to-confirm knob to the end of its track, as a finger would. */
async function slideToEnd(page: Page) {
  const knob = page.getByRole('slider', { name: 'スライドして使う' })
  const track = knob.locator('..')
  const from = await knob.boundingBox()
  const to = await track.boundingBox()
  if (!from || !to) throw new Error('the slider is not visible')
  const y = from.y + from.height / 2
  await page.mouse.move(from.x + from.width / 2, y)
  await page.mouse.down()
  await page.mouse.move(to.x + to.width - 4, y, { steps: 12 })
  await page.mouse.up()
}

describe('coupons, through the sandbox', () => {
  it('staff issue a coupon; the member slides to use it; the staff screen shows it used', async () => {
    const { context, page, errors } = await openPage(browser, DESKTOP)
    await page.goto(`${server.url}/sandbox`)

    // A customer follows (through the sandbox's own API) and becomes a member.
    const sandboxApi = (path: string, body?: unknown) =>
      fetch(`${server.url}/sandbox/api${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body ?? {}),
      }).then((response) => response.json() as Promise<{ userId: string }>)
    const { userId } = await sandboxApi('/users', { displayName: '鈴木 一郎', language: 'ja' })
    await sandboxApi(`/users/${userId}/follow`)
    const memberRows = () =>
      server.rows<{ member_number: string }>(
        'SELECT member_number FROM members WHERE line_user_id = ?',
        userId,
      )
    await expect.poll(() => memberRows().length, EVENTUALLY).toBe(1)
    const memberNumber = memberRows()[0]!.member_number

    // The demo owner designs a coupon and issues it from the member's page.
    const [staff] = await Promise.all([
      context.waitForEvent('page'),
      page.getByRole('link', { name: /スタッフ画面を開く/ }).click(),
    ])
    await staff.getByText('デモ店長').first().waitFor()
    const nav = staff.getByRole('navigation', { name: 'メインメニュー' })
    await nav.getByRole('link', { name: 'クーポン', exact: true }).click()
    await staff.getByRole('textbox', { name: 'タイトル' }).first().fill('ドリンク100円引き')
    await staff.getByRole('spinbutton', { name: '割引額（円）' }).first().fill('100')
    await staff.getByRole('button', { name: 'テンプレートを作成' }).click()
    await staff.getByTestId('coupon-templates').getByText('ドリンク100円引き').waitFor()
    // The value reads as one phrase (「100円引き」), not 「円引き 100」.
    await staff
      .getByTestId('coupon-templates')
      .getByText(/^100円引き · /)
      .waitFor()

    await staff.goto(`${server.url}/staff/members/${memberNumber}`)
    const coupons = staff.getByTestId('member-coupons')
    await coupons
      .getByRole('combobox', { name: 'テンプレートを選択' })
      .selectOption({ label: 'ドリンク100円引き' })
    await coupons.getByRole('button', { name: '発行する' }).click()
    await coupons.getByText('未使用').waitFor()

    // The member opens the coupon in the mini-app and slides to use it in front of the staff.
    const member = await openPage(browser, PHONE)
    await member.page.goto(`${server.url}/sandbox`)
    await member.page.getByRole('radio', { name: '鈴木 一郎' }).check()
    await member.page.getByRole('button', { name: 'ミニアプリを開く' }).click()
    const miniApp = member.page.getByRole('complementary', { name: /ミニアプリ（鈴木 一郎 さん）/ })
    const [app] = await Promise.all([
      member.context.waitForEvent('page'),
      miniApp.getByRole('link', { name: '新しいタブで開く' }).click(),
    ])
    await app
      .getByRole('link', { name: /クーポン/ })
      .first()
      .click()
    await app.getByTestId('coupon-list').getByText('ドリンク100円引き').click()
    await app.getByRole('button', { name: 'スタッフに見せて使う' }).click()
    await app.getByRole('img', { name: 'クーポンのQRコード' }).waitFor()
    await screenshot(app, 'coupon-qr')
    await app.getByRole('button', { name: 'この場で使う' }).click()
    await slideToEnd(app)
    const used = app.getByTestId('coupon-used')
    await used.getByText('クーポンを使用しました').waitFor()
    expect(await used.getByText('ドリンク100円引き').isVisible()).toBe(true)
    expect(await used.getByText(/使用日時 \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}/).isVisible()).toBe(
      true,
    )
    await screenshot(app, 'coupon-used')

    // The staff screen shows it used, and how.
    await staff.reload()
    await staff
      .getByTestId('member-coupons')
      .getByText(/使用済み/)
      .waitFor()
    expect(
      await staff
        .getByTestId('member-coupons')
        .getByText(/お客さまが画面で使用/)
        .isVisible(),
    ).toBe(true)
    await screenshot(staff, 'staff-member-coupon-used')
    expect(server.rows('SELECT state, redeemed_via FROM coupons')).toEqual([
      { state: 'redeemed', redeemed_via: 'member_confirm' },
    ])
    expect(errors).toEqual([])
    expect(member.errors).toEqual([])
    await member.context.close()
    await context.close()
  }, 90_000)
})
