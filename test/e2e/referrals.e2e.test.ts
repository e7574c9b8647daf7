import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, launchBrowser, openPage, PHONE, screenshot } from './browser.ts'
import { startSandboxServer, type SandboxServer } from './sandbox-server.ts'

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

/** The sandbox's own API: customers and their follows, as the sandbox page drives them. */
async function sandboxApi<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.url}/sandbox/api${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  })
  expect(response.ok).toBe(true)
  return (await response.json()) as T
}

const memberNumberOf = (userId: string) =>
  server.rows<{ n: string }>(
    'SELECT member_number AS n FROM members WHERE line_user_id = ?',
    userId,
  )[0]?.n

/** What LINE's share target picker was handed, recorded by the stand-in for it. */
interface Shared {
  messages: {
    type: string
    altText: string
    contents: {
      body: { contents: { text: string }[] }
      footer: { contents: { action: { uri: string; label: string } }[] }
    }
  }[]
  options: unknown
}

describe('友だち紹介 in the mini-app and the console', () => {
  it('the owner opens the program; A shares the invitation card through the picker; B claims, adds the account and buys; A sees B rewarded', async () => {
    // The owner turns the program on in the console.
    const shop = await openPage(browser, DESKTOP)
    await shop.page.goto(`${server.url}/sandbox`)
    const [staff] = await Promise.all([
      shop.context.waitForEvent('page'),
      shop.page.getByRole('link', { name: /スタッフ画面を開く/ }).click(),
    ])
    await staff.getByText('デモ店長').first().waitFor()
    await staff
      .getByRole('navigation', { name: 'メインメニュー' })
      .getByRole('link', { name: '友だち紹介' })
      .click()
    const settings = staff.getByRole('form', { name: 'プログラム設定' })
    await settings.getByRole('checkbox', { name: '友だち紹介を受け付ける' }).check()
    await settings
      .getByRole('group', { name: '紹介された方への特典' })
      .getByRole('spinbutton', { name: 'ポイント数' })
      .fill('500')
    await settings.getByRole('textbox', { name: 'タイトル' }).fill('お友だち紹介キャンペーン')
    await settings.getByRole('button', { name: '設定を保存' }).click()
    await staff.getByText('友だち紹介の設定を保存しました').waitFor()
    const [saved] = server.rows<{ value: string }>(
      "SELECT value FROM settings WHERE key = 'referral_program'",
    )
    expect(JSON.parse(saved!.value)).toMatchObject({
      enabled: true,
      newcomerReward: { kind: 'points', points: 500 },
      card: { title: 'お友だち紹介キャンペーン' },
    })

    // A, a member, opens 友だち紹介 from the mini-app's home; LINE's picker is stood in for at
    // the LIFF boundary only (the `liff` object the sandbox page would otherwise lack).
    const { userId: aId } = await sandboxApi<{ userId: string }>('/users', {
      displayName: '紹介 花子',
      language: 'ja',
    })
    await sandboxApi(`/users/${aId}/follow`)
    await expect.poll(() => memberNumberOf(aId), EVENTUALLY).toBeTruthy()
    const a = await openPage(browser, PHONE)
    await a.context.addInitScript(() => {
      const w = window as unknown as { liff: unknown; __shared: unknown[] }
      w.__shared = []
      w.liff = {
        isApiAvailable: (api: string) => api === 'shareTargetPicker',
        shareTargetPicker: (messages: unknown, options: unknown) => {
          w.__shared.push({ messages, options })
          return Promise.resolve({ status: 'success' })
        },
      }
    })
    await a.page.goto(`${server.url}/liff/?sandboxUser=${aId}`)
    await a.page.getByRole('link', { name: /友だち紹介/ }).click()
    await a.page.getByRole('heading', { name: 'お友だち紹介キャンペーン' }).waitFor()
    expect(await a.page.getByText('まだご紹介はありません。').isVisible()).toBe(true)
    await a.page.getByRole('button', { name: 'LINEで友だちに送る' }).click()
    await a.page.getByRole('status').getByText('招待を送りました。').waitFor()
    const shared = await a.page.evaluate(
      () => (window as unknown as { __shared: Shared[] }).__shared,
    )
    expect(shared).toHaveLength(1)
    const card = shared[0]!.messages
    expect(card).toHaveLength(1)
    expect(card[0]!.type).toBe('flex')
    expect(card[0]!.altText).toContain('お友だち紹介キャンペーン')
    expect(card[0]!.contents.body.contents.map((c) => c.text)).toEqual(
      expect.arrayContaining([
        'お友だち紹介キャンペーン',
        expect.stringContaining('お友だちに500ポイントをプレゼント'),
      ]),
    )
    const link = card[0]!.contents.footer.contents[0]!.action.uri
    const [code] = server.rows<{ code: string }>('SELECT code FROM referral_codes')
    expect(link).toMatch(new RegExp(`/liff/referral\\?code=${code!.code}$`))
    await screenshot(a.page, 'referral-share')

    // B, not a friend yet, opens A's link: the claim is recorded and B is asked to add the shop.
    const { userId: bId } = await sandboxApi<{ userId: string }>('/users', {
      displayName: '新人 太郎',
      language: 'ja',
    })
    const b = await openPage(browser, PHONE)
    const path = new URL(link).pathname + new URL(link).search
    await b.page.goto(`${server.url}${path}&sandboxUser=${bId}`)
    await b.page
      .getByTestId('referral-claim')
      .getByText(/ご紹介を受け付けました/)
      .waitFor()
    expect(await b.page.getByRole('heading', { name: /友だち追加/ }).isVisible()).toBe(true)
    expect(server.rows('SELECT status, newcomer_line_user_id AS b FROM referrals')).toEqual([
      { status: 'claimed', b: bId },
    ])
    await screenshot(b.page, 'referral-claim-not-friend')

    // The add-friend detour; back in the mini-app the same link answers the referral's status.
    await sandboxApi(`/users/${bId}/follow`)
    await expect
      .poll(
        () => server.rows<{ status: string }>('SELECT status FROM referrals')[0]?.status,
        EVENTUALLY,
      )
      .toBe('joined')
    await b.page.reload()
    await b.page
      .getByTestId('referral-claim')
      .getByText(/ご紹介を受け付けました/)
      .waitFor()
    // Outside LINE B's own picker is not offered: the link and its QR code instead.
    await b.page.getByRole('button', { name: 'LINEで友だちに送る' }).click()
    const fallback = b.page.getByTestId('referral-fallback')
    await fallback.getByRole('img', { name: '紹介用QRコード' }).waitFor()
    expect(await fallback.getByText(/\/liff\/referral\?code=/).isVisible()).toBe(true)

    // B's first purchase at the register.
    await staff.setViewportSize({ width: 390, height: 844 })
    await staff.goto(`${server.url}/staff/register/purchases`)
    await staff.getByRole('textbox', { name: '会員番号（10桁）' }).fill(memberNumberOf(bId)!)
    await staff.getByRole('textbox', { name: 'お会計金額（円）' }).fill('2000')
    await staff.getByRole('button', { name: 'フード' }).click()
    await staff.getByRole('button', { name: '確認へ' }).click()
    await staff.getByRole('button', { name: '記録する' }).click()
    await staff.getByTestId('register-done').waitFor()
    await expect
      .poll(
        () => server.rows<{ status: string }>('SELECT status FROM referrals')[0]?.status,
        EVENTUALLY,
      )
      .toBe('qualified')

    // A sees B as rewarded, with what A earned.
    await a.page.reload()
    const row = a.page.getByTestId('referral-list').getByRole('listitem')
    await row.getByText('特典獲得').waitFor()
    expect(await row.getByText('新人 太郎').isVisible()).toBe(true)
    expect(await row.getByText('獲得: 300ポイント').isVisible()).toBe(true)
    expect(await a.page.getByText('特典を受け取った紹介: 1件').isVisible()).toBe(true)
    await screenshot(a.page, 'referral-rewarded')

    // Staff see it in the list and the figures.
    await staff.setViewportSize({ width: 1280, height: 900 })
    await staff.goto(`${server.url}/staff/referrals`)
    const rows = staff.getByTestId('referral-rows')
    await rows.getByText('特典付与済み').waitFor()
    expect(await rows.getByText(/紹介 花子/).isVisible()).toBe(true)
    expect(await staff.getByTestId('top-referrers').getByText('紹介 花子').isVisible()).toBe(true)
    await screenshot(staff, 'staff-referrals')

    expect(shop.errors).toEqual([])
    expect(a.errors).toEqual([])
    // The one failed request: `/me` answering 403 not_friend before B added the account.
    expect(b.errors).toHaveLength(1)
    expect(b.errors[0]).toMatch(/status of 403/)
    await Promise.all([a.context.close(), b.context.close(), shop.context.close()])
  }, 120_000)
})
