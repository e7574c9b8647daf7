import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COUPON_MESSAGE } from '../../liff-app/src/sandbox/flex/coupon-fixture.ts'
import { DESKTOP, launchBrowser, openPage, PHONE, screenshot } from './browser.ts'
import { startSandboxServer, type SandboxServer } from './sandbox-server.ts'

/** The bot answers after the webhook's 200: give it time on a busy machine. */
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

/** The form is folded away once there are customers (known when the list has loaded). */
async function openCreateForm(page: Page) {
  const customers = page.getByRole('region', { name: 'テスト顧客' })
  await expect.poll(() => customers.getAttribute('aria-busy'), EVENTUALLY).toBeNull()
  if (!(await page.getByRole('textbox', { name: '名前' }).isVisible())) {
    await page.getByText('顧客を作成', { exact: true }).click()
  }
}

async function createCustomer(page: Page, name: string, language: 'ja' | 'en' = 'ja') {
  await openCreateForm(page)
  await page.getByRole('textbox', { name: '名前' }).fill(name)
  await page.getByRole('combobox', { name: 'LINE の言語' }).selectOption(language)
  await page.getByRole('button', { name: '作成', exact: true }).click()
  await expect.poll(() => page.getByRole('radio', { name }).isChecked(), EVENTUALLY).toBe(true)
}

describe('the sandbox chat page', () => {
  it('renders a Flex coupon with quick replies, and its buttons send postbacks', async () => {
    const { context, page, errors } = await openPage(browser, DESKTOP)
    // The bot sends no Flex yet: slip a realistic coupon (pushed) in after its welcome, as the
    // coupon features will. Everything else on the page is the real product.
    let coupon: Record<string, unknown> | null = null
    await page.route('**/sandbox/api/users/*/messages', async (route) => {
      const response = await route.fetch()
      const real = (await response.json()) as { at: number }[]
      const last = real.at(-1)
      if (!coupon && real.length >= 2 && last) {
        coupon = {
          via: 'push',
          message: COUPON_MESSAGE,
          messageId: 'c1',
          requestId: 'r',
          at: last.at + 1,
        }
      }
      await route.fulfill({ response, json: coupon ? [...real, coupon] : real })
    })
    await page.goto(`${server.url}/sandbox`)
    await createCustomer(page, 'フレックス 太郎')
    await page.getByRole('button', { name: '友だち追加' }).click()

    const log = page.getByRole('log', { name: 'トーク履歴' })
    await expect
      .poll(() => log.getByText('友だち追加ありがとうございます').count(), EVENTUALLY)
      .toBe(1)
    const use = log.getByRole('button', { name: '今すぐ使う' })
    await use.waitFor()
    expect(await log.getByText('10% OFF クーポン').isVisible()).toBe(true)
    expect(await log.getByText('WELCOME10').isVisible()).toBe(true)
    expect(await log.getByText('プッシュメッセージ・課金対象').count()).toBe(1)
    expect(await log.getByText('応答メッセージ・無料').count()).toBe(2)
    const quickReplies = page.getByRole('group', { name: 'クイックリプライ' })
    expect(await quickReplies.getByRole('button').allTextContents()).toEqual(['ヘルプ', 'ポイント'])
    await log
      .getByRole('article', { name: 'ボット' })
      .filter({ has: page.getByRole('button', { name: '今すぐ使う' }) })
      .evaluate((coupon) => coupon.scrollIntoView({ block: 'end' }))
    const chat = page.getByRole('region', { name: 'フレックス 太郎 さんのトーク' })
    await screenshot(chat, 'sandbox-coupon')

    // A quick reply's postback is delivered; the chips go once anything follows their message.
    await quickReplies.getByRole('button', { name: 'ポイント' }).click()
    await log.getByText('ポストバック送信: action=help').waitFor()
    await expect
      .poll(() => log.getByText('ご利用いただける機能のご案内です').count(), EVENTUALLY)
      .toBe(2)
    expect(await quickReplies.count()).toBe(0)

    // A Flex button's postback shows its displayText as the customer's message, as in LINE.
    await use.click()
    await log.getByText('クーポンを使います').waitFor()
    await expect
      .poll(() => log.getByText('ご利用いただける機能のご案内です').count(), EVENTUALLY)
      .toBe(3)

    const userId = await page.getByRole('radio', { name: 'フレックス 太郎' }).inputValue()
    const sent = (await (await fetch(`${server.url}/sandbox/api/users/${userId}/sent`)).json()) as {
      event: { type: string; postback?: { data: string } }
      displayText?: string
    }[]
    expect(sent.map((s) => [s.event.type, s.event.postback?.data, s.displayText])).toEqual([
      ['follow', undefined, undefined],
      ['postback', 'action=help', undefined],
      ['postback', 'action=help', 'クーポンを使います'],
    ])
    expect(errors).toEqual([])
    await context.close()
  }, 60_000)

  it('works on a 320 px phone: validation, follow, chat, block, errors and English', async () => {
    const { context, page, errors } = await openPage(browser, {
      ...PHONE,
      viewport: { width: 320, height: 640 },
    })
    await page.goto(`${server.url}/sandbox`)

    // An empty name is refused beside the field.
    await openCreateForm(page)
    await page.getByRole('button', { name: '作成', exact: true }).click()
    const name = page.getByRole('textbox', { name: '名前' })
    expect(
      await page.getByRole('alert').filter({ hasText: '名前を入力してください' }).count(),
    ).toBe(1)
    expect(await name.getAttribute('aria-invalid')).toBe('true')
    await createCustomer(page, 'Emily', 'en')

    await page.getByRole('button', { name: '友だち追加' }).click()
    const log = page.getByRole('log', { name: 'トーク履歴' })
    // The bot answers in the customer's LINE language.
    await log.getByText('Hi Emily, thanks for adding us as a friend!').waitFor()
    await page.getByRole('radio', { name: 'Emily English ・ 友だち' }).waitFor()

    const input = page.getByRole('textbox', { name: 'メッセージ' })
    await input.fill('help')
    await input.press('Enter')
    await log.getByText('help', { exact: true }).waitFor()
    await expect
      .poll(() => log.getByText('Here is what this account can do').count(), EVENTUALLY)
      .toBe(2)
    expect(await input.inputValue()).toBe('')

    const layout = await page.evaluate(() => {
      const small: string[] = []
      const controls = document.querySelectorAll<HTMLElement>(
        'button, a.btn, a.link-button, input:not([type=radio]), select, textarea, .customer',
      )
      for (const control of controls) {
        const box = control.getBoundingClientRect()
        if (box.width > 0 && box.height < 44) small.push(control.outerHTML.slice(0, 80))
      }
      return { width: document.documentElement.scrollWidth, small }
    })
    expect(layout).toEqual({ width: 320, small: [] })
    await screenshot(page, 'sandbox-320')

    await page.getByRole('button', { name: 'ブロック' }).click()
    await log.getByText('ブロックしました').waitFor()
    expect(await page.getByRole('button', { name: '友だち追加' }).isVisible()).toBe(true)

    // A failed delivery is said plainly and can be dismissed.
    await page.route('**/sandbox/api/users/*/text', (route) =>
      route.fulfill({
        status: 502,
        json: { message: 'webhook delivery failed: connection refused' },
      }),
    )
    await input.fill('hello?')
    await page.getByRole('button', { name: '送信' }).click()
    const alert = page.getByRole('alert').filter({ hasText: '送信に失敗しました' })
    await alert.getByText('connection refused').waitFor()
    expect(await input.inputValue()).toBe('hello?')
    await alert.getByRole('button', { name: 'エラーを閉じる' }).click()
    expect(await alert.count()).toBe(0)

    await page.getByRole('button', { name: 'English' }).click()
    await page.getByRole('heading', { name: 'Joren sandbox' }).waitFor()
    expect(await page.getByRole('button', { name: 'Add friend' }).isVisible()).toBe(true)
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en')
    expect(errors.filter((e) => !e.includes('502'))).toEqual([])
    await context.close()
  }, 60_000)
})
