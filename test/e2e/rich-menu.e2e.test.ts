import type { Browser, BrowserContextOptions } from 'playwright-core'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, launchBrowser, openPage, openStaffConsole, PHONE, screenshot } from './browser.ts'
import { startSandboxServer, type SandboxServer } from './sandbox-server.ts'

const EVENTUALLY = { timeout: 30_000 }

let server: SandboxServer
let browser: Browser

beforeAll(async () => {
  ;[server, browser] = await Promise.all([startSandboxServer(), launchBrowser()])
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

interface StandInMenu {
  richMenuId: string
  name: string
  isDefault: boolean
  image: { contentType: string; bytes: number; base64: string } | null
}

async function richMenus(): Promise<StandInMenu[]> {
  const res = await fetch(`${server.url}/sandbox/api/rich-menus`)
  if (!res.ok) throw new Error(`rich menus → ${res.status}`)
  return (await res.json()) as StandInMenu[]
}

async function publishFromConsole(options: BrowserContextOptions, name: string) {
  const { page, errors } = await openPage(browser, options)
  const staff = await openStaffConsole(page, server.url)
  await staff.goto(`${server.url}/staff/settings`)
  const card = staff.getByTestId('rich-menu')
  await card.getByRole('button', { name: 'リッチメニューを作成' }).click()
  const preview = card.getByTestId('rich-menu-preview')
  await preview.waitFor(EVENTUALLY)
  // The preview is the drawn 2500×1686 image, shown within the screen's width.
  const size = await preview
    .locator('img')
    .evaluate((img: HTMLImageElement) => ({ w: img.naturalWidth, h: img.naturalHeight }))
  expect(size).toEqual({ w: 2500, h: 1686 })
  const overflow = await staff.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  )
  expect(overflow).toBeLessThanOrEqual(0)
  await screenshot(card, `rich-menu-preview-${name}`)
  await preview.getByRole('button', { name: 'この画像で LINE に設定する' }).click()
  await card.getByTestId('rich-menu-done').waitFor(EVENTUALLY)
  expect(await card.getByTestId('rich-menu-done').textContent()).toBe(
    'リッチメニューを LINE に設定しました',
  )
  await card.getByTestId('rich-menu-last').waitFor(EVENTUALLY)
  expect(errors).toEqual([])
  await page.context().close()
}

function check(menus: StandInMenu[]) {
  expect(menus).toHaveLength(1)
  const [menu] = menus
  expect(menu?.isDefault).toBe(true)
  expect(menu?.name).toBe('Joren Joren デモ店')
  expect(menu?.image?.contentType).toBe('image/png')
  expect(menu?.image?.bytes).toBeLessThanOrEqual(1024 * 1024)
  const png = PNG.sync.read(Buffer.from(menu!.image!.base64, 'base64'))
  expect({ width: png.width, height: png.height }).toEqual({ width: 2500, height: 1686 })
  // The header band is the shop's colour (the default #1f6f5c).
  expect([...png.data.subarray(4 * 10, 4 * 10 + 3)]).toEqual([0x1f, 0x6f, 0x5c])
  // The label band of the first card has dark text pixels (the Japanese label was drawn).
  let dark = 0
  for (let y = 575; y < 685; y++)
    for (let x = 150; x < 700; x++) {
      const i = (y * png.width + x) * 4
      if ((png.data[i] ?? 255) < 80 && (png.data[i + 1] ?? 255) < 80) dark++
    }
  expect(dark).toBeGreaterThan(1000)
  return menu!.richMenuId
}

describe('「リッチメニューを作成」 in the staff console settings', { timeout: 180_000 }, () => {
  it('draws the menu in the browser, previews it and sets it on LINE (390 px, then desktop: one menu)', async () => {
    expect(await richMenus()).toEqual([])
    await publishFromConsole(PHONE, 'phone')
    const first = check(await richMenus())
    await publishFromConsole(DESKTOP, 'desktop')
    const second = check(await richMenus())
    expect(second).not.toBe(first)
    const audited = server.rows<{ n: number }>(
      "select count(*) as n from audit_log where action = 'rich_menu.publish'",
    )
    expect(audited[0]?.n).toBe(2)
  })
})
