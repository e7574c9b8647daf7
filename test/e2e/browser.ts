import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Locator,
  type Page,
} from 'playwright-core'

/** Debian's Chromium (apt install chromium); playwright-core brings no browser of its own. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

/** Screenshots are test artifacts (gitignored): test-results/screenshots/<name>.png. */
export const SCREENSHOT_DIR = fileURLToPath(
  new URL('../../test-results/screenshots/', import.meta.url),
)

/**
 * One Chromium per test file; each test gets a fresh context from it. `extraArgs` are for a test
 * that needs a flag of its own (e.g. a fake camera).
 */
export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs] })
}

/** A phone the size of an iPhone 13/14, in Japanese, Tokyo time. */
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'ja-JP',
  timezoneId: 'Asia/Tokyo',
}

/** A laptop-sized window, in Japanese, Tokyo time. */
export const DESKTOP: BrowserContextOptions = {
  viewport: { width: 1280, height: 900 },
  locale: 'ja-JP',
  timezoneId: 'Asia/Tokyo',
}

export interface TestPage {
  context: BrowserContext
  page: Page
  /**
   * Page errors, console errors and Content-Security-Policy violations (in any frame) seen so far
   * (a test can assert there were none).
   */
  errors: string[]
}

/** A fresh context (no cookies or storage shared with other tests) and a page in it. */
export async function openPage(
  browser: Browser,
  options: BrowserContextOptions = DESKTOP,
): Promise<TestPage> {
  const context = await browser.newContext(options)
  context.setDefaultTimeout(10_000)
  const errors: string[] = []
  // Anything the pages' CSP blocks, in every frame (the sandbox frames both apps), is an error.
  await context.exposeBinding('__reportCspViolation', ({ frame }, violation: string) => {
    errors.push(`${frame.url()}: CSP violation: ${violation}`)
  })
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __reportCspViolation?: (v: string) => void })
        .__reportCspViolation
      report?.(`${event.effectiveDirective} blocked ${event.blockedURI || '(inline)'}`)
    })
  })
  const page = await context.newPage()
  const watch = (target: Page) => {
    target.on('pageerror', (error) => errors.push(`${target.url()}: ${error.message}`))
    target.on('console', (message) => {
      if (message.type() === 'error') errors.push(`${target.url()}: ${message.text()}`)
    })
  }
  watch(page)
  context.on('page', watch)
  return { context, page, errors }
}

/**
 * From the sandbox page at `baseUrl`, opens the staff console as the demo owner (a new tab) and
 * waits until it is signed in.
 */
export async function openStaffConsole(page: Page, baseUrl: string): Promise<Page> {
  await page.goto(`${baseUrl}/sandbox`)
  const [staff] = await Promise.all([
    page.context().waitForEvent('page'),
    page.getByRole('link', { name: /スタッフ画面を開く/ }).click(),
  ])
  await staff.getByText('デモ店長').first().waitFor()
  return staff
}

/** Saves a PNG of the whole page (or of one element) and returns its path. */
export async function screenshot(target: Page | Locator, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  const path = join(SCREENSHOT_DIR, `${name}.png`)
  if ('goto' in target) await target.screenshot({ path, animations: 'disabled', fullPage: true })
  else await target.screenshot({ path, animations: 'disabled' })
  return path
}

/**
 * Creates a test customer on the sandbox page and selects them; resolves to their LINE user ID.
 * The form's disclosure opens by itself while the list is empty, so it is clicked open only when
 * its `<details>` is closed once the list has loaded (a blind click would close it again).
 */
export async function createSandboxCustomer(page: Page, name: string): Promise<string> {
  const customers = page.getByRole('region', { name: 'テスト顧客' })
  const form = customers.locator('details').filter({ hasText: '顧客を作成' })
  for (
    const deadline = Date.now() + 20_000;
    (await customers.getAttribute('aria-busy')) !== null;

  ) {
    if (Date.now() > deadline) throw new Error('the sandbox customer list did not load')
    await page.waitForTimeout(100)
  }
  if (!(await form.evaluate((details) => (details as HTMLDetailsElement).open)))
    await form.locator('summary').click()
  await page.getByRole('textbox', { name: '名前' }).fill(name)
  await page.getByRole('button', { name: '作成', exact: true }).click()
  const customer = page.getByRole('radio', { name })
  await customer.waitFor({ timeout: 20_000 })
  for (const deadline = Date.now() + 20_000; !(await customer.isChecked()); ) {
    if (Date.now() > deadline) throw new Error(`${name} was created but is not selected`)
    await page.waitForTimeout(100)
  }
  return customer.inputValue()
}
