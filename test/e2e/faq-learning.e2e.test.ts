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

/**
 * The bot learns from staff, in the console (issue 16): a question it could not answer reaches
 * the inbox; the staff member replies and, under the thread, adds it to the FAQ as a new entry
 * from that reply; the same question is then answered by the bot. The FAQ screen shows the
 * unanswered questions grouped, the per-entry figures, and the starter sets.
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

async function createCustomer(page: Page, name: string): Promise<void> {
  await createSandboxCustomer(page, name)
  await page.getByRole('button', { name: '友だち追加' }).click()
  await page
    .getByRole('log', { name: 'トーク履歴' })
    .getByText(/友だち追加ありがとうございます/)
    .first()
    .waitFor(EVENTUALLY)
}

async function say(page: Page, text: string) {
  const input = page.getByRole('textbox', { name: 'メッセージ' })
  await input.fill(text)
  await input.press('Enter')
  await page
    .getByRole('log', { name: 'トーク履歴' })
    .getByText(text, { exact: true })
    .first()
    .waitFor()
}

describe('the bot learns from staff, in the console', () => {
  it('staff add an unanswered question as a new FAQ from their reply; the bot answers it next time', async () => {
    const customer = await openPage(browser, PHONE)
    const chat = customer.page
    await chat.goto(`${server.url}/sandbox`)
    await createCustomer(chat, '佐藤 花子')
    const log = chat.getByRole('log', { name: 'トーク履歴' })
    const question = 'ヘッドスパのメニューはありますか'
    await say(chat, question)
    await expect.poll(() => log.getByText(/営業時間/).count(), EVENTUALLY).toBe(1)

    const staffSide = await openPage(browser, DESKTOP)
    const staff = staffSide.page
    await staff.goto(`${server.url}/sandbox`)
    const [desk] = await Promise.all([
      staffSide.context.waitForEvent('page'),
      staff.getByRole('link', { name: /スタッフ画面を開く/ }).click(),
    ])
    await desk.getByText('デモ店長').first().waitFor()
    const nav = desk.getByRole('navigation', { name: 'メインメニュー' })
    await nav.getByRole('link', { name: /問い合わせ/ }).click()
    const row = desk.getByTestId('conversations').getByRole('link', { name: /佐藤 花子/ })
    await row.waitFor(EVENTUALLY)
    await row.click()
    await desk.getByTestId('thread').getByText(question).waitFor()

    // Reply, then teach: the panel under the thread offers the question; the reply is the answer.
    const reply = desk.getByRole('textbox', { name: '返信' })
    await reply.fill('ヘッドスパは 30 分 3,300 円です。カットと一緒にご予約いただけます。')
    await reply.press('Control+Enter')
    await desk.getByText(/送信を受け付けました/).waitFor(EVENTUALLY)
    await desk
      .getByTestId('thread')
      .getByText(/ヘッドスパは 30 分/)
      .waitFor(EVENTUALLY)
    const panel = desk.getByTestId('faq-asks-panel')
    await panel.getByText(`「${question}」`).waitFor(EVENTUALLY)
    await panel.getByRole('button', { name: 'FAQに追加' }).click()
    const form = panel.getByTestId('teach-form')
    await form.getByRole('radio', { name: '新しいFAQを作る' }).check()
    await expect
      .poll(() => form.getByRole('textbox', { name: '回答' }).inputValue(), EVENTUALLY)
      .toContain('ヘッドスパは 30 分 3,300 円です。')
    await screenshot(desk, 'faq-teach-from-inbox')
    await form.getByRole('button', { name: '追加する' }).click()
    await desk.getByText('FAQを作成しました').waitFor(EVENTUALLY)
    await expect.poll(() => panel.count(), EVENTUALLY).toBe(0)
    const [entry] = server.rows<{ questions: string; enabled: number }>(
      'SELECT questions, enabled FROM faq_entries',
    )
    expect(JSON.parse(entry!.questions)).toEqual([question])

    // Close the conversation: the bot answers the same question itself now.
    await desk.locator('.thread-controls').getByLabel('状態').selectOption('closed')
    await expect
      .poll(
        () => server.rows<{ status: string }>('SELECT status FROM conversations')[0]?.status,
        EVENTUALLY,
      )
      .toBe('closed')
    await say(chat, question)
    await expect
      .poll(
        () =>
          log
            .getByText('ヘッドスパは 30 分 3,300 円です。カットと一緒にご予約いただけます。')
            .count(),
        EVENTUALLY,
      )
      .toBe(2)

    // The FAQ screen: figures per entry, the unanswered list, and the starter sets.
    await say(chat, '求人の募集はしていますか')
    await nav.getByRole('link', { name: /FAQ/ }).click()
    const figures = desk.getByTestId('faq-figures')
    await figures.getByText('回答 1・解決 0・スタッフへ 0').waitFor(EVENTUALLY)
    await desk.getByRole('link', { name: '答えられなかった質問' }).click()
    const unanswered = desk.getByTestId('faq-unanswered')
    await unanswered.getByText('求人の募集はしていますか').waitFor(EVENTUALLY)
    await screenshot(desk, 'faq-unanswered')
    await unanswered.getByRole('button', { name: '対応不要' }).click()
    await desk.getByText('一覧から外しました').waitFor(EVENTUALLY)

    await desk.getByRole('link', { name: 'FAQ', exact: true }).click()
    const starter = desk.getByTestId('faq-starter')
    await starter.getByText('テンプレートから追加').click()
    await starter.getByLabel('業種').selectOption('bakery')
    await screenshot(desk, 'faq-starter')
    await starter.getByRole('button', { name: /件を追加/ }).click()
    await desk.getByText(/件を追加しました/).waitFor(EVENTUALLY)
    const added = server.rows<{ n: number }>(
      'SELECT COUNT(*) AS n FROM faq_entries WHERE enabled = 0',
    )[0]!.n
    expect(added).toBe(10)
  }, 120_000)
})
