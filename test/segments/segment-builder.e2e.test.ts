import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, launchBrowser, openPage, openStaffConsole, screenshot } from '../e2e/browser.ts'
import { startSandboxServer, type SandboxServer } from '../e2e/sandbox-server.ts'

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

async function createFollower(page: Page, name: string): Promise<void> {
  const customers = page.getByRole('region', { name: 'テスト顧客' })
  await expect.poll(() => customers.getAttribute('aria-busy'), EVENTUALLY).toBeNull()
  if (!(await page.getByRole('textbox', { name: '名前' }).isVisible())) {
    await page.getByText('顧客を作成', { exact: true }).click()
  }
  await page.getByRole('textbox', { name: '名前' }).fill(name)
  await page.getByRole('button', { name: '作成', exact: true }).click()
  const customer = page.getByRole('radio', { name })
  await expect.poll(() => customer.isChecked(), EVENTUALLY).toBe(true)
  const userId = await customer.inputValue()
  await page.getByRole('button', { name: '友だち追加' }).click()
  await expect
    .poll(
      () => server.rows('SELECT 1 FROM members WHERE line_user_id = ?', userId).length,
      EVENTUALLY,
    )
    .toBe(1)
}

describe('the segment builder', () => {
  it('builds a segment with a live count and sample, negates it, saves, renames and deletes it', async () => {
    const shop = await openPage(browser, DESKTOP)
    await shop.page.goto(`${server.url}/sandbox`)
    await createFollower(shop.page, '山田 花子')
    const [number] = server.rows<{ n: string }>('SELECT member_number AS n FROM members')
    const [staff] = await Promise.all([
      shop.context.waitForEvent('page'),
      shop.page.getByRole('link', { name: /スタッフ画面を開く/ }).click(),
    ])
    await staff.getByText('デモ店長').first().waitFor()
    await staff.getByRole('link', { name: 'セグメント' }).first().click()

    // The built-ins are listed; the first opens with its thresholds and a count.
    const list = staff.getByRole('navigation', { name: 'セグメント' })
    await list.getByRole('button', { name: 'ご無沙汰のお客さま' }).click()
    await staff.getByRole('spinbutton', { name: '購入がない日数（以上）' }).waitFor()
    await expect
      .poll(() => staff.getByTestId('segment-count').textContent(), EVENTUALLY)
      .toBe('0人')

    // A new segment: friends who joined within 30 days → the new follower, in the sample.
    await staff.getByRole('button', { name: '＋ 新しいセグメント' }).click()
    await staff.getByRole('button', { name: /条件を追加/ }).click()
    await staff
      .getByRole('combobox', { name: '条件の種類' })
      .selectOption({ label: '友だち追加（最近）' })
    await expect
      .poll(() => staff.getByTestId('segment-count').textContent(), EVENTUALLY)
      .toBe('1人')
    await staff.getByRole('cell', { name: number!.n }).waitFor()
    await staff.getByText('山田 花子').waitFor()
    await screenshot(staff, 'staff-segment-builder')

    // "Does not match" flips it; a second condition in the group narrows it.
    await staff.getByRole('checkbox', { name: '当てはまらない人' }).check()
    await expect
      .poll(() => staff.getByTestId('segment-count').textContent(), EVENTUALLY)
      .toBe('0人')
    await staff.getByRole('checkbox', { name: '当てはまらない人' }).uncheck()
    await expect
      .poll(() => staff.getByTestId('segment-count').textContent(), EVENTUALLY)
      .toBe('1人')

    await staff.getByRole('textbox', { name: 'セグメント名' }).fill('新しい友だち')
    await staff.getByRole('button', { name: '保存', exact: true }).click()
    await list.getByRole('button', { name: '新しい友だち' }).waitFor()
    expect(server.rows('SELECT name, built_in FROM segments WHERE built_in IS NULL')).toEqual([
      { name: '新しい友だち', built_in: null },
    ])
    const [saved] = server.rows<{ rules: string }>(
      'SELECT rules FROM segments WHERE built_in IS NULL',
    )
    expect(JSON.parse(saved!.rules)).toEqual({
      type: 'all',
      rules: [{ type: 'followedWithin', days: 30 }],
    })

    await staff.getByRole('textbox', { name: 'セグメント名' }).fill('最近の友だち')
    await staff.getByRole('button', { name: '保存', exact: true }).click()
    await list.getByRole('button', { name: '最近の友だち' }).waitFor()

    await staff.getByRole('button', { name: '削除', exact: true }).click()
    await staff.getByRole('dialog').getByRole('button', { name: '削除' }).click()
    await expect
      .poll(() => server.rows('SELECT 1 FROM segments WHERE built_in IS NULL').length, EVENTUALLY)
      .toBe(0)
    expect(shop.errors).toEqual([])
    await shop.context.close()
  }, 60_000)

  it('a new segment started before the list arrives stays open when it does', async () => {
    const shop = await openPage(browser, DESKTOP)
    const staff = await openStaffConsole(shop.page, server.url)
    // A slow connection: the segment list answers only after staff clicked 新しいセグメント.
    let release = () => {}
    const held = new Promise<void>((resolve) => (release = resolve))
    await staff.route('**/api/staff/segments', async (route) => {
      await held
      await route.continue()
    })
    await staff.getByRole('link', { name: 'セグメント' }).first().click()
    await staff.getByRole('button', { name: '＋ 新しいセグメント' }).click()
    await staff.getByRole('textbox', { name: 'セグメント名' }).fill('雨の日のお客さま')
    release()
    const list = staff.getByRole('navigation', { name: 'セグメント' })
    await list.getByRole('button', { name: 'ご無沙汰のお客さま' }).waitFor()
    // The list arrived: the draft is still the new segment, not the first built-in.
    await staff.getByRole('button', { name: /条件を追加/ }).click()
    expect(await staff.getByRole('textbox', { name: 'セグメント名' }).inputValue()).toBe(
      '雨の日のお客さま',
    )
    expect(shop.errors).toEqual([])
    await shop.context.close()
  }, 60_000)
})
