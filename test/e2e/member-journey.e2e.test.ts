import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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

interface MemberRow {
  id: number
  member_number: string
}

/** The member Joren made for this LINE user (webhooks are processed after their 200). */
async function memberOf(lineUserId: string): Promise<MemberRow> {
  const found = () => server.rows('SELECT 1 FROM members WHERE line_user_id = ?', lineUserId)
  await expect.poll(() => found().length, EVENTUALLY).toBe(1)
  const [member] = server.rows<MemberRow>(
    'SELECT id, member_number FROM members WHERE line_user_id = ?',
    lineUserId,
  )
  return member!
}

/** The form is folded away once there are customers (known when the list has loaded). */
async function openCreateForm(page: Page) {
  const customers = page.getByRole('region', { name: 'テスト顧客' })
  await expect.poll(() => customers.getAttribute('aria-busy'), EVENTUALLY).toBeNull()
  if (!(await page.getByRole('textbox', { name: '名前' }).isVisible())) {
    await page.getByText('顧客を作成', { exact: true }).click()
  }
}

async function createCustomer(page: Page, name: string): Promise<string> {
  await openCreateForm(page)
  await page.getByRole('textbox', { name: '名前' }).fill(name)
  await page.getByRole('button', { name: '作成', exact: true }).click()
  const customer = page.getByRole('radio', { name })
  await expect.poll(() => customer.isChecked(), EVENTUALLY).toBe(true)
  return customer.inputValue()
}

const digits = (text: string | null) => (text ?? '').replace(/\D/g, '')

describe('a customer and the shop, through the sandbox', () => {
  it('follows in the chat, opens the mini-app, sees the card and saves the profile', async () => {
    const { context, page, errors } = await openPage(browser, PHONE)
    await page.goto(`${server.url}/sandbox`)
    const userId = await createCustomer(page, '山田 花子')
    await page.getByRole('button', { name: '友だち追加' }).click()
    const log = page.getByRole('log', { name: 'トーク履歴' })
    await log.getByText('山田 花子さん、友だち追加ありがとうございます！').waitFor()
    const member = await memberOf(userId)

    // The mini-app opens in a phone frame, signed in as this customer with a stand-in ID token.
    await page.getByRole('button', { name: 'ミニアプリを開く' }).click()
    const miniApp = page.getByRole('complementary', { name: 'ミニアプリ（山田 花子 さん）' })
    const frame = miniApp.getByTitle('ミニアプリの画面').contentFrame()
    await frame.getByText('山田 花子 さん、こんにちは').waitFor()

    // The same, full screen in a tab of its own.
    const [app] = await Promise.all([
      context.waitForEvent('page'),
      miniApp.getByRole('link', { name: '新しいタブで開く' }).click(),
    ])
    await app.getByRole('link', { name: /会員証/ }).click()
    const card = app.getByRole('article', { name: 'MEMBERS CARD' })
    await card.getByRole('img', { name: '会員証のQRコード' }).waitFor()
    expect(await card.getByText('山田 花子 様').isVisible()).toBe(true)
    expect(digits(await card.getByText('会員番号').textContent())).toBe(member.member_number)
    await screenshot(app, 'member-card')

    await app.goto(`${server.url}/liff/profile`)
    const birthday = app.getByLabel('生年月日')
    await birthday.fill('1899-12-31')
    await app.getByRole('radio', { name: '女性' }).check()
    await app.getByRole('combobox', { name: 'お住まいの地域' }).selectOption({ label: '東京都' })
    await app.getByRole('checkbox', { name: 'フード' }).check()
    await app.getByRole('checkbox', { name: 'スイーツ' }).check()
    // Registration asks for the agreement to the privacy policy and terms (members' data rights).
    await app.getByRole('checkbox', { name: 'プライバシーポリシーと利用規約に同意します' }).check()
    await app.getByRole('button', { name: '保存する' }).click()

    // One mistake: said at the top and beside the field, and nothing is saved.
    await app.getByRole('alert').filter({ hasText: '入力内容をご確認ください' }).waitFor()
    const problem = /生年月日を確認してください|正しい生年月日を入力してください/
    expect(await app.getByText(problem).isVisible()).toBe(true)
    expect(await birthday.getAttribute('aria-invalid')).toBe('true')
    expect(server.rows('SELECT 1 FROM member_profiles WHERE member_id = ?', member.id)).toEqual([])

    await birthday.fill('1990-05-12')
    await app.getByRole('button', { name: '保存する' }).click()
    await app.getByRole('status').getByText('プロフィールを保存しました').waitFor()
    expect(await birthday.getAttribute('aria-invalid')).toBeNull()
    await screenshot(app, 'member-profile')

    expect(
      server.rows(
        `SELECT birthday, gender, prefecture, interests, marketing_choice
           FROM member_profiles WHERE member_id = ?`,
        member.id,
      ),
    ).toEqual([
      {
        birthday: '1990-05-12',
        gender: 'female',
        prefecture: '13',
        interests: '["food","sweets"]',
        // Saving the profile is not a choice about news (that is its own switch).
        marketing_choice: null,
      },
    ])
    expect(errors).toEqual([])
    await context.close()
  }, 60_000)

  it('lets the demo owner find a member by number in the staff screens and tag them', async () => {
    const api = (path: string, body?: unknown) =>
      fetch(`${server.url}/sandbox/api${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body ?? {}),
      }).then((response) => response.json() as Promise<{ userId: string }>)
    const { userId } = await api('/users', { displayName: '佐藤 健', language: 'ja' })
    await api(`/users/${userId}/follow`)
    const member = await memberOf(userId)

    const { context, page, errors } = await openPage(browser, DESKTOP)
    await page.goto(`${server.url}/sandbox`)
    const [staff] = await Promise.all([
      context.waitForEvent('page'),
      page.getByRole('link', { name: /スタッフ画面を開く/ }).click(),
    ])
    await staff.getByText('デモ店長').first().waitFor()

    const nav = staff.getByRole('navigation', { name: 'メインメニュー' })
    await nav.getByRole('link', { name: 'タグ' }).click()
    await staff.getByRole('textbox', { name: '新しいタグ' }).fill('常連候補')
    await staff.getByRole('button', { name: '作成' }).click()
    await staff.getByRole('link', { name: /常連候補/ }).waitFor()

    await nav.getByRole('link', { name: '会員' }).click()
    await staff.getByRole('searchbox', { name: '検索' }).fill(member.member_number)
    const rows = staff.getByRole('main').getByRole('listitem')
    await expect.poll(() => rows.count(), EVENTUALLY).toBe(1)
    await rows.getByRole('link', { name: /佐藤 健/ }).click()

    await staff.getByRole('heading', { name: '佐藤 健' }).waitFor()
    await staff.getByRole('combobox', { name: 'タグを追加' }).selectOption({ label: '常連候補' })
    await staff.getByRole('button', { name: 'タグを追加' }).click()
    await staff.getByRole('button', { name: 'タグ「常連候補」を外す' }).waitFor()
    await screenshot(staff, 'staff-member')

    expect(
      server.rows(
        `SELECT t.name FROM member_tags mt JOIN tags t ON t.id = mt.tag_id WHERE mt.member_id = ?`,
        member.id,
      ),
    ).toEqual([{ name: '常連候補' }])
    expect(errors).toEqual([])
    await context.close()
  }, 60_000)
})
