import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLineStandIn, type LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { spawnJoren } from '../support/joren-process.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
let standIn: LineStandIn
let dir: string

beforeAll(async () => {
  standIn = await startLineStandIn({ rateLimits: false })
  dir = mkdtempSync(join(tmpdir(), 'joren-sandbox-safety-'))
})
afterAll(async () => {
  await standIn.close()
  rmSync(dir, { recursive: true, force: true })
})

/** `npm start`'s entry with no LINE channel (the sandbox), run to completion. */
function startSandboxSync(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'server/src/entry/node.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      LINE_CHANNEL_SECRET: '',
      LINE_CHANNEL_ACCESS_TOKEN: '',
      ...env,
    },
    encoding: 'utf8',
    // Loading the whole server through tsx took over 20 s on the loaded 2-core machine.
    timeout: 60_000,
  })
}

describe('the sandbox never exposes a real shop', () => {
  it(
    'refuses to open a database that has served a LINE channel',
    { timeout: 150_000 },
    async () => {
      const database = join(dir, 'shop.db')
      const real = await spawnJoren({
        DATABASE_PATH: database,
        PORT: '0',
        LINE_CHANNEL_SECRET: standIn.channelSecret,
        LINE_CHANNEL_ACCESS_TOKEN: standIn.channelAccessToken,
        LINE_API_BASE_URL: standIn.url,
      })
      real.child.kill('SIGTERM')
      expect(await real.exited).toBe(0)

      const sandbox = startSandboxSync({ DATABASE_PATH: database })
      expect(sandbox.status).toBe(1)
      expect(sandbox.stderr).toContain('This database belongs to a LINE channel')
    },
  )

  it('only listens on loopback', { timeout: 90_000 }, () => {
    const sandbox = startSandboxSync({ DATABASE_PATH: join(dir, 'other.db'), HOST: '0.0.0.0' })
    expect(sandbox.status).toBe(1)
    expect(sandbox.stderr).toContain('only listens on loopback')
  })
})
