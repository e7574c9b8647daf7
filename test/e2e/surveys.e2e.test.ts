import { readFileSync } from 'node:fs'
import type { Browser, Locator, Page } from 'playwright-core'
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

async function sandboxPost<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.url}/sandbox/api${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  })
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`)
  return (await response.json()) as T
}

/** A LINE user who has added the shop as a friend, and is therefore a member. */
async function followingCustomer(displayName: string, language = 'ja'): Promise<string> {
  const { userId } = await sandboxPost<{ userId: string }>('/users', {
    displayName,
    language,
  })
  await sandboxPost(`/users/${userId}/follow`)
  await expect
    .poll(
      () => server.rows('SELECT 1 FROM members WHERE line_user_id = ?', userId).length,
      EVENTUALLY,
    )
    .toBe(1)
  return userId
}

/** The API as `userId` would call it from the mini-app or console (a real stand-in ID token). */
async function memberApi(userId: string, method: string, path: string, body?: unknown) {
  const { idToken } = await sandboxPost<{ idToken: string }>(`/users/${userId}/id-token`)
  return fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${idToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
}

/** The fieldset of the question whose legend contains `label`. */
const question = (page: Page, label: string): Locator =>
  page.locator('fieldset.sv-question').filter({ hasText: label })

async function widthOf(locator: Locator): Promise<number> {
  const box = await locator.boundingBox()
  if (!box) throw new Error('not rendered')
  return box.width
}

describe('surveys, through the sandbox', () => {
  it('staff design a survey with a reward; a member answers it in the mini-app; staff see the chart', async () => {
    const memberUserId = await followingCustomer('佐藤 美咲')
    const { userId: ownerId } = await fetch(`${server.url}/sandbox/api/demo-owner`).then(
      (r) => r.json() as Promise<{ userId: string }>,
    )

    // ── Staff: a reward coupon template, then the survey, through the console. ──
    const staff = await openPage(browser, DESKTOP)
    const console_ = staff.page
    await console_.goto(`${server.url}/staff/coupons?sandboxUser=${ownerId}&lang=ja`)
    await console_.getByRole('textbox', { name: 'タイトル' }).first().fill('回答お礼ドリンク')
    await console_.getByRole('spinbutton', { name: '割引額（円）' }).first().fill('200')
    await console_.getByRole('button', { name: 'テンプレートを作成' }).click()
    await console_.getByTestId('coupon-templates').getByText('回答お礼ドリンク').waitFor()

    const nav = console_.getByRole('navigation', { name: 'メインメニュー' })
    await nav.getByRole('link', { name: 'アンケート', exact: true }).click()
    await console_.getByRole('link', { name: '新しいアンケート' }).click()
    await console_.getByRole('textbox', { name: 'タイトル' }).fill('ご来店満足度アンケート')
    await console_
      .getByRole('textbox', { name: 'はじめの説明（任意）' })
      .fill('1分で終わります。ご協力をお願いします。')
    // Q1 is a single choice already; two options.
    const editors = console_.getByTestId('question-editor')
    const q1 = editors.nth(0)
    await q1.getByRole('textbox', { name: '質問文' }).fill('今日のご来店の目的は？')
    await q1.getByRole('textbox', { name: '選択肢 1' }).fill('ランチ')
    await q1.getByRole('textbox', { name: '選択肢 2' }).fill('カフェ')
    // Choosing ランチ tags the member and sets their visit purpose.
    await q1
      .getByText(/この選択肢で付けるタグ/)
      .first()
      .click()
    await q1.getByRole('textbox', { name: 'この選択肢で付けるタグ' }).fill('ランチ客')
    await q1.getByRole('textbox', { name: '属性名（例：interests）' }).fill('visit_purpose')
    await q1.getByRole('textbox', { name: '値（例：コーヒー）' }).fill('ランチ')
    // Q2: NPS, Q3: free text with a 30-character limit (optional).
    await console_.getByRole('button', { name: /おすすめ度（NPS/ }).click()
    await editors.nth(1).getByRole('textbox', { name: '質問文' }).fill('友人にすすめたいですか？')
    await console_.getByRole('button', { name: /自由記述/ }).click()
    const q3 = editors.nth(2)
    await q3.getByRole('textbox', { name: '質問文' }).fill('ご意見をお聞かせください')
    await q3.getByRole('checkbox', { name: '必須' }).uncheck()
    await q3.getByRole('spinbutton', { name: '最大文字数' }).fill('30')
    await console_
      .getByRole('combobox', { name: 'お礼のクーポン' })
      .selectOption({ label: '回答お礼ドリンク' })
    await screenshot(console_, 'survey-editor')
    await console_.getByRole('button', { name: '保存して受付を開始' }).click()
    const list = console_.getByTestId('survey-list')
    await list.getByText('ご来店満足度アンケート').waitFor()
    await list.getByText('受付中').waitFor()
    const [survey] = server.rows<{ id: number; status: string; reward_template_id: number }>(
      'SELECT id, status, reward_template_id FROM surveys',
    )
    expect(survey).toMatchObject({ status: 'open' })
    expect(survey!.reward_template_id).toBeGreaterThan(0)

    // ── Member: from the mini-app home to the one-page form. ──
    const member = await openPage(browser, PHONE)
    const app = member.page
    await app.goto(`${server.url}/liff/?sandboxUser=${memberUserId}&lang=ja`)
    const entry = app
      .getByTestId('home-surveys')
      .getByRole('link', { name: /ご来店満足度アンケート/ })
    await entry.getByText('未回答').waitFor()
    await screenshot(app, 'survey-home')
    await entry.click()
    await app.getByRole('heading', { name: 'ご来店満足度アンケート' }).waitFor()
    const progress = app.getByRole('progressbar', { name: '回答の進み具合' })
    expect(await progress.getAttribute('aria-valuetext')).toBe('必須の質問 0 / 2 回答済み')

    // Large touch targets: every radio card and scale button is at least 44 × 44 px.
    for (const target of await app.locator('.sv-card, .sv-scale-item').all()) {
      const box = await target.boundingBox()
      expect(box!.height).toBeGreaterThanOrEqual(44)
      expect(box!.width).toBeGreaterThanOrEqual(44)
    }

    await question(app, '今日のご来店の目的は？').getByText('ランチ').click()
    const opinion = question(app, 'ご意見をお聞かせください').getByRole('textbox')
    const tooLong = 'スタッフの皆さんがとても親切で、料理もおいしかったです。また来ます！'
    await opinion.fill(tooLong)
    await opinion.blur()
    // Over the limit: the counter and the message say so, next to the question.
    const opinionBox = question(app, 'ご意見をお聞かせください')
    await opinionBox.getByText(/30文字以内で入力してください/).waitFor()
    await opinionBox.getByText(/文字オーバー/).waitFor()
    expect(await opinion.getAttribute('aria-invalid')).toBe('true')

    // The draft is kept: leave and come back by the page's own address (a deep link).
    await expect
      .poll(
        () =>
          server.rows<{ answers: string }>('SELECT answers FROM survey_sessions')[0]?.answers ?? '',
        EVENTUALLY,
      )
      .toContain('"q1":"o1"')
    await app.goto(`${server.url}/liff/surveys/${survey!.id}`)
    await question(app, '今日のご来店の目的は？').getByText('ランチ').waitFor()
    expect(
      await question(app, '今日のご来店の目的は？')
        .getByRole('radio', { name: 'ランチ' })
        .isChecked(),
    ).toBe(true)
    expect(await progress.getAttribute('aria-valuetext')).toBe('必須の質問 1 / 2 回答済み')
    // The server draft refuses an over-long text; the device's copy brings it back.
    expect(await opinion.inputValue()).toBe(tooLong)

    // Submit with the NPS question unanswered and the text too long: both are flagged, and the
    // first is scrolled into view and focused.
    await app.getByRole('button', { name: '回答を送信する' }).click()
    const nps = question(app, '友人にすすめたいですか？')
    await nps.getByText('この質問は回答必須です').waitFor()
    await app.getByRole('alert').getByText('入力内容を確認してください（2 件）').waitFor()
    await expect
      .poll(() => nps.evaluate((fieldset) => fieldset.contains(document.activeElement)))
      .toBe(true)
    expect(await nps.getByRole('radio', { name: '9' }).getAttribute('aria-invalid')).toBe('true')
    const describedBy = await nps.getByRole('radio', { name: '9' }).getAttribute('aria-describedby')
    expect(await app.locator(`#${describedBy!.split(' ').at(-1)}`).textContent()).toBe(
      'この質問は回答必須です',
    )
    await opinionBox.getByText(/30文字以内で入力してください/).waitFor()
    await screenshot(app, 'survey-validation')
    expect(server.rows('SELECT 1 FROM survey_responses')).toEqual([])

    // The same form open in a second tab (to send twice).
    const second = await member.context.newPage()
    await second.goto(
      `${server.url}/liff/surveys/${survey!.id}?sandboxUser=${memberUserId}&lang=ja`,
    )
    await second.getByRole('heading', { name: 'ご来店満足度アンケート' }).waitFor()

    // Correct the answer, then send once.
    await nps.getByRole('radio', { name: '9', exact: true }).click()
    await opinion.fill('スタッフが親切で料理もおいしかった')
    await expect.poll(() => app.locator('.sv-error').count()).toBe(0)
    expect(await progress.getAttribute('aria-valuetext')).toBe('必須の質問 2 / 2 回答済み')
    await app.getByRole('button', { name: '回答を送信する' }).click()
    const thanks = app.getByTestId('survey-thanks')
    await thanks.getByText('ご回答ありがとうございました').waitFor()
    await thanks.getByTestId('reward-coupon').getByText('回答お礼ドリンク').waitFor()
    await screenshot(app, 'survey-thanks')

    // Sending again from the other tab is refused: one response, one reward.
    await question(second, '今日のご来店の目的は？').getByText('カフェ').click()
    await question(second, '友人にすすめたいですか？')
      .getByRole('radio', { name: '5', exact: true })
      .click()
    await question(second, 'ご意見をお聞かせください').getByRole('textbox').fill('')
    await second.getByRole('button', { name: '回答を送信する' }).click()
    await second.getByText('このアンケートには回答済みです').waitFor()
    await second.close()
    expect(server.rows('SELECT answers FROM survey_responses')).toHaveLength(1)

    // The answer drove the CRM: the option's tag and attribute are on the member.
    expect(
      server.rows(
        `SELECT t.name FROM member_tags mt JOIN tags t ON t.id = mt.tag_id
         JOIN members m ON m.id = mt.member_id WHERE m.line_user_id = ?`,
        memberUserId,
      ),
    ).toEqual([{ name: 'ランチ客' }])
    expect(
      server.rows(
        `SELECT a.key, a.value FROM member_attributes a JOIN members m ON m.id = a.member_id
         WHERE m.line_user_id = ?`,
        memberUserId,
      ),
    ).toEqual([{ key: 'visit_purpose', value: 'ランチ' }])

    // The reward is in the coupon list at once.
    await thanks.getByRole('link', { name: 'クーポン一覧へ' }).click()
    await app.getByTestId('coupon-list').getByText('回答お礼ドリンク').waitFor()
    expect(server.rows("SELECT source FROM coupons WHERE source = 'survey'")).toHaveLength(1)

    // Back home the survey shows as answered; opening it again says so.
    await app.goto(`${server.url}/liff/`)
    await app.getByTestId('home-surveys').getByText('回答済み').waitFor()
    await app.goto(`${server.url}/liff/surveys/${survey!.id}`)
    await app.getByText('このアンケートには回答済みです').waitFor()

    // Two more members answer through the API: ランチ 2 : カフェ 1, NPS 9 / 3 / 10.
    for (const [name, choice, score] of [
      ['高橋 健', 'o1', 3],
      ['伊藤 さくら', 'o2', 10],
    ] as const) {
      const userId = await followingCustomer(name)
      const response = await memberApi(
        userId,
        'POST',
        `/api/liff/surveys/${survey!.id}/responses`,
        {
          answers: { q1: choice, q2: score },
        },
      )
      expect(response.status).toBe(201)
    }

    // ── Staff: the results page. ──
    await console_.goto(`${server.url}/staff/surveys`)
    await console_.getByTestId('survey-list').getByRole('link', { name: '結果' }).click()
    await console_.getByTestId('response-count').getByText('3', { exact: true }).waitFor()
    const purpose = console_.locator('[data-testid="question-result"][data-question="q1"]')
    const lunch = purpose.locator('[data-label="ランチ"]')
    const cafe = purpose.locator('[data-label="カフェ"]')
    expect(await lunch.locator('.svs-bar-value').textContent()).toMatch(/^2 件/)
    expect(await cafe.locator('.svs-bar-value').textContent()).toMatch(/^1 件/)
    const lunchWidth = await widthOf(lunch.getByTestId('bar'))
    const cafeWidth = await widthOf(cafe.getByTestId('bar'))
    const trackWidth = await widthOf(lunch.locator('.svs-bar-track'))
    expect(lunchWidth / cafeWidth).toBeCloseTo(2, 1)
    expect(lunchWidth / trackWidth).toBeCloseTo(2 / 3, 2)
    // NPS: promoters 9 and 10, one detractor (3) → (2 − 1) / 3 = +33.
    const npsResult = console_.locator('[data-testid="question-result"][data-question="q2"]')
    expect(await npsResult.getByTestId('nps-score').textContent()).toBe('+33')
    expect(await npsResult.getByTestId('nps-promoters').textContent()).toContain('2')
    expect(await npsResult.getByTestId('nps-detractors').textContent()).toContain('1')
    const column = (value: number) =>
      npsResult.locator(`[data-label="${value}"]`).getByTestId('bar').boundingBox()
    const [nine, three, seven] = await Promise.all([column(9), column(3), column(7)])
    expect(nine!.height).toBeGreaterThan(0)
    expect(nine!.height).toBeCloseTo(three!.height, 0)
    expect(seven?.height ?? 0).toBe(0)
    await console_
      .locator('[data-testid="question-result"][data-question="q3"]')
      .getByText('スタッフが親切で料理もおいしかった')
      .waitFor()
    await screenshot(console_, 'survey-results')
    expect(
      await console_.getByRole('combobox', { name: '版' }).locator('option').allTextContents(),
    ).toEqual(['第1版（回答 3 件）'])

    // The CSV download: UTF-8 with a BOM, Japanese intact.
    const [download] = await Promise.all([
      console_.waitForEvent('download'),
      console_.getByRole('button', { name: 'CSV をダウンロード' }).click(),
    ])
    expect(download.suggestedFilename()).toMatch(/\.csv$/)
    const csv = readFileSync((await download.path())!, 'utf8')
    expect(csv.charCodeAt(0)).toBe(0xfeff)
    expect(csv).toContain('今日のご来店の目的は？')
    expect(csv).toContain('スタッフが親切で料理もおいしかった')

    // Editing the answered survey makes version 2; version 1 keeps its three responses.
    await console_.goto(`${server.url}/staff/surveys/${survey!.id}/edit`)
    await console_
      .getByRole('note')
      .getByText(/新しい版になり/)
      .waitFor()
    await console_
      .getByTestId('question-editor')
      .nth(0)
      .getByRole('textbox', { name: '質問文' })
      .fill('本日のご来店の目的は？')
    await console_.getByRole('button', { name: '保存', exact: true }).click()
    await console_.getByText('保存しました（第2版になりました）').waitFor()
    await console_.goto(`${server.url}/staff/surveys/${survey!.id}/results`)
    await console_.getByTestId('response-count').getByText('0', { exact: true }).waitFor()
    expect(
      await console_.getByRole('combobox', { name: '版' }).locator('option').allTextContents(),
    ).toEqual(['第2版（回答 0 件）', '第1版（回答 3 件）'])

    expect(staff.errors).toEqual([])
    // The second tab's refused submit is the only failed request the member side saw.
    expect(member.errors.filter((e) => !/status of 409/.test(e))).toEqual([])
    await member.context.close()
    await staff.context.close()
  }, 120_000)

  it('speaks English to a member whose LINE is in English', async () => {
    const { userId: ownerId } = await fetch(`${server.url}/sandbox/api/demo-owner`).then(
      (r) => r.json() as Promise<{ userId: string }>,
    )
    const created = await memberApi(ownerId, 'POST', '/api/staff/surveys', {
      title: 'Quick feedback',
      questions: [
        { id: 'q1', type: 'rating', label: 'How was the coffee?', required: true },
        { id: 'q2', type: 'date', label: 'When did you visit?', required: false },
      ],
    })
    expect(created.status).toBe(201)
    const { id } = (await created.json()) as { id: number }
    expect((await memberApi(ownerId, 'POST', `/api/staff/surveys/${id}/open`)).status).toBe(200)

    const userId = await followingCustomer('Alex Smith', 'en')
    const member = await openPage(browser, { ...PHONE, locale: 'en-US' })
    const app = member.page
    await app.goto(`${server.url}/liff/surveys/${id}?sandboxUser=${userId}&lang=en`)
    await app.getByRole('heading', { name: 'Quick feedback' }).waitFor()
    const rating = question(app, 'How was the coffee?')
    await rating.getByText('Very dissatisfied', { exact: true }).waitFor()
    await app.getByRole('button', { name: 'Send my answers' }).click()
    await rating.getByText('Please answer this question').waitFor()
    await rating.getByRole('radio', { name: '4', exact: true }).click()
    await question(app, 'When did you visit?')
      .getByLabel(/When did you visit/)
      .fill('2026-11-20')
    await app.getByRole('button', { name: 'Send my answers' }).click()
    await app.getByText('Thank you for your answers').waitFor()
    expect(server.rows('SELECT answers FROM survey_responses WHERE survey_id = ?', id)).toEqual([
      { answers: JSON.stringify({ q1: 4, q2: '2026-11-20' }) },
    ])
    expect(member.errors).toEqual([])
    await member.context.close()
  }, 60_000)
})
