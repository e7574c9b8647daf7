import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, launchBrowser, openPage, openStaffConsole, PHONE, screenshot } from './browser.ts'
import { startSandboxServer, type SandboxServer } from './sandbox-server.ts'

/**
 * The journey editor and sandbox time travel, on the real sandbox server: staff edit the birthday
 * template's trigger and step (a bad placeholder is refused, nothing stored), preview the unsaved
 * step as a real member would get it, save; then switch journeys on, move the shop's clock from the
 * sandbox page and watch the welcome step and the birthday coupon arrive in the customer's chat —
 * once each — and the member page show the timeline. On a desk and on a 390 px phone.
 */

const EVENTUALLY = { timeout: 20_000 }
const DAY_MS = 24 * 60 * 60_000

let server: SandboxServer
let browser: Browser

beforeAll(async () => {
  ;[server, browser] = await Promise.all([startSandboxServer(), launchBrowser()])
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

const call = <T>(method: string, path: string, body?: unknown) => server.call<T>(method, path, body)

const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)

/** A shop-local (JST) date, `days` after the instant's own date. */
const jstDate = (at: number, days = 0) =>
  new Date(at + 9 * 3600_000 + days * DAY_MS).toISOString().slice(0, 10)

/** A sandbox customer who followed and consented to marketing messages. */
async function customer(name: string) {
  const { userId, memberId, memberNumber } = await server.follow(name)
  server.write(
    `INSERT INTO member_profiles (member_id, interests, marketing_consent, consent_updated_at, updated_at)
     VALUES (?, '[]', 1, 1, 1)
     ON CONFLICT (member_id) DO UPDATE SET marketing_consent = 1, consent_updated_at = 1`,
    memberId,
  )
  return { userId, id: memberId, number: memberNumber }
}

/** What the LINE stand-in received for the customer, as text. */
async function received(userId: string): Promise<string[]> {
  const messages = await call<unknown[]>('GET', `/sandbox/api/users/${userId}/messages`)
  return messages.map((m) => JSON.stringify(m))
}
const count = (all: string[], marker: string) => all.filter((m) => m.includes(marker)).length

const birthdayRow = () =>
  server.rows<{ id: number; trigger: string; steps: string; enabled: number }>(
    "SELECT id, trigger, steps, enabled FROM journeys WHERE template_key = 'birthday'",
  )[0]!

describe('the journey editor and sandbox time travel', () => {
  it('staff edit the birthday journey: a bad placeholder is refused, the unsaved step is previewed as a member, saved', async () => {
    const aoi = await customer('山田 葵')
    const shop = await openPage(browser, DESKTOP)
    const staff = await openStaffConsole(shop.page, server.url)
    await staff.goto(`${server.url}/staff/journeys`)
    await expect
      .poll(() => staff.getByTestId('journey-list').locator('> li').count(), EVENTUALLY)
      .toBe(8)
    await staff.getByRole('link', { name: 'お誕生日クーポンを編集' }).click()
    await staff.getByRole('heading', { name: 'ジャーニーを編集' }).waitFor()
    const editor = staff.getByTestId('journey-editor')

    // The trigger: 3 days before instead of 7.
    await editor.getByLabel('誕生日の何日前（0＝当日）').fill('3')
    const text = editor.getByTestId('message-1').locator('textarea')
    await text.fill('{nickname}さま、お誕生日おめでとうございます')
    await editor.getByRole('button', { name: '保存' }).click()
    await editor.getByRole('alert').getByText('入力内容を確認してください。').waitFor()
    expect(await editor.getByTestId('message-1').textContent()).toContain('{nickname}')
    expect(JSON.parse(birthdayRow().trigger)).toMatchObject({ daysBefore: 7 })

    await text.fill('{name}さま、お誕生日おめでとうございます。{points}ポイントお持ちです')
    // The preview of the unsaved step, with 葵's real values and the coupon card.
    await editor.getByLabel('会員番号').fill(aoi.number)
    await editor.getByRole('button', { name: 'この会員で表示' }).click()
    const preview = editor.getByTestId('journey-preview')
    await expect
      .poll(() => preview.textContent(), EVENTUALLY)
      .toContain('山田 葵さま、お誕生日おめでとうございます。0ポイントお持ちです')
    expect(await preview.textContent()).toContain('クーポン：お誕生日クーポン 10%OFF')
    await screenshot(staff, 'journey-editor-desktop')

    await editor.getByRole('button', { name: '保存' }).click()
    await staff.getByText('「お誕生日クーポン」を保存しました').waitFor()
    await staff.getByRole('heading', { name: 'ジャーニー（自動配信）' }).waitFor()
    const row = birthdayRow()
    expect(JSON.parse(row.trigger)).toEqual({ kind: 'birthday', daysBefore: 3 })
    expect(row.steps).toContain(
      '{name}さま、お誕生日おめでとうございます。{points}ポイントお持ちです',
    )
    expect(row.enabled).toBe(0)
    expect(await staff.getByTestId('journey-birthday').textContent()).toContain('誕生日の3日前')
    // Add a step on a phone: the editor fits 390 px.
    const phone = await openPage(browser, PHONE)
    const phoneStaff = await openStaffConsole(phone.page, server.url)
    await phoneStaff.setViewportSize({ width: 390, height: 844 })
    await phoneStaff.goto(`${server.url}/staff/journeys/${row.id}/edit`)
    await phoneStaff.getByRole('heading', { name: 'ジャーニーを編集' }).waitFor()
    await phoneStaff.getByRole('button', { name: 'ステップを追加' }).click()
    await expect.poll(() => phoneStaff.getByTestId('journey-steps').locator('li').count()).toBe(2)
    await phoneStaff.getByRole('heading', { name: 'ステップ2', exact: true }).waitFor()
    await phoneStaff.getByLabel('送る条件').selectOption('not_purchased_since_start')
    await phoneStaff
      .getByTestId('message-1')
      .locator('textarea')
      .fill('{name}さま、クーポンはお使いいただけましたか')
    expect(await overflow(phoneStaff)).toBeLessThanOrEqual(0)
    await screenshot(phoneStaff, 'journey-editor-phone')
    await phoneStaff.getByRole('button', { name: '保存' }).click()
    await phoneStaff.getByText('「お誕生日クーポン」を保存しました').waitFor()
    const steps = JSON.parse(birthdayRow().steps) as { condition: string }[]
    expect(steps).toHaveLength(2)
    expect(steps[1]!.condition).toBe('not_purchased_since_start')
    expect(shop.errors).toEqual([])
    expect(phone.errors).toEqual([])
  }, 180_000)

  it('time travel on the sandbox page: the welcome step and the birthday coupon arrive once each, and the member page shows them', async () => {
    const shop = await openPage(browser, DESKTOP)
    const staff = await openStaffConsole(shop.page, server.url)
    await staff.goto(`${server.url}/staff/journeys`)
    for (const name of ['友だち追加後のステップ配信', 'お誕生日クーポン']) {
      const sw = staff.getByRole('switch', { name: `${name}を配信する` })
      await expect.poll(() => sw.count(), EVENTUALLY).toBe(1)
      await sw.click()
      await staff
        .getByRole('dialog', { name: 'このジャーニーをオンにしますか？' })
        .getByRole('button', { name: 'オンにする' })
        .click()
      await expect.poll(() => sw.isChecked()).toBe(true)
    }

    // A new friend whose birthday is 3 days after tomorrow (the journey says 3 days before).
    const { now } = await call<{ now: number }>('GET', '/sandbox/api/clock')
    const hana = await customer('佐藤 花')
    server.write(
      `UPDATE member_profiles SET birthday = ? WHERE member_id = ?`,
      jstDate(now, 4),
      hana.id,
    )
    // The free welcome reply (a reply, not a journey step) before the clock moves.
    await expect
      .poll(async () => (await received(hana.userId)).length, EVENTUALLY)
      .toBeGreaterThan(0)
    expect(count(await received(hana.userId), '昨日はお友だち追加ありがとうございました')).toBe(0)

    // The sandbox page: choose 花, move the clock to tomorrow 11:05 shop time.
    const page = shop.page
    await page.reload()
    await page.getByRole('radio', { name: /佐藤 花/ }).check()
    const clock = page.getByTestId('sandbox-clock')
    await clock.getByLabel('日時を指定').fill(`${jstDate(now, 1)}T11:05`)
    await clock.getByRole('button', { name: 'この日時まで進める' }).click()
    await expect
      .poll(() => clock.getByRole('status').textContent(), EVENTUALLY)
      .toContain('に進めました')
    const log = page.getByRole('log')
    await expect
      .poll(() => log.textContent(), EVENTUALLY)
      .toContain('昨日はお友だち追加ありがとうございました')
    await expect.poll(() => log.textContent(), EVENTUALLY).toContain('お誕生日おめでとうございます')
    await screenshot(page, 'sandbox-clock-moved')
    let all = await received(hana.userId)
    expect(count(all, '昨日はお友だち追加ありがとうございました')).toBe(1)
    expect(count(all, 'お誕生日おめでとうございます')).toBe(1)
    expect(count(all, 'お誕生日クーポン 10%OFF')).toBeGreaterThanOrEqual(1)
    expect(server.rows('SELECT id FROM coupons WHERE member_id = ?', hana.id)).toHaveLength(1)

    // A week on, day by day: welcome step 2 (day 3) is due, but 花 already had this week's two
    // marketing pushes: skipped by the frequency cap and recorded; nothing is sent twice.
    await clock.getByRole('button', { name: '+7日' }).click()
    await expect
      .poll(
        () =>
          server.rows(
            `SELECT l.id FROM journey_step_log l JOIN journeys j ON j.id = l.journey_id
              WHERE l.member_id = ? AND j.template_key = 'welcome' AND l.step = 1
                AND l.outcome = 'skipped' AND l.reason = 'frequency_cap'`,
            hana.id,
          ).length,
        EVENTUALLY,
      )
      .toBe(1)
    all = await received(hana.userId)
    expect(count(all, 'お買い物のたびにポイントが貯まります')).toBe(0)
    expect(count(all, '昨日はお友だち追加ありがとうございました')).toBe(1)
    expect(count(all, 'お誕生日おめでとうございます')).toBe(1)
    const capped = server.rows<{ reason: string }>(
      "SELECT reason FROM journey_step_log WHERE member_id = ? AND outcome = 'skipped'",
      hana.id,
    )
    expect(capped.map((r) => r.reason)).toEqual(capped.map(() => 'frequency_cap'))

    // Eight days on, the console's sign-in of before the jump has expired, as it would for a
    // staff member coming back after a week: open the console again, as they would sign in.
    await staff.close()
    const later = await openStaffConsole(shop.page, server.url)
    await later.goto(`${server.url}/staff/members/${hana.number}`)
    const timeline = later.getByTestId('journey-timeline')
    await timeline.waitFor()
    const text = (await timeline.textContent()) ?? ''
    expect(text).toContain('友だち追加後のステップ配信 ステップ1 送信')
    expect(text).toContain('お誕生日クーポン ステップ1 送信')
    await screenshot(later, 'sandbox-clock-timeline')
    expect(shop.errors).toEqual([])
  }, 180_000)
})
