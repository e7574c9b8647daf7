import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parseConfig } from '../../server/src/config.ts'
import { silentLogger } from '../../server/src/domain/ports.ts'
import { startNodeServer } from '../../server/src/entry/node-server.ts'
import { startSandbox } from '../../server/src/entry/sandbox.ts'
import { startLineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { startJoren } from '../support/joren-node.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('sandbox demo owner', () => {
  it('opens the staff console as デモ店長, and is removed once a real channel is configured', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'joren-sandbox-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const base = parseConfig({ DATABASE_PATH: join(dir, 'joren.db'), PORT: '0' })
    const sandbox = await startSandbox(base)
    cleanups.push(() => sandbox.close())
    const server = await startNodeServer({
      config: { ...base, ...sandbox.configOverrides },
      line: sandbox.line,
      logger: silentLogger,
      mount: sandbox.mount,
      demoOwner: sandbox.demoOwner,
    })
    await sandbox.attach(server)
    expect(server.ownerSetup).toBeNull()

    const { userId } = (await (await fetch(`${server.url}/sandbox/api/demo-owner`)).json()) as {
      userId: string
    }
    const { idToken } = (await (
      await fetch(`${server.url}/sandbox/api/users/${userId}/id-token`, { method: 'POST' })
    ).json()) as { idToken: string }
    const me = await fetch(`${server.url}/api/staff/me`, {
      headers: { authorization: `Bearer ${idToken}` },
    })
    expect(await me.json()).toMatchObject({ staff: { displayName: 'デモ店長', role: 'owner' } })
    const config = await (await fetch(`${server.url}/api/public/config`)).json()
    expect(config).toMatchObject({ sandbox: true, shopName: 'Joren デモ店' })
    await server.close()

    // The same database with a real channel: the demo owner goes, a setup code appears.
    const standIn = await startLineStandIn({ rateLimits: false })
    cleanups.push(() => standIn.close())
    const joren = await startJoren(standIn, { dir })
    cleanups.push(() => joren.close())
    expect(joren.rows('select * from staff')).toEqual([])
    expect(joren.server.ownerSetup?.code).toEqual(expect.any(String))
  })
})
