/**
 * The LIFF SDK for browser tests only (`vite build --mode liffmock` → liff-app/dist-liffmock/;
 * the production build never resolves this file, and `test/e2e/liff-mock.e2e.test.ts` checks that
 * its dist holds no trace of it). LINE's own `@line/liff-mock` plugin stands in for the LINE app:
 * `liff.init` runs in mock mode, and what each API answers comes from
 * `window.__JOREN_LIFF_MOCK__` (set by the test before the page loads). Every LIFF API the app
 * calls is recorded in `window.__JOREN_LIFF_CALLS__`, so a test can prove what was (not) called.
 */
import liff from '@line/liff'
import IsApiAvailable from '@line/liff/is-api-available'
import ScanCodeV2 from '@line/liff/scan-code-v2'
import ShareTargetPicker from '@line/liff/share-target-picker'
import { LiffMockPlugin } from '@line/liff-mock'

interface MockWindow {
  __JOREN_LIFF_MOCK__?: Record<string, unknown>
  __JOREN_LIFF_CALLS__?: { api: string; args: unknown[] }[]
}

type Callable = (...args: unknown[]) => unknown
type MockedLiff = typeof liff & {
  $mock: { set(data: Record<string, unknown>): void }
  init(config: { liffId: string; mock?: boolean }): Promise<void>
}

const mockWindow = window as unknown as MockWindow
const calls = (mockWindow.__JOREN_LIFF_CALLS__ ??= [])
const mocked = liff as MockedLiff
// The full SDK registers most APIs; the pluggable ones the app loads later are registered here
// too, so the app's own `liff.use(new IsApiAvailable())` etc. are no-ops (LIFF skips a module it
// already has) and never replace the mock's stand-ins that init puts in place.
mocked.use(new IsApiAvailable())
mocked.use(new ScanCodeV2())
mocked.use(new ShareTargetPicker())
mocked.use(new LiffMockPlugin())
mocked.$mock.set(mockWindow.__JOREN_LIFF_MOCK__ ?? {})

const init = mocked.init.bind(mocked)
const record = () => {
  const target = mocked as unknown as Record<string, unknown>
  for (const [api, value] of Object.entries(target)) {
    if (typeof value !== 'function' || api.startsWith('_') || api === 'use') continue
    const original = value as Callable
    target[api] = (...args: unknown[]) => {
      calls.push({ api, args: JSON.parse(JSON.stringify(args ?? [])) as unknown[] })
      return original.apply(mocked, args)
    }
  }
}
mocked.init = async (config) => {
  calls.push({ api: 'init', args: [config] })
  await init({ ...config, mock: true })
  // In the LINE app, init logs the user in by itself; the mock does so only when the real SDK
  // detects LINE's browser, so do it here when the test says we are in LINE (before recording).
  if (mocked.isInClient()) mocked.login()
  // The mock puts its stand-ins on `liff` in init: wrap them now.
  record()
}

export { liff }
