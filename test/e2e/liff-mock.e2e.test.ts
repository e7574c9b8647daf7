/**
 * The LIFF behaviours the sandbox cannot show, driven in Chromium with LINE's own
 * `@line/liff-mock` plugin: the apps built with `vite build --mode liffmock[-staff]`
 * (liff-app/dist-liffmock, never served by Joren) talk to the real Node server configured with a
 * LIFF ID and LINE Login against the LINE stand-in, whose ID tokens the server verifies as it
 * verifies LINE's. Only the LIFF SDK is stood in for; what each LIFF API answers is set per test.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_REFERRAL_SETTINGS } from '../../server/src/domain/referrals/referrals.ts'
import { startLineStandIn, type LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { eventually, startJoren, type JorenUnderTest } from '../support/joren-node.ts'
import { launchBrowser, openPage, PHONE } from './browser.ts'
import { ensureAppsBuilt } from './sandbox-server.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const MOCK_DIST = join(ROOT, 'liff-app/dist-liffmock')
const PROD_DIST = join(ROOT, 'liff-app/dist')
const LIFF_ID = '2000000000-MockTest'
const EVENTUALLY = { timeout: 15_000 }
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
}

interface LiffCall {
  api: string
  args: unknown[]
}

let standIn: LineStandIn
let joren: JorenUnderTest
let browser: Browser

function newestMtime(path: string): number {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return readdirSync(path).reduce((n, e) => Math.max(n, newestMtime(join(path, e))), stat.mtimeMs)
}

/** `npm test` builds it; a run of this file alone builds it when missing or stale. */
function ensureMockBuilt(): void {
  const pages = ['liff', 'staff'].map((app) => join(MOCK_DIST, app, 'index.html'))
  const built = pages.every((p) => existsSync(p))
    ? Math.min(...pages.map((p) => statSync(p).mtimeMs))
    : 0
  const sources = ['liff-app/src', 'shared/src', 'liff-app/vite.config.ts'].map((p) =>
    join(ROOT, p),
  )
  if (built && sources.every((s) => newestMtime(s) <= built)) return
  execFileSync('npm', ['run', 'build:liffmock'], { cwd: ROOT, stdio: 'ignore' })
}

beforeAll(async () => {
  await ensureAppsBuilt()
  ensureMockBuilt()
  standIn = await startLineStandIn()
  joren = await startJoren(standIn, { env: { LIFF_ID } })
  browser = await launchBrowser()
}, 240_000)
afterAll(async () => {
  await browser?.close()
  await joren?.close()
  await standIn?.close()
})

/** A LINE user who has added the account: the follow webhook made the member, with a profile. */
async function follower(displayName: string): Promise<{ userId: string; memberNumber: string }> {
  const { userId } = standIn.createUser({ displayName, language: 'ja' })
  await standIn.follow(userId)
  const row = await eventually(() => {
    const [found] = joren.rows<{ member_number: string; display_name: string | null }>(
      'SELECT member_number, display_name FROM members WHERE line_user_id = ?',
      userId,
    )
    if (!found?.display_name) throw new Error('member not created yet')
    return found
  }, 10_000)
  return { userId, memberNumber: row.member_number }
}

/**
 * A phone page where the mock build is served for Joren's origin (pages and assets) and every
 * `/api/` request goes to the real server; `mock` is what the LIFF APIs answer.
 */
async function mockPage(mock: Record<string, unknown>) {
  const opened = await openPage(browser, PHONE)
  const { context, page } = opened
  await context.addInitScript((data) => {
    ;(window as unknown as { __JOREN_LIFF_MOCK__: unknown }).__JOREN_LIFF_MOCK__ = data
  }, mock)
  const origin = joren.server.url
  await context.route(
    (url) => url.origin === origin && !url.pathname.startsWith('/api/'),
    async (route) => {
      const { pathname } = new URL(route.request().url())
      const app = /^\/(liff|staff)(\/|$)/.exec(pathname)?.[1]
      const file = app ? join(MOCK_DIST, app, 'index.html') : join(MOCK_DIST, pathname)
      if (!file.startsWith(MOCK_DIST) || !existsSync(file)) return route.fulfill({ status: 404 })
      return route.fulfill({
        status: 200,
        contentType: TYPES[extname(file)] ?? 'application/octet-stream',
        body: readFileSync(file),
      })
    },
  )
  const apiRequests: { path: string; authorization: string | null }[] = []
  page.on('request', (request) => {
    const url = new URL(request.url())
    if (url.pathname.startsWith('/api/')) {
      apiRequests.push({
        path: url.pathname,
        authorization: request.headers().authorization ?? null,
      })
    }
  })
  const calls = () =>
    page.evaluate(
      () => (window as unknown as { __JOREN_LIFF_CALLS__?: LiffCall[] }).__JOREN_LIFF_CALLS__ ?? [],
    )
  return { ...opened, apiRequests, calls }
}

/** LINE's context after simplified consent: only `openid` was granted at launch. */
const openidOnlyContext = (userId: string) => ({
  type: 'utou',
  userId,
  liffId: LIFF_ID,
  viewType: 'full',
  endpointUrl: `${joren.server.url}/liff/`,
  scope: ['openid'],
  availability: {},
})

const inLine = (userId: string, idToken: string, extra: Record<string, unknown> = {}) => ({
  isInClient: true,
  isLoggedIn: true,
  getIDToken: idToken,
  getLanguage: 'ja',
  getContext: openidOnlyContext(userId),
  // Would be a consent prompt in LINE: the app must never ask for it at start.
  getProfile: { userId, displayName: 'プロフィールから取得（使われないはず）' },
  ...extra,
})

/** A staff row, as `npm run staff:owner` or an accepted invitation makes it. */
function addStaff(lineUserId: string, role: 'owner' | 'staff'): void {
  const now = Date.now()
  joren.server.database.sqlite
    .prepare(
      'INSERT INTO staff (line_user_id, display_name, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
    )
    .run(lineUserId, role === 'owner' ? 'オーナー' : 'レジ 係', role, now, now)
}

const apis = (calls: LiffCall[]) => calls.map((c) => c.api)

describe('the member mini-app under LINE (liff-mock)', () => {
  it('starts with only openid granted: no getProfile, the card renders from a liff.state deep link', async () => {
    const { userId, memberNumber } = await follower('山田 花子')
    const idToken = standIn.issueIdToken(userId, { scopes: ['openid'] })
    const claims = JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString()) as {
      name?: string
    }
    expect(claims.name).toBeUndefined()

    const { context, page, errors, apiRequests, calls } = await mockPage(inLine(userId, idToken))
    // LINE opens https://liff.line.me/<id>/card as the endpoint URL + ?liff.state=%2Fcard.
    await page.goto(`${joren.server.url}/liff/?liff.state=%2Fcard`)
    const card = page.locator('article.member-card')
    await card.waitFor(EVENTUALLY)
    await expect
      .poll(async () => (await card.textContent())?.replace(/\D/g, ''))
      .toContain(memberNumber)
    expect(new URL(page.url()).pathname).toBe('/liff/card')

    const made = await calls()
    expect(apis(made)).toContain('init')
    expect(made.find((c) => c.api === 'init')?.args[0]).toMatchObject({ liffId: LIFF_ID })
    expect(apis(made)).toContain('getIDToken')
    expect(apis(made)).not.toContain('getProfile')
    expect(apis(made)).not.toContain('login')
    // The member's verified token went to the server, which answered from its own records.
    const me = apiRequests.find((r) => r.path === '/api/liff/me')
    expect(me?.authorization).toBe(`Bearer ${idToken}`)

    // Home greets by the name the server has (from the follow webhook's profile), not the token.
    await page.getByRole('link', { name: 'ホームへ戻る' }).click()
    await page.getByRole('heading', { name: /山田 花子/ }).waitFor(EVENTUALLY)
    expect(apis(await calls())).not.toContain('getProfile')
    expect(errors).toEqual([])
    await context.close()
  }, 60_000)

  it('outside LINE and not logged in: sends the user to LINE Login and back to the deep link', async () => {
    const { context, page, apiRequests, calls } = await mockPage({
      isInClient: false,
      isLoggedIn: false,
      getLanguage: 'ja',
      getIDToken: null,
    })
    await page.goto(`${joren.server.url}/liff/?liff.state=%2Fcoupons`)
    const login = await expect
      .poll(async () => (await calls()).find((c) => c.api === 'login'), EVENTUALLY)
      .toBeTruthy()
      .then(async () => (await calls()).find((c) => c.api === 'login'))
    expect(login?.args[0]).toEqual({ redirectUri: `${joren.server.url}/liff/coupons` })
    // Nothing personal was asked for without a token.
    expect(apiRequests.map((r) => r.path)).not.toContain('/api/liff/me')
    expect(apis(await calls())).not.toContain('getProfile')
    await context.close()
  }, 60_000)

  it('shares an invitation with shareTargetPicker where LINE offers it, and says when it does not', async () => {
    // The owner switches the referral program on (through the staff API, as the console does).
    const { userId: ownerId } = standIn.createUser({ displayName: 'オーナー', language: 'ja' })
    addStaff(ownerId, 'owner')
    const saved = await fetch(`${joren.server.url}/api/staff/referrals/settings`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${standIn.issueIdToken(ownerId, { scopes: ['openid'] })}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ ...DEFAULT_REFERRAL_SETTINGS, enabled: true }),
    })
    expect(saved.status).toBe(200)
    const { userId } = await follower('紹介 太郎')
    const idToken = standIn.issueIdToken(userId, { scopes: ['openid'] })

    const offered = await mockPage(
      inLine(userId, idToken, { isApiAvailable: true, shareTargetPicker: { status: 'success' } }),
    )
    await offered.page.goto(`${joren.server.url}/liff/referral`)
    await offered.page.getByRole('button', { name: 'LINEで友だちに送る' }).click(EVENTUALLY)
    await offered.page
      .getByRole('status')
      .filter({ hasText: '招待を送りました。' })
      .waitFor(EVENTUALLY)
    const shared = (await offered.calls()).find((c) => c.api === 'shareTargetPicker')
    expect(shared?.args[0]).toEqual([expect.objectContaining({ type: 'flex' })])
    expect(shared?.args[1]).toEqual({ isMultiple: true })
    await offered.context.close()

    const refused = await mockPage(inLine(userId, idToken, { isApiAvailable: false }))
    await refused.page.goto(`${joren.server.url}/liff/referral`)
    await refused.page.getByRole('button', { name: 'LINEで友だちに送る' }).click(EVENTUALLY)
    await expect
      .poll(async () => apis(await refused.calls()), EVENTUALLY)
      .toContain('isApiAvailable')
    expect(apis(await refused.calls())).not.toContain('shareTargetPicker')
    await refused.page
      .getByText('この画面からはLINEの送信先を選べません', { exact: false })
      .waitFor()
    expect(await refused.page.getByText('招待を送りました。').count()).toBe(0)
    await refused.context.close()
  }, 60_000)
})

describe('the staff register under LINE (liff-mock)', () => {
  it('reads a member card with scanCodeV2 inside LINE and shows who it is before recording', async () => {
    const { userId: memberId, memberNumber } = await follower('読取 花子')
    const memberToken = standIn.issueIdToken(memberId, { scopes: ['openid'] })
    const cardResponse = await fetch(`${joren.server.url}/api/liff/card`, {
      headers: { authorization: `Bearer ${memberToken}` },
    })
    expect(cardResponse.status).toBe(200)
    const { token: cardToken } = (await cardResponse.json()) as { token: string }

    const { userId: staffId } = standIn.createUser({ displayName: 'レジ 係', language: 'ja' })
    addStaff(staffId, 'staff')
    const staffToken = standIn.issueIdToken(staffId, { scopes: ['openid'] })

    const { context, page, calls } = await mockPage(
      inLine(staffId, staffToken, { scanCode: { value: cardToken } }),
    )
    await page.goto(`${joren.server.url}/staff/register/purchases`)
    await page.getByRole('button', { name: '会員証を読み取る' }).click(EVENTUALLY)
    await page.getByText('会員証を読み取りました').waitFor(EVENTUALLY)
    expect(apis(await calls())).toContain('scanCodeV2')
    await page.getByRole('textbox', { name: 'お会計金額（円）' }).fill('1200')
    await page.getByRole('button', { name: '確認へ' }).click()
    await page.getByText('読取 花子').waitFor(EVENTUALLY)
    await expect.poll(() => page.getByText(memberNumber.slice(-4)).count()).toBeGreaterThan(0)
    // Nothing recorded before the confirm step's button.
    expect(joren.rows('SELECT id FROM purchases')).toEqual([])
    await context.close()
  }, 60_000)
})

describe('the production build', () => {
  it('holds no trace of the LIFF mock', () => {
    const assets = join(PROD_DIST, 'assets')
    const files = readdirSync(assets).filter((f) => f.endsWith('.js'))
    expect(files.length).toBeGreaterThan(0)
    const offending = files.filter((f) => {
      const code = readFileSync(join(assets, f), 'utf8')
      return (
        code.includes('You need to call liff.init first.') || code.includes('__JOREN_LIFF_MOCK__')
      )
    })
    expect(offending).toEqual([])
    // …while the mock build does carry it (so the check above can fail).
    const mockAssets = join(MOCK_DIST, 'assets')
    expect(
      readdirSync(mockAssets).some((f) =>
        readFileSync(join(mockAssets, f), 'utf8').includes('__JOREN_LIFF_MOCK__'),
      ),
    ).toBe(true)
  })
})
