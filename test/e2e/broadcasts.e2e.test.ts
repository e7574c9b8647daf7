import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, launchBrowser, openPage, openStaffConsole, PHONE, screenshot } from './browser.ts'
import { contactAtAnyHour, startSandboxServer, type SandboxServer } from './sandbox-server.ts'

const EVENTUALLY = { timeout: 15_000 }
const DAY_MS = 86_400_000
const COUPON_TITLE = 'おかえりクーポン 500円引き'

let server: SandboxServer
let browser: Browser

beforeAll(async () => {
  ;[server, browser] = await Promise.all([startSandboxServer(), launchBrowser()])
  await contactAtAnyHour(server)
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function call<T>(
  method: string,
  path: string,
  options: { token?: string; apiKey?: string; body?: unknown; idempotencyKey?: string } = {},
): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (options.token) headers.authorization = `Bearer ${options.token}`
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text}`)
  return (text ? JSON.parse(text) : undefined) as T
}

/** A real ES256 ID token for a stand-in user, as the mini-app and staff screens get it. */
const idToken = async (userId: string) =>
  (await call<{ idToken: string }>('POST', `/sandbox/api/users/${userId}/id-token`)).idToken

/** A customer follows the account, becomes a member and agrees to receive news. */
async function customer(displayName: string) {
  const { userId, memberNumber } = await server.follow(displayName)
  await server.optIn(userId)
  return { userId, memberNumber, displayName }
}

/** Texts and Flex alt texts the account has sent this user (as the stand-in recorded them). */
async function received(userId: string): Promise<string[]> {
  const messages = await call<{ message: { type: string; text?: string; altText?: string } }[]>(
    'GET',
    `/sandbox/api/users/${userId}/messages`,
  )
  return messages.map((m) => m.message.text ?? m.message.altText ?? m.message.type)
}

describe('segment broadcasts, through the sandbox', () => {
  it('staff send a coupon to "dormant ≥ 90 days and tier ≥ シルバー"; only that customer gets it', async () => {
    // Three customers: only 鈴木 is both dormant (last purchase 120 days ago) and シルバー or above.
    const [dormantSilver, activeSilver, dormantBronze] = await Promise.all([
      customer('鈴木 一郎'),
      customer('佐藤 花子'),
      customer('田中 次郎'),
    ])

    // Purchase history through the integration API (its purchasedAt dates them in the past).
    const { userId: ownerUserId } = await call<{ userId: string }>('GET', '/sandbox/api/demo-owner')
    const owner = await idToken(ownerUserId)
    const { key } = await call<{ key: string }>('POST', '/api/staff/api-keys', {
      token: owner,
      body: { name: 'POS', scopes: ['purchases:write'] },
    })
    const now = Date.now()
    const purchases: [string, number, number][] = [
      [dormantSilver.memberNumber, 42_000, 120],
      [activeSilver.memberNumber, 38_000, 150],
      [activeSilver.memberNumber, 3_000, 10],
      [dormantBronze.memberNumber, 4_000, 120],
    ]
    for (const [index, [memberNumber, amountYen, daysAgo]] of purchases.entries()) {
      await call('POST', '/api/v1/purchases', {
        apiKey: key,
        idempotencyKey: `seed-${index}`,
        body: {
          memberNumber,
          amountYen,
          purchasedAt: new Date(now - daysAgo * DAY_MS).toISOString(),
        },
      })
    }
    // The coupon the broadcast hands out.
    await call('POST', '/api/staff/coupons/templates', {
      token: owner,
      body: {
        kind: 'yen_off',
        title: COUPON_TITLE,
        conditions: null,
        imageUrl: null,
        value: 500,
        validity: 'days',
        validDays: 30,
        totalLimit: null,
        perMemberLimit: 1,
        pointsCost: null,
      },
    })

    // The owner composes in the console.
    const shop = await openPage(browser, DESKTOP)
    const staff = await openStaffConsole(shop.page, server.url)
    const nav = staff.getByRole('navigation', { name: 'メインメニュー' })

    // The segment, built in the segment builder: the count follows the rules as they are edited.
    await nav.getByRole('link', { name: 'セグメント', exact: true }).click()
    await staff.getByRole('button', { name: /^＋ 新しいセグメント/ }).click()
    await staff.getByRole('textbox', { name: 'セグメント名' }).fill('休眠シルバー以上')
    const addCondition = staff.getByRole('button', { name: /条件を追加/ })
    await addCondition.click()
    await staff.getByRole('spinbutton', { name: '最終購入からの日数' }).fill('90')
    await staff
      .getByRole('combobox', { name: '最終購入からの日数' })
      .selectOption({ label: '日以上前' })
    await expect
      .poll(() => staff.getByTestId('segment-count').textContent(), EVENTUALLY)
      .toBe('2人')
    await addCondition.click()
    await staff
      .getByRole('combobox', { name: '条件の種類' })
      .nth(1)
      .selectOption({ label: 'ランク' })
    const tier = staff.getByRole('combobox', { name: 'ランク', exact: true })
    await tier.first().selectOption({ label: 'シルバー' })
    await tier.nth(1).selectOption({ label: '以上' })
    await expect
      .poll(() => staff.getByTestId('segment-count').textContent(), EVENTUALLY)
      .toBe('1人')
    expect(await staff.getByTestId('segment-sendable').textContent()).toContain('1人')
    await screenshot(staff, 'broadcast-segment-builder')
    await staff.getByRole('button', { name: '保存', exact: true }).click()
    await staff
      .getByRole('navigation', { name: 'セグメント' })
      .getByRole('button', { name: '休眠シルバー以上' })
      .waitFor()

    await nav.getByRole('link', { name: '配信', exact: true }).click()
    await staff.getByRole('link', { name: '新しい配信を作る' }).click()
    await staff
      .getByRole('textbox', { name: /配信のタイトル/ })
      .fill('休眠のお客さまへ 再来店クーポン')

    // Text with a placeholder chip, then a coupon card.
    const text = staff.getByRole('textbox', { name: '本文' })
    await text.fill('さん、お久しぶりです！')
    await text.press('Home')
    await staff
      .getByRole('group', { name: '差し込み項目を挿入' })
      .getByRole('button', { name: /お名前/ })
      .click()
    await text.press('End')
    await text.pressSequentially(' {coupon} をお届けします。')
    await expect
      .poll(() => text.inputValue())
      .toBe('{name}さん、お久しぶりです！ {coupon} をお届けします。')
    await staff.getByRole('button', { name: 'クーポン', exact: true }).click()
    await staff
      .getByRole('combobox', { name: 'クーポンのテンプレート' })
      .selectOption({ label: COUPON_TITLE })

    // The audience: the segment with its live count; the preview speaks to a member of it.
    const segments = staff.getByTestId('segment-options')
    const option = segments.locator('label', { hasText: '休眠シルバー以上' })
    await expect.poll(() => option.textContent(), EVENTUALLY).toContain('1人')
    await option.getByRole('radio').check()
    const preview = staff.getByTestId('broadcast-preview')
    await preview
      .getByText(`鈴木 一郎さん、お久しぶりです！ ${COUPON_TITLE} をお届けします。`)
      .waitFor()
    await preview.getByText(COUPON_TITLE, { exact: true }).waitFor()
    await expect
      .poll(() => staff.getByTestId('audience-sendable').textContent(), EVENTUALLY)
      .toBe('配信できるのは 1人です')
    await screenshot(staff, 'broadcast-composer')

    // Review: one recipient, one billed message, the month's quota; then send.
    await staff.getByRole('button', { name: '送信内容を確認' }).click()
    const confirm = staff.getByTestId('confirm-panel')
    await confirm.waitFor()
    expect(await confirm.getByTestId('confirm-recipients').textContent()).toBe('1人')
    expect(await confirm.getByTestId('confirm-billed').textContent()).toBe('1')
    expect(await confirm.getByTestId('confirm-quota').textContent()).toMatch(/上限なし|通/)
    await screenshot(confirm, 'broadcast-confirm')
    await confirm.getByRole('button', { name: '送信する' }).click()

    // The broadcast page follows the send to the end.
    await staff.waitForURL(/\/staff\/broadcasts\/\d+$/)
    const progress = staff.getByTestId('broadcast-progress')
    await progress
      .getByTestId('progress-text')
      .filter({ hasText: '1 / 1人に送信済み' })
      .waitFor({ timeout: 30_000 })
    await staff.locator('[data-status="done"]').first().waitFor({ timeout: 30_000 })
    const result = staff.getByTestId('broadcast-result')
    await result.waitFor()
    expect(await result.getByTestId('result-accepted').textContent()).toBe('1人')
    expect(await result.getByTestId('result-failed').textContent()).toBe('0人')
    expect(await result.getByTestId('result-coupons').textContent()).toBe('1')
    const attribution = staff.getByTestId('broadcast-attribution')
    await attribution.getByTestId('attribution-recipients').waitFor()
    expect(await attribution.getByTestId('attribution-recipients').textContent()).toMatch(
      /^配信した方1人/,
    )
    expect(await attribution.getByTestId('attribution-coupons').textContent()).toBe(
      'クーポン利用 0 / 1枚',
    )
    await screenshot(staff, 'broadcast-done')

    // The list shows it sent.
    await staff.getByRole('link', { name: '配信一覧へ' }).click()
    const row = staff.getByTestId('broadcast-list').getByRole('link', { name: /再来店クーポン/ })
    await row.getByText('送信完了').waitFor()
    await expect.poll(() => row.textContent(), EVENTUALLY).toContain('送信済み 1人')
    expect(await row.textContent()).toContain('休眠シルバー以上')

    // The recipient sees the message and the coupon card in the sandbox chat…
    const member = await openPage(browser, PHONE)
    await member.page.goto(`${server.url}/sandbox`)
    await member.page.getByRole('radio', { name: '鈴木 一郎' }).check()
    const log = member.page.getByRole('log', { name: 'トーク履歴' })
    await log
      .getByText(`鈴木 一郎さん、お久しぶりです！ ${COUPON_TITLE} をお届けします。`)
      .waitFor()
    await log.getByText(COUPON_TITLE, { exact: true }).first().waitFor()
    await screenshot(member.page, 'broadcast-received')

    // … and the coupon in the mini-app.
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
    await app.getByTestId('coupon-list').getByText(COUPON_TITLE).waitFor()

    // Nobody else got it: not the active シルバー, not the dormant ブロンズ.
    const texts = await received(dormantSilver.userId)
    expect(texts.filter((t) => t.includes('お久しぶりです'))).toHaveLength(1)
    for (const other of [activeSilver, dormantBronze]) {
      expect((await received(other.userId)).some((t) => t.includes('お久しぶりです'))).toBe(false)
    }
    expect(
      server.rows(
        `SELECT m.line_user_id AS userId FROM coupons c JOIN members m ON m.id = c.member_id
         JOIN coupon_templates t ON t.id = c.template_id WHERE t.title = ?`,
        COUPON_TITLE,
      ),
    ).toEqual([{ userId: dormantSilver.userId }])

    expect(shop.errors).toEqual([])
    expect(member.errors).toEqual([])
    await member.context.close()
    await shop.context.close()
  }, 120_000)

  it('a CSV audience, test-sent to staff, scheduled for tomorrow, then cancelled: no customer receives it', async () => {
    const [first, second] = [await customer('山本 さくら'), await customer('中村 健')]
    const shop = await openPage(browser, DESKTOP)
    const staff = await openStaffConsole(shop.page, server.url)
    // On a phone this time: the tab bar and the sticky actions must not get in the way.
    await staff.setViewportSize({ width: 390, height: 844 })
    await staff.goto(`${server.url}/staff/broadcasts/new`)
    await staff.getByRole('textbox', { name: /配信のタイトル/ }).fill('年末のお知らせ')
    await staff
      .getByRole('textbox', { name: '本文' })
      .fill('{name}さん、年末年始の営業時間のお知らせです。')

    // A CSV of member numbers, read in the browser; a cell that is not a number is reported.
    await staff.getByRole('radio', { name: '会員番号の CSV' }).check()
    await staff.getByLabel(/CSV ファイル/).setInputFiles({
      name: 'members.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`会員番号\n${first.memberNumber}\n${second.memberNumber}\n12345\n`),
    })
    await staff.getByText('2件の会員番号を読み取りました').waitFor()
    await staff.getByText(/1件は会員番号として読み取れませんでした（例: 12345）/).waitFor()
    await expect
      .poll(() => staff.getByTestId('audience-sendable').textContent(), EVENTUALLY)
      .toBe('配信できるのは 2人です')

    // Tomorrow 10:00 in the shop's time zone: no quiet-hours warning.
    const tomorrow = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(
      Date.now() + DAY_MS,
    )
    await staff.getByRole('radio', { name: '日時を指定して予約' }).check()
    await staff.getByLabel('配信日時（お店の時間）').fill(`${tomorrow}T10:00`)
    expect(await staff.getByTestId('quiet-hours').count()).toBe(0)
    // 23:30 is in quiet hours: the composer warns.
    await staff.getByLabel('配信日時（お店の時間）').fill(`${tomorrow}T23:30`)
    await staff.getByTestId('quiet-hours').waitFor()
    await staff.getByLabel('配信日時（お店の時間）').fill(`${tomorrow}T10:00`)

    await screenshot(staff, 'broadcast-composer-phone')

    // A test send to the demo owner (chosen by default; a friend of the account, as LINE only
    // delivers to friends) saves the draft first.
    const { userId: ownerUserId } = await call<{ userId: string }>('GET', '/sandbox/api/demo-owner')
    await call('POST', `/sandbox/api/users/${ownerUserId}/follow`)
    await staff.getByRole('button', { name: 'テスト送信する' }).click()
    await staff.getByRole('status').filter({ hasText: '1人のスタッフに送りました' }).waitFor()
    await expect
      .poll(
        async () => (await received(ownerUserId)).some((t) => t.includes('年末年始')),
        EVENTUALLY,
      )
      .toBe(true)

    // A reload keeps what was entered (and the saved draft it belongs to).
    await staff.reload()
    await staff.getByText('保存前の入力内容を復元しました。').waitFor()
    expect(await staff.getByRole('textbox', { name: /配信のタイトル/ }).inputValue()).toBe(
      '年末のお知らせ',
    )
    await staff.getByText('2件の会員番号を読み取りました').waitFor()
    await staff.getByRole('button', { name: '送信内容を確認' }).click()
    const confirm = staff.getByTestId('confirm-panel')
    expect(await confirm.getByTestId('confirm-recipients').textContent()).toBe('2人')
    expect(await confirm.textContent()).toContain(`${tomorrow.replaceAll('-', '/')} 10:00`)
    await confirm.getByRole('button', { name: '予約する' }).click()

    await staff.waitForURL(/\/staff\/broadcasts\/\d+$/)
    await staff.locator('[data-status="scheduled"]').first().waitFor()
    await staff.getByText(`${tomorrow.replaceAll('-', '/')} 10:00 に送信を始めます`).waitFor()
    await staff.getByRole('button', { name: '配信を中止' }).click()
    await staff.getByRole('dialog').getByRole('button', { name: '配信を中止' }).click()
    await staff.locator('[data-status="cancelled"]').first().waitFor()
    await screenshot(staff, 'broadcast-cancelled')

    for (const who of [first, second]) {
      expect((await received(who.userId)).some((t) => t.includes('年末年始'))).toBe(false)
    }
    expect(server.rows("SELECT status FROM broadcasts WHERE title = '年末のお知らせ'")).toEqual([
      { status: 'cancelled' },
    ])

    // The same page in English (LINE set to English).
    const english = await openPage(browser, DESKTOP)
    await english.page.goto(`${server.url}/staff/broadcasts?sandboxUser=${ownerUserId}&lang=en`)
    const list = english.page.getByTestId('broadcast-list')
    await english.page.getByRole('heading', { name: 'Broadcasts' }).waitFor()
    await list
      .getByRole('link', { name: /年末のお知らせ/ })
      .getByText('Cancelled')
      .waitFor()
    await screenshot(english.page, 'broadcast-list-en')

    expect(shop.errors).toEqual([])
    expect(english.errors).toEqual([])
    await english.context.close()
    await shop.context.close()
  }, 120_000)
})
