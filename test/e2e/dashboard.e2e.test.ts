import { readFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, launchBrowser, openPage, openStaffConsole, PHONE, screenshot } from './browser.ts'
import { startSandboxServer, type SandboxServer } from './sandbox-server.ts'

const EVENTUALLY = { timeout: 20_000 }
const DAY_MS = 86_400_000

let server: SandboxServer
let browser: Browser

beforeAll(async () => {
  ;[server, browser] = await Promise.all([startSandboxServer(), launchBrowser()])
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function call<T>(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; idempotencyKey?: string } = {},
): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (options.token) headers.authorization = `Bearer ${options.token}`
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

const idToken = async (userId: string) =>
  (await call<{ idToken: string }>('POST', `/sandbox/api/users/${userId}/id-token`)).idToken

/** A customer follows the account, becomes a member and agrees to receive news. */
async function customer(displayName: string) {
  const { userId } = await call<{ userId: string }>('POST', '/sandbox/api/users', {
    body: { displayName, language: 'ja' },
  })
  await call('POST', `/sandbox/api/users/${userId}/follow`)
  const rows = () =>
    server.rows<{ n: string }>(
      'SELECT member_number AS n FROM members WHERE line_user_id = ?',
      userId,
    )
  await expect.poll(() => rows().length, EVENTUALLY).toBe(1)
  await call('PUT', '/api/liff/profile', {
    token: await idToken(userId),
    body: { birthday: null, gender: null, prefecture: null, interests: [], marketingConsent: true },
  })
  return { userId, memberNumber: rows()[0]!.n }
}

/** The calendar month of an instant in Tokyo, YYYY-MM. */
const tokyoMonth = (ms: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit' })
    .format(ms)
    .slice(0, 7)

const value = (page: Page, id: string) => page.getByTestId(`kpi-${id}-value`).textContent()

describe('the retention dashboard, through the sandbox', () => {
  it("opens as the owner's home with the shop's figures, charts, heat-map, RFM and CSVs", async () => {
    // Four customers with a purchase history (days ago, yen) through the integration API.
    const [a, b, c, d] = await Promise.all([
      customer('鈴木 一郎'),
      customer('佐藤 花子'),
      customer('田中 次郎'),
      customer('高橋 三郎'),
    ])
    const { userId: ownerUserId } = await call<{ userId: string }>('GET', '/sandbox/api/demo-owner')
    const owner = await idToken(ownerUserId)
    const { key } = await call<{ key: string }>('POST', '/api/staff/api-keys', {
      token: owner,
      body: { name: 'POS', scopes: ['purchases:write'] },
    })
    const now = Date.now()
    const history: [typeof a, number, number][] = [
      [a, 3_000, 200],
      [a, 2_500, 130],
      [a, 1_200, 20],
      [a, 800, 5],
      [b, 1_500, 10],
      [c, 5_000, 300],
      [d, 2_000, 40],
      [d, 1_000, 15],
    ]
    for (const [index, [who, amountYen, daysAgo]] of history.entries()) {
      await call('POST', '/api/v1/purchases', {
        token: key,
        idempotencyKey: `dash-${index}`,
        body: {
          memberNumber: who.memberNumber,
          amountYen,
          purchasedAt: new Date(now - daysAgo * DAY_MS).toISOString(),
        },
      })
    }
    // 田中 (dormant: last purchase 300 days ago) blocks the account.
    await call('POST', `/sandbox/api/users/${c.userId}/unfollow`)
    await expect
      .poll(
        () =>
          server.rows(
            'SELECT 1 FROM members WHERE line_user_id = ? AND follow_state = ?',
            c.userId,
            'blocked',
          ).length,
        EVENTUALLY,
      )
      .toBe(1)
    // The rollups follow the purchase events (a relay): wait until the API has them all.
    await expect
      .poll(
        async () =>
          (
            await call<{ current: { buyers: number } }>('GET', '/api/staff/dashboard', {
              token: owner,
            })
          ).current.buyers,
        EVENTUALLY,
      )
      .toBe(3)

    // The owner opens the console on a desk: its home is the dashboard.
    const desk = await openPage(browser, DESKTOP)
    const staff = await openStaffConsole(desk.page, server.url)
    await staff.getByRole('heading', { name: 'ダッシュボード', level: 1 }).waitFor()
    expect(new URL(staff.url()).pathname).toBe('/staff/dashboard')
    await staff.getByTestId('kpi-buyers-value').waitFor()

    // The last 30 days: 鈴木 (20 and 5 days ago), 佐藤 (10), 高橋 (15).
    expect(await value(staff, 'buyers')).toBe('3人')
    expect(await value(staff, 'purchases')).toBe('4件')
    expect(await value(staff, 'revenueYen')).toBe('¥4,500')
    expect(await value(staff, 'averageOrderYen')).toBe('¥1,125')
    expect(await value(staff, 'repeatRate')).toBe('33.3%')
    expect(await value(staff, 'returningShare')).toBe('66.7%')
    expect(await value(staff, 'dormant')).toBe('1人')
    // 鈴木 came back after 110 days (more than the 90-day default).
    expect(await value(staff, 'reactivated')).toBe('1人')
    expect(await value(staff, 'friends')).toBe('3人')
    expect(await value(staff, 'newFriends')).toBe('4人')
    expect(await value(staff, 'blocked')).toBe('1人')
    expect(await value(staff, 'reachable')).toBe('3人')
    // The previous 30 days: 高橋 40 days ago.
    expect(await staff.getByTestId('kpi-revenueYen').getByText('前期間 ¥2,000').count()).toBe(1)
    // Each number has its one-line definition on hover.
    expect(await staff.getByTestId('kpi-repeatRate').getAttribute('title')).toBe(
      '期間中に2回以上購入した会員 ÷ 期間中の購入者。',
    )
    // 12-month LTV: 7,500 / 1,500 / 5,000 / 3,000 → mean 4,250, median (3,000 + 5,000) / 2.
    expect(await value(staff, 'ltvMean')).toBe('¥4,250')
    expect(await value(staff, 'ltvMedian')).toBe('¥4,000')

    // Both charts drew on their canvases (uPlot), with their legends.
    for (const chart of ['chart-ltv', 'chart-retention']) {
      const figure = staff.getByTestId(chart)
      const canvas = figure.locator('canvas')
      await canvas.waitFor()
      expect((await canvas.boundingBox())!.width).toBeGreaterThan(200)
      const inked = await canvas.evaluate((el: HTMLCanvasElement) => {
        const pixels = el.getContext('2d')!.getImageData(0, 0, el.width, el.height).data
        let n = 0
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) n++
        return n
      })
      expect(inked).toBeGreaterThan(100)
    }
    await staff.getByTestId('chart-ltv').getByText('中央値').first().waitFor()

    // The cohort heat-map: one row per first-purchase month (300 days ago is within the 12).
    const firstMonths = new Set([300, 200, 40, 10].map((ago) => tokyoMonth(now - ago * DAY_MS)))
    const cohortRows = staff.getByTestId('cohort-table').locator('tbody tr')
    expect(await cohortRows.count()).toBe(firstMonths.size)
    expect(await cohortRows.locator('th').allTextContents()).toEqual([...firstMonths].sort())
    expect(await cohortRows.first().locator('td').nth(1).textContent()).toBe('100.0%')

    // A CSV of the figures: UTF-8 with a BOM, the period and the previous one.
    const [download] = await Promise.all([
      staff.waitForEvent('download'),
      staff.getByRole('button', { name: '期間の数字をCSVでダウンロード' }).click(),
    ])
    const csv = readFileSync((await download.path())!, 'utf8')
    expect(csv.startsWith('\uFEFF指標,期間,前期間,定義\r\n')).toBe(true)
    expect(csv).toContain('\r\n売上,4500,2000,')
    expect(csv).toContain('\r\nリピート率,0.3333333333333333,0,')
    await screenshot(staff, 'staff-dashboard-desktop')

    // The last 90 days as a preset: 高橋's purchase 40 days ago comes in.
    await staff.getByRole('button', { name: '直近90日' }).click()
    await expect.poll(() => value(staff, 'revenueYen'), EVENTUALLY).toBe('¥6,500')
    expect(await staff.getByRole('button', { name: '直近90日' }).getAttribute('aria-pressed')).toBe(
      'true',
    )

    // An RFM cell opens that segment: 鈴木, 4 purchases, the last 5 days ago.
    const cell = staff.getByRole('link', { name: /最終購入 30日以内・購入 3〜4回: 1人/ })
    await cell.click()
    await staff.getByRole('heading', { name: 'セグメント', level: 1 }).waitFor()
    await expect
      .poll(() => staff.getByTestId('segment-count').textContent(), EVENTUALLY)
      .toBe('1人')
    expect(desk.errors).toEqual([])
    await desk.context.close()

    // On a phone: the same numbers, nothing wider than the screen.
    const phone = await openPage(browser, PHONE)
    const mobile = await openStaffConsole(phone.page, server.url)
    await mobile.getByTestId('kpi-buyers-value').waitFor()
    expect(await value(mobile, 'buyers')).toBe('3人')
    await mobile.getByTestId('chart-ltv').locator('canvas').waitFor()
    expect(await mobile.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    )
    const canvas = await mobile.getByTestId('chart-ltv').locator('canvas').boundingBox()
    expect(canvas!.width).toBeLessThanOrEqual(390)
    await screenshot(mobile, 'staff-dashboard-phone')
    expect(phone.errors).toEqual([])
    await phone.context.close()
  }, 180_000)
})
