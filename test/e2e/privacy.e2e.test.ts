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

/** The bot answers after the webhook's 200: give it time on a busy machine. */
const EVENTUALLY = { timeout: 10_000 }

let server: SandboxServer
let browser: Browser

beforeAll(async () => {
  ;[server, browser] = await Promise.all([startSandboxServer(), launchBrowser()])
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

const createCustomer = createSandboxCustomer

describe("members' data rights in the browser (390 px, Japanese)", () => {
  it('the mini-app shows the policy and terms, records the agreement, sends a deletion request; the owner erases', async () => {
    const { context, page, errors } = await openPage(browser, PHONE)
    await page.goto(`${server.url}/sandbox`)
    const userId = await createCustomer(page, '削除 希望子')
    await page.getByRole('button', { name: '友だち追加' }).click()
    await expect
      .poll(
        () => server.rows('SELECT 1 FROM members WHERE line_user_id = ?', userId).length,
        EVENTUALLY,
      )
      .toBe(1)
    const [{ member_number: number }] = server.rows<{ member_number: string }>(
      'SELECT member_number FROM members WHERE line_user_id = ?',
      userId,
    ) as [{ member_number: string }]

    await page.getByRole('button', { name: 'ミニアプリを開く' }).click()
    const miniApp = page.getByRole('complementary', { name: 'ミニアプリ（削除 希望子 さん）' })
    const [app] = await Promise.all([
      context.waitForEvent('page'),
      miniApp.getByRole('link', { name: '新しいタブで開く' }).click(),
    ])
    await app.getByText('削除 希望子 さん、こんにちは').waitFor()

    // From the profile screen to the documents.
    await app.goto(`${server.url}/liff/profile`)
    await app.getByRole('link', { name: 'プライバシーポリシー・利用規約・データの削除' }).click()
    await app.getByRole('heading', { name: 'プライバシーポリシー', exact: true }).waitFor()
    const policy = app.getByTestId('privacy-policy')
    expect(await policy.textContent()).toContain('利用目的')
    expect(await app.getByTestId('terms').textContent()).toContain('第1条')
    // Nothing wider than the phone.
    expect(await app.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)

    await app.getByRole('button', { name: '同意する' }).click()
    await app.getByTestId('agreed').waitFor()
    expect(
      server.rows(
        'SELECT document FROM member_agreements a JOIN members m ON m.id = a.member_id WHERE m.line_user_id = ? ORDER BY document',
        userId,
      ),
    ).toEqual([{ document: 'privacy' }, { document: 'terms' }])

    await app.getByRole('button', { name: '個人データの削除を依頼する' }).click()
    await app.getByText('本当に依頼しますか？').waitFor()
    await screenshot(app, 'privacy-deletion-confirm')
    await app.getByRole('button', { name: '依頼を送る' }).click()
    await app.getByTestId('deletion-requested').waitFor()
    expect(await app.getByTestId('deletion-requested').textContent()).toContain(
      '削除を依頼しました',
    )
    await screenshot(app, 'privacy-deletion-requested')
    expect(
      server.rows(`SELECT 1 FROM staff_alerts WHERE kind = 'data_request' AND resolved_at IS NULL`),
    ).toHaveLength(1)

    // The owner sees the task and erases the member from the member page.
    const staff = await openStaffConsole(page, server.url)
    await staff.goto(`${server.url}/staff/alerts`)
    await staff.getByText('個人データの削除依頼').first().waitFor()
    await staff.goto(`${server.url}/staff/members/${number}`)
    const card = staff.getByTestId('data-rights')
    await card.getByRole('button', { name: 'すべて書き出す（JSON）' }).waitFor()
    const erase = card.getByRole('button', { name: '個人データを削除する' })
    expect(await erase.isDisabled()).toBe(true)
    await card.getByLabel('確認のため、会員番号（10桁）を入力してください').fill(number)
    await erase.click()
    await card.getByTestId('erased-note').waitFor()
    await screenshot(staff, 'privacy-member-erased')
    expect(server.rows('SELECT 1 FROM members WHERE line_user_id = ?', userId)).toEqual([])
    expect(
      server.rows(`SELECT 1 FROM staff_alerts WHERE kind = 'data_request' AND resolved_at IS NULL`),
    ).toEqual([])
    expect(errors).toEqual([])
  }, 180_000)
})
