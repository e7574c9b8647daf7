import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CouponCode, CouponTemplate, CouponView } from '@joren/shared'
import type { Browser } from 'playwright-core'
import QRCode from 'qrcode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, openPage, openStaffConsole, PHONE, screenshot, DESKTOP } from './browser.ts'
import { startSandboxServer, type SandboxServer } from './sandbox-server.ts'

/**
 * The browser register reads QR codes with the device camera: Chromium's fake camera plays a video
 * of a real QR (drawn here from the code the product issued), the page decodes it (jsQR: headless
 * Chromium on Linux has no native BarcodeDetector), and the right member / coupon appears. A denied
 * camera says so in Japanese and the typed code still works.
 */

const WIDTH = 640
const HEIGHT = 480

/** A Y4M video (4:2:0) of a few identical frames: the QR of `text`, black on white, centred. */
function qrVideo(text: string, dir: string, name: string): string {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' })
  const size = qr.modules.size
  const scale = Math.floor((HEIGHT - 80) / (size + 8))
  const side = (size + 8) * scale
  const left = Math.floor((WIDTH - side) / 2)
  const top = Math.floor((HEIGHT - side) / 2)
  const y = Buffer.alloc(WIDTH * HEIGHT, 235)
  for (let row = 0; row < size; row++)
    for (let col = 0; col < size; col++) {
      if (!qr.modules.get(row, col)) continue
      for (let dy = 0; dy < scale; dy++) {
        const offset = (top + (row + 4) * scale + dy) * WIDTH + left + (col + 4) * scale
        y.fill(16, offset, offset + scale)
      }
    }
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2), 128)
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma, chroma])
  const header = Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\n`)
  const path = join(dir, `${name}.y4m`)
  writeFileSync(path, Buffer.concat([header, ...Array.from({ length: 10 }, () => frame)]))
  return path
}

function fakeCamera(video: string): Promise<Browser> {
  return launchBrowser([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${video}`,
  ])
}

let server: SandboxServer
let dir: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'joren-camera-'))
  // The first e2e file to run after a change of the apps builds them.
  server = await startSandboxServer()
}, 240_000)
afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

async function idToken(userId: string): Promise<string> {
  return (await server.call<{ idToken: string }>('POST', `/sandbox/api/users/${userId}/id-token`))
    .idToken
}

async function ownerToken(): Promise<string> {
  const { userId } = await server.call<{ userId: string }>('GET', '/sandbox/api/demo-owner')
  return idToken(userId)
}

describe('the browser register scans with the camera', () => {
  it("reads the member card's QR: the confirm step names the member", async () => {
    const member = await server.follow('佐藤 花子')
    const card = await server.call<{ token: string }>(
      'GET',
      '/api/liff/card',
      undefined,
      await idToken(member.userId),
    )
    const browser = await fakeCamera(qrVideo(card.token, dir, 'card'))
    try {
      const { page, context, errors } = await openPage(browser, DESKTOP)
      const staff = await openStaffConsole(page, server.url)
      await staff.setViewportSize({ width: 390, height: 844 })
      await staff.goto(`${server.url}/staff/register/purchases`)
      await staff.getByRole('button', { name: 'カメラで読み取る' }).click()
      await staff.getByText('会員証を読み取りました').waitFor({ timeout: 20_000 })
      await screenshot(staff, 'staff-register-camera-read-390')
      await staff.getByRole('textbox', { name: 'お会計金額（円）' }).fill('1200')
      await staff.getByRole('button', { name: '確認へ' }).click()
      await staff.getByTestId('register-name').waitFor()
      expect(await staff.getByTestId('register-name').textContent()).toBe('佐藤 花子')
      await staff.setViewportSize({ width: 1280, height: 900 })
      await screenshot(staff, 'staff-register-camera-confirm-desktop')
      expect(server.rows('SELECT 1 FROM purchases')).toEqual([])
      expect(errors).toEqual([])
      await context.close()
    } finally {
      await browser.close()
    }
  }, 90_000)

  it('reads the coupon QR and redeems that coupon; a typed short code redeems another', async () => {
    const member = await server.follow('田中 次郎')
    const owner = await ownerToken()
    const template = await server.call<CouponTemplate>(
      'POST',
      '/api/staff/coupons/templates',
      {
        kind: 'yen_off',
        title: 'カメラ読取テスト 300円引き',
        value: 300,
        validity: 'days',
        validDays: 7,
        perMemberLimit: 2,
      },
      owner,
    )
    const issue = () =>
      server.call<CouponView>(
        'POST',
        `/api/staff/members/${member.memberNumber}/coupons`,
        { templateId: template.id },
        owner,
      )
    const [scanned, typed] = [await issue(), await issue()]
    const memberToken = await idToken(member.userId)
    const codeOf = (id: number) =>
      server.call<CouponCode>('GET', `/api/liff/coupons/${id}/code`, undefined, memberToken)
    const scannedCode = await codeOf(scanned.id)
    const typedCode = await codeOf(typed.id)
    expect(typedCode.shortCode).toMatch(/^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{8}$/)

    const browser = await fakeCamera(qrVideo(scannedCode.token, dir, 'coupon'))
    try {
      const { page, context, errors } = await openPage(browser, PHONE)
      const staff = await openStaffConsole(page, server.url)
      await staff.goto(`${server.url}/staff/register/coupons`)
      await staff.getByRole('button', { name: 'カメラで読み取る' }).click()
      const done = staff.getByTestId('redeemed')
      await done.waitFor({ timeout: 20_000 })
      expect(await done.textContent()).toContain('カメラ読取テスト 300円引き')
      await screenshot(staff, 'staff-redeem-camera-390')
      expect(
        server.rows(
          'SELECT id, state FROM coupons WHERE id IN (?, ?) ORDER BY id',
          scanned.id,
          typed.id,
        ),
      ).toEqual([
        { id: scanned.id, state: 'redeemed' },
        { id: typed.id, state: 'issued' },
      ])

      // The other coupon by its short code, typed as staff hear it: lower case, a space.
      const heard =
        `${typedCode.shortCode.slice(0, 4)} ${typedCode.shortCode.slice(4)}`.toLowerCase()
      await staff.getByRole('textbox', { name: 'クーポンコード' }).fill(heard)
      await staff.getByRole('button', { name: '利用する' }).first().click()
      await expect
        .poll(() => server.rows('SELECT state FROM coupons WHERE id = ?', typed.id), {
          timeout: 10_000,
        })
        .toEqual([{ state: 'redeemed' }])
      // Typed again: used already, said in Japanese.
      await staff.getByRole('textbox', { name: 'クーポンコード' }).fill(heard)
      await staff.getByRole('button', { name: '利用する' }).first().click()
      await staff.getByText(/このクーポンは使用済みです/).waitFor()
      await screenshot(staff, 'staff-redeem-typed-used-390')
      expect(errors.filter((e) => !e.includes('409'))).toEqual([])
      await context.close()
    } finally {
      await browser.close()
    }
  }, 90_000)

  it('says in Japanese when the camera is not allowed, and typing still works', async () => {
    const browser = await launchBrowser()
    try {
      const { page, context } = await openPage(browser, PHONE)
      await context.addInitScript(() => {
        navigator.mediaDevices.getUserMedia = () =>
          Promise.reject(new DOMException('denied', 'NotAllowedError'))
      })
      const staff = await openStaffConsole(page, server.url)
      await staff.goto(`${server.url}/staff/register/coupons`)
      await staff.getByRole('button', { name: 'カメラで読み取る' }).click()
      const problem = staff.getByTestId('camera-problem')
      await problem.waitFor()
      expect(await problem.textContent()).toContain('カメラの使用が許可されていません')
      await staff.getByRole('textbox', { name: 'クーポンコード' }).fill('zzzz-zzzz')
      await staff.getByRole('button', { name: '利用する' }).first().click()
      await staff.getByText(/このクーポンコードのクーポンは見つかりません/).waitFor()
      await screenshot(staff, 'staff-redeem-camera-denied-390')
      await context.close()
    } finally {
      await browser.close()
    }
  }, 60_000)
})
