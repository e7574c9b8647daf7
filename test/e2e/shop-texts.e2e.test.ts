import type { Browser } from 'playwright-core'
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

/**
 * Issue 15 in the browser (Chromium, Japanese), at 390 px and 1280 px: the owner edits the welcome
 * message in settings → メッセージ文面・営業時間, previews it, saves it, and a customer who adds
 * the account in the sandbox receives it.
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

describe('editable texts in the browser', () => {
  for (const [label, device, width] of [
    ['390 px', PHONE, 390],
    ['1280 px', DESKTOP, 1280],
  ] as const) {
    it(`edits the welcome, previews it, and a sandbox follow receives it (${label})`, async () => {
      const { context, page, errors } = await openPage(browser, device)
      const staff = await openStaffConsole(page, server.url)
      await staff.goto(`${server.url}/staff/settings`)
      await staff.getByRole('link', { name: 'メッセージ文面・営業時間を編集' }).click()
      await staff.getByRole('heading', { name: 'メッセージ文面・営業時間' }).waitFor()

      const card = staff.getByTestId('text-welcome')
      const body = card.getByRole('textbox', { name: 'あいさつメッセージ' })
      expect(await body.inputValue()).toContain('友だち追加ありがとうございます')
      const wording = `{name}、${label}の画面から編集したあいさつです。{shop}へようこそ！`
      await body.fill(wording)
      await card.getByRole('button', { name: 'プレビュー' }).click()
      const preview = card.getByTestId('text-welcome-preview')
      await expect
        .poll(() => preview.textContent(), EVENTUALLY)
        .toContain(
          `山田 花子さん、${label}の画面から編集したあいさつです。Joren デモ店へようこそ！`,
        )

      // An unknown placeholder is refused beside the field, and nothing is saved.
      await body.fill('{nickname}さん、こんにちは')
      await card.getByRole('button', { name: '保存' }).click()
      await card.getByRole('alert').filter({ hasText: '{nickname}' }).waitFor()
      expect(server.rows('SELECT 1 FROM shop_texts')).toEqual([])

      await body.fill(wording)
      await card.getByRole('button', { name: '保存' }).click()
      await card.getByText('編集済み').waitFor()
      expect(server.rows('SELECT body FROM shop_texts')).toEqual([{ body: wording }])
      expect(await staff.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        width,
      )
      await screenshot(staff, `shop-texts-${width}`)

      // A customer adds the account in the sandbox: the reply is the shop's wording.
      await page.goto(`${server.url}/sandbox`)
      const name = width === 390 ? '田中 一郎' : '佐藤 二郎'
      await createSandboxCustomer(page, name)
      await page.getByRole('button', { name: '友だち追加' }).click()
      const log = page.getByRole('log', { name: 'トーク履歴' })
      await expect
        .poll(
          () => log.getByText(`${name}さん、${label}の画面から編集したあいさつです。`).count(),
          EVENTUALLY,
        )
        .toBe(1)
      await screenshot(page, `shop-texts-follow-${width}`)

      // Reset: the default again.
      await staff.bringToFront()
      await card.getByRole('button', { name: '初期設定に戻す' }).click()
      await card.getByText('初期設定', { exact: true }).waitFor()
      expect(await body.inputValue()).toContain('友だち追加ありがとうございます')
      expect(server.rows('SELECT 1 FROM shop_texts')).toEqual([])
      expect(errors.filter((e) => !e.includes('400'))).toEqual([])
      await context.close()
    }, 90_000)
  }
})
