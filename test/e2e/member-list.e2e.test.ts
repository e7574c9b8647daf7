import { readFileSync } from 'node:fs'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, launchBrowser, openPage, openStaffConsole, PHONE, screenshot } from './browser.ts'
import { startSandboxServer, type SandboxServer } from './sandbox-server.ts'

/**
 * The member list a shop can work with (issue 15 item 6): tier, points, last visit, visits and
 * spend; ordered by the server; the current filter and order downloaded as a CSV Excel opens.
 */

const EVENTUALLY = { timeout: 15_000 }
const DAY = 86_400_000

let server: SandboxServer
let browser: Browser

beforeAll(async () => {
  ;[server, browser] = await Promise.all([startSandboxServer(), launchBrowser()])
}, 90_000)
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

/** Customers who added the account (through the stand-in, as LINE would), then their visits. */
async function members(): Promise<void> {
  const post = (path: string, body?: unknown) =>
    fetch(`${server.url}/sandbox/api${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    })
  const visits: [string, number | null, number, number][] = [
    ['古川 一郎', 30, 2, 4000],
    ['新田, "にった" 花', 1, 5, 12000],
    ['中村 次郎', 10, 1, 800],
    ['未来 店子', null, 0, 0],
  ]
  const now = Date.now()
  for (const [displayName, daysAgo, count, spend] of visits) {
    const res = await post('/users', { displayName, language: 'ja' })
    const { userId } = (await res.json()) as { userId: string }
    expect((await post(`/users/${userId}/follow`)).status).toBeLessThan(300)
    await expect
      .poll(
        () => server.rows('select 1 from members where line_user_id = ?', userId).length,
        EVENTUALLY,
      )
      .toBe(1)
    // The visits themselves: the member summary as purchases would have left it.
    server.write(
      `update member_rfm set last_purchase_at = ?, purchase_count = ?, spend_total_yen = ?
       where member_id = (select id from members where line_user_id = ?)`,
      daysAgo === null ? null : now - daysAgo * DAY,
      count,
      spend,
      userId,
    )
  }
}

describe('the member list in the console', () => {
  it('sorts by last visit and downloads the CSV Excel opens (BOM, CRLF, quoting)', async () => {
    await members()
    const { context, page, errors } = await openPage(browser, { ...DESKTOP, acceptDownloads: true })
    const staff = await openStaffConsole(page, server.url)
    await staff.goto(`${server.url}/staff/members`)
    const rows = staff.locator('.member-list .member-name')
    await expect.poll(() => rows.count(), EVENTUALLY).toBe(4)

    await staff.getByRole('combobox', { name: '並び順' }).selectOption('lastVisit:desc')
    await expect
      .poll(() => rows.allTextContents(), EVENTUALLY)
      .toEqual(['新田, "にった" 花', '中村 次郎', '古川 一郎', '未来 店子'])
    expect(new URL(staff.url()).searchParams.get('sort')).toBe('lastVisit')
    const first = staff.locator('.member-list .member-row').first()
    expect((await first.innerText()).replace(/\s+/g, ' ')).toContain('12,000円')
    expect(await first.innerText()).toContain('5回')
    await screenshot(staff, 'member-list-1280')

    await staff.getByRole('combobox', { name: '並び順' }).selectOption('lastVisit:asc')
    await expect
      .poll(() => rows.allTextContents(), EVENTUALLY)
      .toEqual(['未来 店子', '古川 一郎', '中村 次郎', '新田, "にった" 花'])

    const [download] = await Promise.all([
      staff.waitForEvent('download'),
      staff.getByRole('button', { name: 'CSV をダウンロード' }).click(),
    ])
    expect(download.suggestedFilename()).toMatch(/^members-\d{8}\.csv$/)
    const bytes = readFileSync((await download.path())!)
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = bytes.subarray(3).toString('utf8')
    expect(text.endsWith('\r\n')).toBe(true)
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/)
    const lines = text.split('\r\n').slice(0, -1)
    expect(lines[0]).toBe(
      '会員番号,表示名,状態,ランク,ポイント,最終来店,来店回数,累計購入額（円）,友だち追加日,タグ',
    )
    // The order on screen, and a name with a comma and quotes quoted as Excel expects.
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual([
      '未来 店子',
      '古川 一郎',
      '中村 次郎',
      '"新田',
    ])
    expect(lines[4]).toContain(',"新田, ""にった"" 花",友だち,')
    expect(lines[4]).toMatch(/,5,12000,/)
    expect(
      server.rows("select count(*) as n from audit_log where action = 'member_list.export'"),
    ).toEqual([{ n: 1 }])
    expect(errors).toEqual([])
    await context.close()
  }, 120_000)

  it('shows every section in the console navigation on a phone', async () => {
    const { context, page, errors } = await openPage(browser, PHONE)
    const staff = await openStaffConsole(page, server.url)
    await staff.goto(`${server.url}/staff/members`)
    await staff.locator('.member-list .member-name').first().waitFor(EVENTUALLY)
    const nav = staff.getByRole('navigation', { name: 'メインメニュー' })
    await nav.getByRole('button', { name: 'すべてのメニュー' }).click()
    const links = nav.getByRole('link')
    const names = await links.allTextContents()
    for (const section of [
      '会員',
      'クーポン',
      '配信',
      'ジャーニー',
      'セグメント',
      '設定',
      '監査ログ',
    ])
      expect(names.join('|')).toContain(section)
    const viewport = staff.viewportSize()!
    for (let i = 0; i < (await links.count()); i++) {
      const box = await links.nth(i).boundingBox()
      expect(box, names[i]).not.toBeNull()
      expect(box!.y).toBeGreaterThanOrEqual(0)
      expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height + 1)
      expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width + 1)
    }
    await screenshot(staff, 'console-nav-390')
    await nav.getByRole('link', { name: '監査ログ' }).click()
    await staff.waitForURL(/\/staff\/audit/)
    expect(
      await nav.getByRole('button', { name: 'すべてのメニュー' }).getAttribute('aria-expanded'),
    ).toBe('false')
    await screenshot(staff, 'member-list-390-audit')
    expect(errors).toEqual([])
    await context.close()
  }, 120_000)
})
