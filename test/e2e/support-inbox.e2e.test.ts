import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createSandboxCustomer,
  DESKTOP,
  launchBrowser,
  openPage,
  PHONE,
  screenshot,
} from './browser.ts'
import { startSandboxServer, type SandboxServer } from './sandbox-server.ts'

/** The bot answers after the webhook's 200, and the inbox polls every few seconds. */
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

/** What the LINE stand-in delivered to this user, as the sandbox page reads it. */
async function received(userId: string) {
  const response = await fetch(`${server.url}/sandbox/api/users/${userId}/messages`)
  return (await response.json()) as { via: string; message: { type: string; text?: string } }[]
}

/** POST to the sandbox page's API (the LINE stand-in delivers it as a webhook). */
async function sandbox<T = unknown>(path: string, body: unknown = {}): Promise<T> {
  const response = await fetch(`${server.url}/sandbox/api${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return (await response.json()) as T
}

async function say(page: Page, text: string) {
  const input = page.getByRole('textbox', { name: 'メッセージ' })
  await input.fill(text)
  await input.press('Enter')
  await page.getByRole('log', { name: 'トーク履歴' }).getByText(text, { exact: true }).waitFor()
}

/** A keyword rule's image (served by the test: the sandbox has no internet). */
const IMAGE_URL = 'https://images.example.com/reservation.png'
const PNG_1X1 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='

describe('the support inbox, through the sandbox', () => {
  it('an unanswerable question reaches the inbox; staff reply; the customer sees it', async () => {
    const customer = await openPage(browser, PHONE)
    const chat = customer.page
    await chat.goto(`${server.url}/sandbox`)
    const userId = await createSandboxCustomer(chat, '佐藤 花子')
    await chat.getByRole('button', { name: '友だち追加' }).click()
    const log = chat.getByRole('log', { name: 'トーク履歴' })
    await log
      .getByText(/友だち追加ありがとうございます/)
      .first()
      .waitFor(EVENTUALLY)

    // Something no FAQ answers: the bot hands over, with the business hours, once.
    const question = '昨日お店に青い傘を忘れたかもしれません'
    await say(chat, question)
    await expect.poll(() => log.getByText(/営業時間/).count(), EVENTUALLY).toBe(1)
    const [member] = server.rows<{ member_number: string }>(
      'SELECT member_number FROM members WHERE line_user_id = ?',
      userId,
    )
    const memberNumber = member!.member_number

    // The demo owner writes a note on the member: it shows beside the thread.
    const staffSide = await openPage(browser, DESKTOP)
    const staff = staffSide.page
    await staff.goto(`${server.url}/sandbox`)
    const [desk] = await Promise.all([
      staffSide.context.waitForEvent('page'),
      staff.getByRole('link', { name: /スタッフ画面を開く/ }).click(),
    ])
    await desk.getByText('デモ店長').first().waitFor()
    await desk.goto(`${server.url}/staff/members/${memberNumber}`)
    await desk.getByRole('textbox', { name: '新しいメモ' }).fill('青い傘をお預かり中か確認する')
    await desk.getByRole('button', { name: 'メモを追加' }).click()
    await desk.getByText('メモを追加しました').waitFor()

    // The inbox: unread, bold, with a badge on the navigation entry.
    const nav = desk.getByRole('navigation', { name: 'メインメニュー' })
    await nav.getByRole('link', { name: /問い合わせ/ }).click()
    const badge = nav.getByTestId('inbox-unread-badge')
    await badge.waitFor(EVENTUALLY)
    expect(await badge.locator('[aria-hidden="true"]').innerText()).toBe('1')
    expect(await badge.getByText('未読 1件').count()).toBe(1)
    const list = desk.getByTestId('conversations')
    const row = list.getByRole('link', { name: /佐藤 花子/ })
    await row.waitFor(EVENTUALLY)
    expect(await row.getAttribute('class')).toContain('is-unread')
    expect(await row.getByText('未読 1件').count()).toBe(1)
    expect(await row.getByText('対応中').isVisible()).toBe(true)
    // The preview is the customer's last message, not the bot's acknowledgement after it.
    expect(await row.getByText(question).isVisible()).toBe(true)
    expect(await row.getByText(/営業時間/).count()).toBe(0)
    await desk.evaluate(() => ((window as { noReload?: boolean }).noReload = true))

    // The thread: the customer on the left, the bot's acknowledgement on the right, labelled.
    await row.click()
    const thread = desk.getByTestId('thread')
    await thread.getByText(question).waitFor()
    const bot = thread.getByRole('article', { name: 'ボット' }).filter({ hasText: '営業時間' })
    expect(await bot.count()).toBe(1)
    const context = desk.getByTestId('member-context')
    await context.getByText('青い傘をお預かり中か確認する').waitFor()
    expect(await context.getByText(/0 pt/).isVisible()).toBe(true)
    expect(await context.getByRole('link', { name: '会員ページを開く' }).getAttribute('href')).toBe(
      `/staff/members/${memberNumber}`,
    )
    // Opening it read it.
    await expect.poll(() => row.getAttribute('class'), EVENTUALLY).not.toContain('is-unread')

    // The bot's acknowledgement used the reply token: the console says the reply is a billed push.
    const mode = desk.locator('#reply-mode')
    expect(await mode.innerText()).toContain('プッシュ送信（通数にカウントされます）')
    const reply = desk.getByRole('textbox', { name: '返信' })
    await reply.fill('お問い合わせありがとうございます。青い傘はお店でお預かりしています。')
    await screenshot(desk, 'inbox-before-reply')
    await reply.press('Control+Enter')
    await desk
      .getByText('プッシュでの送信を受け付けました（通数にカウントされます', { exact: false })
      .waitFor(EVENTUALLY)
    await thread
      .getByRole('article', { name: 'デモ店長' })
      .getByText(/青い傘はお店でお預かりしています/)
      .waitFor(EVENTUALLY)

    // The customer sees it in the chat, marked as a billed push.
    await log.getByText(/青い傘はお店でお預かりしています/).waitFor(EVENTUALLY)
    const first = (await received(userId)).filter((m) => m.message.text?.includes('青い傘'))
    expect(first.map((m) => m.via)).toEqual(['push'])

    // Back on the list: the customer writes again and the row comes back unread, no reload.
    await nav.getByRole('link', { name: /問い合わせ/ }).click()
    await desk.getByText('左の一覧から問い合わせを選んでください。').waitFor()
    const again = 'ありがとうございます！今日の夕方に取りに行きます'
    await say(chat, again)
    await row.getByText(again).waitFor(EVENTUALLY)
    expect(await row.getAttribute('class')).toContain('is-unread')
    expect(await desk.evaluate(() => (window as { noReload?: boolean }).noReload)).toBe(true)
    // The acknowledgement went once per conversation, not on every message.
    await chat.waitForTimeout(1000)
    expect(await log.getByText(/営業時間/).count()).toBe(1)

    // This time the customer's reply token is fresh: the reply is free, and a double click
    // sends it once.
    await row.click()
    await thread.getByText(again).waitFor()
    await expect.poll(() => mode.innerText(), EVENTUALLY).toContain('無料の応答メッセージで送信')
    await reply.fill('お待ちしております。')
    await desk.getByRole('button', { name: '送信', exact: true }).dblclick()
    await desk
      .getByText('無料の応答メッセージとして送信を受け付けました', { exact: false })
      .waitFor(EVENTUALLY)
    await log.getByText('お待ちしております。').waitFor(EVENTUALLY)
    await chat.waitForTimeout(1000)
    const second = (await received(userId)).filter((m) => m.message.text === 'お待ちしております。')
    expect(second.map((m) => m.via)).toEqual(['reply'])
    expect(
      server.rows<{ n: number }>(
        "SELECT COUNT(*) AS n FROM chat_messages WHERE origin = 'staff'",
      )[0]?.n,
    ).toBe(2)
    await screenshot(desk, 'inbox-after-reply')
    await screenshot(chat, 'sandbox-staff-reply')

    // On a phone the panes stack: the thread alone, with a way back to the list.
    await desk.setViewportSize({ width: 390, height: 844 })
    expect(await desk.getByTestId('conversations').isVisible()).toBe(false)
    expect(await desk.getByRole('link', { name: '一覧へ戻る' }).isVisible()).toBe(true)
    const layout = await desk.evaluate(() => {
      const small: string[] = []
      const controls = document.querySelectorAll<HTMLElement>(
        '.main button, .main a, .main select, .main textarea, .main input:not([type=checkbox])',
      )
      for (const control of controls) {
        const box = control.getBoundingClientRect()
        if (box.width > 0 && box.height < 44) small.push(control.outerHTML.slice(0, 80))
      }
      return { width: document.documentElement.scrollWidth, small }
    })
    expect(layout).toEqual({ width: 390, small: [] })
    await screenshot(desk, 'inbox-phone-thread')
    await desk.getByRole('link', { name: '一覧へ戻る' }).click()
    await desk.getByTestId('conversations').waitFor()
    expect(await desk.getByTestId('thread').count()).toBe(0)
    await desk.setViewportSize({ width: 1280, height: 900 })

    // The new conversation raised an alert: it is resolved on the alerts screen.
    await desk.getByRole('link', { name: /アラート/ }).click()
    const alerts = desk.getByTestId('alerts')
    const alert = alerts.getByRole('listitem').filter({ hasText: '佐藤 花子' })
    await alert.getByText('新しい問い合わせ').waitFor()
    await alert.getByRole('button', { name: '対応済みにする' }).click()
    await desk.getByText('未対応のアラートはありません').waitFor()
    expect(
      server.rows<{ resolved: number }>(
        'SELECT resolved_at IS NOT NULL AS resolved FROM staff_alerts',
      ),
    ).toEqual([{ resolved: 1 }])

    // One's own LINE alerts: opt in with quiet hours.
    const prefs = desk.getByTestId('alert-prefs')
    await prefs.getByRole('checkbox', { name: 'LINEで通知を受け取る' }).check()
    await prefs.getByRole('checkbox', { name: 'おやすみ時間を設定する' }).check()
    await prefs.getByLabel('開始').fill('21:30')
    await prefs.getByLabel('終了').fill('07:00')
    await prefs.getByRole('button', { name: '保存する' }).click()
    await desk.getByText('通知設定を保存しました').waitFor()
    expect(
      server.rows('SELECT line_alerts, quiet_start, quiet_end FROM staff_alert_prefs'),
    ).toEqual([{ line_alerts: 1, quiet_start: '21:30', quiet_end: '07:00' }])

    expect(customer.errors).toEqual([])
    expect(staffSide.errors).toEqual([])
    await customer.context.close()
    await staffSide.context.close()
  }, 90_000)

  it('staff keep FAQ, keyword rules (unsafe regex refused, image reply) and canned replies', async () => {
    const { context, page, errors } = await openPage(browser, DESKTOP)
    // A customer whose question went to staff (through the sandbox's own API).
    const { userId } = await sandbox<{ userId: string }>('/users', {
      displayName: '田中 一郎',
      language: 'ja',
    })
    await sandbox(`/users/${userId}/follow`)
    await sandbox(`/users/${userId}/text`, { text: '駐輪場の場所を教えてください' })
    await expect
      .poll(() => server.rows('SELECT 1 FROM conversations').length, EVENTUALLY)
      .toBeGreaterThan(0)
    await page.goto(`${server.url}/sandbox`)
    const [desk] = await Promise.all([
      context.waitForEvent('page'),
      page.getByRole('link', { name: /スタッフ画面を開く/ }).click(),
    ])
    await desk.getByText('デモ店長').first().waitFor()
    await desk.route(`${IMAGE_URL}*`, (route) =>
      route.fulfill({ contentType: 'image/png', body: Buffer.from(PNG_1X1, 'base64') }),
    )
    const nav = desk.getByRole('navigation', { name: 'メインメニュー' })
    await nav.getByRole('link', { name: 'FAQ・自動応答' }).click()

    // A new entry with two wordings of the question.
    await desk.getByRole('button', { name: 'FAQを追加' }).click()
    await desk.getByRole('textbox', { name: '質問 1' }).fill('駐車場はありますか')
    await desk.getByRole('button', { name: '言い換えを追加' }).click()
    await desk.getByRole('textbox', { name: '質問 2' }).fill('車で行っても停められますか')
    await desk.getByRole('textbox', { name: '回答' }).fill('店舗裏に3台分の駐車場があります。')
    await desk.getByRole('button', { name: 'FAQを作成' }).click()
    await desk.getByText('FAQを作成しました').waitFor()
    await desk.getByTestId('faq-entries').getByText('駐車場はありますか').waitFor()

    // 「試す」 says which entry answers a paraphrase, and how sure the bot is.
    await desk
      .getByRole('textbox', { name: 'お客さまのメッセージ' })
      .fill('ちゅうしゃじょうってありますか？')
    await desk.getByRole('button', { name: '試す', exact: true }).click()
    const result = desk.getByTestId('faq-try-result')
    await result.getByText(/このFAQが答えます（確信度 \d+%）/).waitFor()
    expect(await result.getByText('店舗裏に3台分の駐車場があります。').isVisible()).toBe(true)
    await desk
      .getByRole('textbox', { name: 'お客さまのメッセージ' })
      .fill('ポイントカードを失くしました')
    await desk.getByRole('button', { name: '試す', exact: true }).click()
    await result.getByText('どのFAQか確信が持てないため、スタッフに引き継ぎます').waitFor()

    // A keyword rule: an unsafe regular expression is refused beside the field.
    await desk.getByRole('link', { name: 'キーワード' }).click()
    await desk.getByRole('button', { name: 'ルールを追加' }).click()
    await desk.getByRole('combobox', { name: '一致のしかた' }).selectOption('regex')
    const pattern = desk.getByRole('textbox', { name: 'キーワード' })
    await pattern.fill('予約(?=したい)')
    await desk.getByText(/この正規表現は使えません/).waitFor()
    expect(await pattern.getAttribute('aria-invalid')).toBe('true')
    await pattern.fill('予約.*(変更|キャンセル)')
    expect(await desk.getByText(/この正規表現は使えません/).count()).toBe(0)
    await desk
      .getByRole('textbox', { name: 'メッセージ 1（テキスト）' })
      .fill('ご予約の変更はお電話で承ります。')
    await desk.getByRole('button', { name: '画像を追加' }).click()
    await desk.getByRole('textbox', { name: 'メッセージ 2（画像 URL）' }).fill(IMAGE_URL)
    await desk.getByRole('button', { name: 'ルールを作成' }).click()
    await desk.getByText('ルールを作成しました').waitFor()
    await desk.getByTestId('keyword-rules').getByText('予約.*(変更|キャンセル)').waitFor()
    expect(server.rows('SELECT match, pattern FROM keyword_rules')).toEqual([
      { match: 'regex', pattern: '予約.*(変更|キャンセル)' },
    ])
    await screenshot(desk, 'faq-keyword-rules')

    // A canned reply.
    await desk.getByRole('link', { name: '定型文' }).click()
    await desk.getByRole('button', { name: '定型文を追加' }).click()
    await desk.getByRole('textbox', { name: 'タイトル' }).fill('営業時間のご案内')
    await desk.getByRole('textbox', { name: '本文' }).fill('営業時間は10時から19時です。')
    await desk.getByRole('button', { name: '保存する' }).click()
    await desk.getByTestId('canned-replies').getByText('営業時間のご案内').waitFor()

    // The customer trips the rule: the bot's image shows in the thread as a thumbnail that
    // opens full size; the canned reply is offered in the reply box.
    await sandbox(`/users/${userId}/text`, { text: '予約を変更したいです' })
    await nav.getByRole('link', { name: /問い合わせ/ }).click()
    await desk
      .getByTestId('conversations')
      .getByRole('link', { name: /田中 一郎/ })
      .click()
    const thread = desk.getByTestId('thread')
    await thread.getByText('ご予約の変更はお電話で承ります。').waitFor(EVENTUALLY)
    await thread.getByRole('button', { name: '画像を原寸で開く' }).click()
    const full = desk.getByRole('dialog', { name: '画像' })
    await full.getByRole('img', { name: '画像' }).waitFor()
    await full.getByRole('button', { name: '閉じる' }).click()
    expect(await full.count()).toBe(0)
    await desk.getByRole('combobox', { name: '定型文' }).selectOption({ label: '営業時間のご案内' })
    expect(await desk.getByRole('textbox', { name: '返信' }).inputValue()).toBe(
      '営業時間は10時から19時です。',
    )

    expect(errors).toEqual([])
    await context.close()
  }, 60_000)
})
