import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  launchBrowser,
  openPage,
  openStaffConsole,
  PHONE,
  screenshot,
  createSandboxCustomer,
} from './browser.ts'
import { startSandboxServer, type SandboxServer } from './sandbox-server.ts'

/**
 * Issue 14 in the browser at 390 px: a customer switches 「お知らせを受け取らない」 in the mini-app;
 * the owner's settings show each automatic message's switch with its cost, and the composer says
 * how many of the audience are reached and why not all.
 */

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

/** A customer who follows the account and never opens the mini-app. */
const friend = async (displayName: string) => (await server.follow(displayName)).userId

const createCustomer = createSandboxCustomer

describe('who may be messaged, in the browser (390 px)', () => {
  it('a customer opts out in the mini-app; the owner sees the switches, their cost and why fewer are reached', async () => {
    await friend('一郎')
    await friend('二郎')

    // The customer who opts out, in the mini-app on a phone.
    const customer = await openPage(browser, PHONE)
    await customer.page.goto(`${server.url}/sandbox`)
    const userId = await createCustomer(customer.page, '三郎')
    await customer.page.getByRole('button', { name: '友だち追加' }).click()
    await expect
      .poll(
        () => server.rows('SELECT 1 FROM members WHERE line_user_id = ?', userId).length,
        EVENTUALLY,
      )
      .toBe(1)
    await customer.page.getByRole('button', { name: 'ミニアプリを開く' }).click()
    const miniApp = customer.page.getByRole('complementary', { name: 'ミニアプリ（三郎 さん）' })
    const [app] = await Promise.all([
      customer.context.waitForEvent('page'),
      miniApp.getByRole('link', { name: '新しいタブで開く' }).click(),
    ])
    await app.getByText('三郎 さん、こんにちは').waitFor()
    await app.goto(`${server.url}/liff/profile`)
    const optOut = app.getByRole('switch', { name: /お知らせを受け取らない/ })
    await expect.poll(() => optOut.isEnabled(), EVENTUALLY).toBe(true)
    expect(await optOut.isChecked()).toBe(false) // a friend gets news until they say no
    await optOut.check()
    await app.getByRole('status').getByText('お知らせを停止しました').waitFor()
    await expect
      .poll(() =>
        server.rows<{ c: string | null }>(
          `SELECT p.marketing_choice AS c FROM member_profiles p JOIN members m ON m.id = p.member_id
            WHERE m.line_user_id = ?`,
          userId,
        ),
      )
      .toEqual([{ c: 'out' }])
    await screenshot(app, 'member-marketing-opt-out')
    // Reloaded, the switch shows the stored choice.
    await app.reload()
    await expect.poll(() => optOut.isChecked(), EVENTUALLY).toBe(true)
    expect(customer.errors).toEqual([])

    // The owner on a phone: the settings' automatic messages with their cost lines.
    const shop = await openPage(browser, PHONE)
    const staff = await openStaffConsole(shop.page, server.url)
    await staff.goto(`${server.url}/staff/settings`)
    const card = staff.getByTestId('messaging-settings')
    await card.getByRole('heading', { name: 'メッセージ配信' }).waitFor()
    expect(await card.getByTestId('cost-receipt').textContent()).toBe(
      '1回の来店につき1通（月の無料メッセージ数を消費）',
    )
    expect(await card.getByTestId('cost-tier-up').textContent()).toContain(
      'ランクアップ1回につき1通',
    )
    expect(await card.getByTestId('cost-stamp-reward').textContent()).toContain(
      'カード達成1回につき1通',
    )
    const receipt = card.getByRole('combobox', { name: 'お買い上げ明細（レシート）' })
    expect(await receipt.inputValue()).toBe('off')
    expect(await card.getByRole('radio', { name: '友だち全員（おすすめ）' }).isChecked()).toBe(true)
    await receipt.selectOption({ label: 'ポイントかランクが変わったときだけ' })
    await card.getByRole('button', { name: '保存する' }).click()
    await expect
      .poll(
        () =>
          server.rows<{ v: string }>("SELECT value AS v FROM settings WHERE key = 'messaging'")[0]
            ?.v ?? '',
        EVENTUALLY,
      )
      .toContain('"receipt":"changed"')
    const width = await staff.evaluate(() => document.documentElement.scrollWidth)
    expect(width).toBeLessThanOrEqual(390)
    await screenshot(staff, 'settings-messaging')

    // The composer: 3 friends, 2 reached, and the reason for the third.
    await staff.goto(`${server.url}/staff/broadcasts/new`)
    await staff.getByRole('textbox', { name: /配信のタイトル/ }).fill('週末セール')
    await staff.getByRole('textbox', { name: '本文' }).fill('今週末はセールです！')
    await staff.getByRole('radio', { name: /^友だち全員/ }).check()
    const explanation = staff.getByTestId('reach-explanation')
    await expect
      .poll(() => explanation.getByTestId('reach-summary').textContent(), EVENTUALLY)
      .toBe('対象 3人のうち、配信できるのは 2人です')
    expect(await explanation.getByTestId('reach-reasons').textContent()).toContain(
      '1人は「お知らせを受け取らない」を選んでいます',
    )
    await explanation.scrollIntoViewIfNeeded()
    await screenshot(staff, 'broadcast-composer-reach')
    expect(shop.errors).toEqual([])
    await customer.context.close()
    await shop.context.close()
  }, 120_000)
})
