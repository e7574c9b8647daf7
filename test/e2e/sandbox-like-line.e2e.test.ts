import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, launchBrowser, openPage, PHONE, screenshot } from './browser.ts'
import { startSandboxServer, type SandboxServer } from './sandbox-server.ts'

/**
 * The sandbox behaves like LINE (issue 15 item 5): links the bot sends open the mini-app in the
 * phone frame as that customer, customers and chats survive a restart of `npm start`, and the page
 * lays out in Japanese at phone and desktop width.
 */

const EVENTUALLY = { timeout: 15_000 }

let server: SandboxServer
let browser: Browser

beforeAll(async () => {
  ;[server, browser] = await Promise.all([startSandboxServer(), launchBrowser()])
}, 90_000)
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function createCustomer(page: Page, name: string) {
  const customers = page.getByRole('region', { name: 'テスト顧客' })
  await expect.poll(() => customers.getAttribute('aria-busy'), EVENTUALLY).toBeNull()
  if (!(await page.getByRole('textbox', { name: '名前' }).isVisible())) {
    await page.getByText('顧客を作成', { exact: true }).click()
  }
  await page.getByRole('textbox', { name: '名前' }).fill(name)
  await page.getByRole('button', { name: '作成', exact: true }).click()
  await expect.poll(() => page.getByRole('radio', { name }).isChecked(), EVENTUALLY).toBe(true)
  return page.getByRole('radio', { name }).inputValue()
}

/** The header's title and lead run across the page, never one character per line. */
async function expectHorizontalHeader(page: Page) {
  for (const selector of ['header.top h1', 'header.top .lead']) {
    const box = await page.locator(selector).boundingBox()
    expect(box, selector).not.toBeNull()
    expect(box!.width, selector).toBeGreaterThan(box!.height)
    expect(box!.width, selector).toBeGreaterThan(200)
  }
}

describe('the sandbox behaves like LINE', () => {
  it('lays out in Japanese at 390 px and at 1280 px', async () => {
    for (const [name, options] of [
      ['sandbox-390', PHONE],
      ['sandbox-1280', DESKTOP],
    ] as const) {
      const { context, page, errors } = await openPage(browser, options)
      await page.goto(`${server.url}/sandbox`)
      await page.getByRole('heading', { name: 'Joren サンドボックス' }).waitFor()
      await expectHorizontalHeader(page)
      // Nothing runs off the side of the page.
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      )
      expect(overflow, name).toBeLessThanOrEqual(0)
      await screenshot(page, name)
      expect(errors).toEqual([])
      await context.close()
    }
  }, 60_000)

  it('a chat button opens the mini-app in the phone frame as that customer, and everything survives a restart', async () => {
    const { context, page, errors } = await openPage(browser, DESKTOP)
    await page.goto(`${server.url}/sandbox`)
    const other = await createCustomer(page, '別の 人')
    // Not added yet is not blocked.
    const list = page.getByRole('region', { name: 'テスト顧客' })
    expect(await list.innerText()).toContain('未追加')
    expect(await list.innerText()).not.toContain('ブロック')
    await page.getByRole('button', { name: '友だち追加' }).click()
    const userId = await createCustomer(page, '会員証 花子')
    expect(userId).not.toBe(other)
    await page.getByRole('button', { name: '友だち追加' }).click()
    const log = page.getByRole('log', { name: 'トーク履歴' })
    await expect
      .poll(() => log.getByText('友だち追加ありがとうございます').count(), EVENTUALLY)
      .toBe(1)

    await page.getByRole('textbox', { name: /メッセージ/ }).fill('会員証')
    await page.getByRole('textbox', { name: /メッセージ/ }).press('Enter')
    const open = log.getByRole('button', { name: '会員証を開く' })
    await open.waitFor(EVENTUALLY)
    const pagesBefore = context.pages().length
    await open.click()

    // The phone frame, not a new tab, signed in as this customer.
    const panel = page.getByRole('complementary', { name: 'ミニアプリ（会員証 花子 さん）' })
    await panel.waitFor()
    const src = await panel.locator('iframe').getAttribute('src')
    const url = new URL(src!, server.url)
    expect(url.pathname).toBe('/liff/card')
    expect(url.searchParams.get('sandboxUser')).toBe(userId)
    const [member] = server.rows<{ member_number: string }>(
      'select member_number from members where line_user_id = ?',
      userId,
    )
    const frame = page.frameLocator('.mini-app iframe')
    await expect
      .poll(async () => (await frame.locator('body').innerText()).replace(/\s/g, ''), EVENTUALLY)
      .toContain(member!.member_number)
    expect(context.pages().length).toBe(pagesBefore)
    await screenshot(panel, 'sandbox-mini-app-from-chat')

    // `npm start` again: the same customers and their chat are there.
    expect(errors).toEqual([])
    await server.restart()
    // While the server was down the open page's polling failed: those are not the product's errors.
    errors.length = 0
    await page.goto(`${server.url}/sandbox`)
    await expect
      .poll(() => page.getByRole('radio', { name: '会員証 花子' }).count(), EVENTUALLY)
      .toBe(1)
    expect(await page.getByRole('radio', { name: '別の 人' }).count()).toBe(1)
    await page.getByRole('radio', { name: '会員証 花子' }).check()
    const after = page.getByRole('log', { name: 'トーク履歴' })
    await expect
      .poll(() => after.getByText('友だち追加ありがとうございます').count(), EVENTUALLY)
      .toBe(1)
    expect(await after.getByText('会員証', { exact: true }).count()).toBe(1)
    await after.getByRole('button', { name: '会員証を開く' }).waitFor()
    // Still a friend after the restart: the chat goes on.
    expect(await page.getByRole('button', { name: 'ブロック' }).count()).toBe(1)
    expect(errors).toEqual([])
    await context.close()
  }, 120_000)
})
