import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../server/src/config.ts'
import { silentLogger } from '../../server/src/domain/ports.ts'
import { startNodeServer, type NodeServer } from '../../server/src/entry/node-server.ts'
import { startSandbox, type Sandbox } from '../../server/src/entry/sandbox.ts'
import { startLineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { startJoren } from '../support/joren-node.ts'
import { rawRequest } from '../support/raw-http.ts'

/**
 * Anyone who reaches the sandbox can sign in as its demo owner, so it answers only requests made
 * on this machine straight to it: a DNS-rebinding page (its own host name in Host), a request
 * through a proxy (forwarding headers) or to another port is refused with 403 — the demo owner's
 * ID, its ID token and the staff API alike.
 */

let dir: string
let sandbox: Sandbox
let server: NodeServer
let port: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'joren-sandbox-loopback-'))
  const base = parseConfig({ DATABASE_PATH: join(dir, 'joren.db'), PORT: '0' })
  sandbox = await startSandbox(base)
  server = await startNodeServer({
    config: { ...base, ...sandbox.configOverrides },
    line: sandbox.line,
    logger: silentLogger,
    mount: sandbox.mount,
    demoOwner: sandbox.demoOwner,
  })
  await sandbox.attach(server)
  port = String(server.port)
}, 60_000)

afterAll(async () => {
  await server.close()
  await sandbox.close()
  rmSync(dir, { recursive: true, force: true })
})

const get = (path: string, headers: Record<string, string>) =>
  rawRequest(server.url, path, headers, { method: 'GET' })

describe('the sandbox over loopback', () => {
  it('answers the page, the demo owner and its token for localhost, 127.0.0.1 and [::1] on its port', async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      const owner = await get('/sandbox/api/demo-owner', { host })
      expect({ host, status: owner.status }).toEqual({ host, status: 200 })
    }
    const token = await rawRequest(
      server.url,
      `/sandbox/api/users/${sandbox.demoOwner.lineUserId}/id-token`,
      { host: `localhost:${port}` },
    )
    expect(token.status).toBe(200)
    expect(JSON.parse(token.body)).toEqual({ idToken: expect.any(String) })
  })

  it('refuses another host name (DNS rebinding), another port and any forwarding header with 403', async () => {
    const { idToken } = JSON.parse(
      (
        await rawRequest(
          server.url,
          `/sandbox/api/users/${sandbox.demoOwner.lineUserId}/id-token`,
          { host: `localhost:${port}` },
        )
      ).body,
    ) as { idToken: string }
    const refused: Record<string, string>[] = [
      { host: `evil.example:${port}` },
      { host: 'evil.example' },
      { host: `localhost.evil.example:${port}` },
      { host: `localhost:${Number(port) + 1}` },
      { host: 'localhost' },
      { host: `localhost:${port}`, 'x-forwarded-for': '203.0.113.7' },
      { host: `localhost:${port}`, forwarded: 'for=203.0.113.7;host=evil.example' },
      { host: `localhost:${port}`, 'x-forwarded-host': 'evil.example' },
      { host: `localhost:${port}`, 'x-real-ip': '203.0.113.7' },
      { host: `localhost:${port}`, via: '1.1 proxy' },
    ]
    for (const headers of refused) {
      const requests = [
        get('/sandbox/api/demo-owner', headers),
        rawRequest(
          server.url,
          `/sandbox/api/users/${sandbox.demoOwner.lineUserId}/id-token`,
          headers,
        ),
        get('/sandbox', headers),
        get('/api/staff/me', { ...headers, authorization: `Bearer ${idToken}` }),
      ]
      for (const res of await Promise.all(requests)) {
        expect({ headers, status: res.status }).toEqual({ headers, status: 403 })
        expect(res.body).not.toContain(sandbox.demoOwner.lineUserId)
        expect(res.body).not.toContain('idToken')
        expect(JSON.parse(res.body)).toMatchObject({
          error: {
            code: 'sandbox_loopback_only',
            message: expect.stringContaining('サンドボックス'),
          },
        })
      }
    }
  })

  it('does not fence a server with a real channel (it sits behind the shop’s proxy)', async () => {
    const standIn = await startLineStandIn({ rateLimits: false })
    const joren = await startJoren(standIn)
    try {
      const res = await rawRequest(
        joren.server.url,
        '/healthz',
        { host: 'shop.example', 'x-forwarded-for': '203.0.113.7' },
        { method: 'GET' },
      )
      expect(res.status).toBe(200)
    } finally {
      await joren.close()
      await standIn.close()
    }
  })
})
