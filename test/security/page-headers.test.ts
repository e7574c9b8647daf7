import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../server/src/config.ts'
import { silentLogger } from '../../server/src/domain/ports.ts'
import { startNodeServer, type NodeServer } from '../../server/src/entry/node-server.ts'
import { startSandbox, type Sandbox } from '../../server/src/entry/sandbox.ts'
import {
  CONTENT_SECURITY_POLICY,
  pageSecurityHeaders,
} from '../../server/src/middleware/security-headers.ts'
import { ensureAppsBuilt } from '../e2e/sandbox-server.ts'
import { startLineStandIn, type LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'

/**
 * The staff console and the member mini-app carry a Content-Security-Policy, anti-framing and
 * (over HTTPS) HSTS: on Node for every page and deep link, and in the Workers static-asset
 * `_headers` (the Worker's own pages are checked on workerd in test/workers/). The policy allows
 * no inline or foreign script beyond LINE's SDK host, and framing only by the same origin.
 */

const HEADERS_FILE = fileURLToPath(new URL('../../liff-app/public/_headers', import.meta.url))

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/)
      return [name, values]
    }),
  )
}

describe('the policy', () => {
  it('runs no inline or injected script, frames only on the same origin, and allows the LIFF SDK', () => {
    for (const app of ['liff', 'staff', 'sandbox'] as const) {
      const csp = directives(CONTENT_SECURITY_POLICY[app])
      expect(csp.get('frame-ancestors'), app).toEqual(["'self'"])
      expect(csp.get('default-src'), app).toEqual(["'self'"])
      expect(csp.get('object-src'), app).toEqual(["'none'"])
      expect(csp.get('base-uri'), app).toEqual(["'self'"])
      const scripts = csp.get('script-src') ?? []
      expect(scripts, app).toContain("'self'")
      expect(scripts, app).not.toContain("'unsafe-inline'")
      expect(
        scripts.filter((s) => s.startsWith('http')),
        app,
      ).toEqual(app === 'sandbox' ? [] : ['https://static.line-scdn.net'])
      expect(
        scripts.some((s) => s === '*' || s === 'https:' || s === 'data:'),
        app,
      ).toBe(false)
    }
    // Only the staff console runs the SDK's sub-window (QR scanning), which needs eval.
    expect(directives(CONTENT_SECURITY_POLICY.liff).get('script-src')).not.toContain(
      "'unsafe-eval'",
    )
    expect(directives(CONTENT_SECURITY_POLICY.staff).get('script-src')).toContain("'unsafe-eval'")
  })
})

describe('Workers static assets (_headers)', () => {
  function parseHeadersFile(text: string): Map<string, Record<string, string>> {
    const rules = new Map<string, Record<string, string>>()
    let current: Record<string, string> | null = null
    for (const line of text.split('\n')) {
      if (line.trim() === '' || line.startsWith('#')) continue
      if (!/^\s/.test(line)) {
        current = {}
        rules.set(line.trim(), current)
        continue
      }
      const colon = line.indexOf(':')
      if (!current || colon < 0) throw new Error(`bad _headers line: ${line}`)
      current[line.slice(0, colon).trim()] = line.slice(colon + 1).trim()
    }
    return rules
  }

  it('gives /liff/* and /staff/* exactly the pages’ headers, HSTS included (Workers is HTTPS)', () => {
    const rules = parseHeadersFile(readFileSync(HEADERS_FILE, 'utf8'))
    for (const app of ['liff', 'staff'] as const) {
      expect(rules.get(`/${app}/*`)).toEqual({
        'Cache-Control': 'no-cache',
        ...pageSecurityHeaders(app, true),
      })
    }
    expect(rules.get('/assets/*')).toEqual({
      'Cache-Control': 'public, max-age=31536000, immutable',
    })
  })
})

describe('pages served on Node', () => {
  let standIn: LineStandIn
  const servers: NodeServer[] = []
  const dirs: string[] = []
  let sandbox: Sandbox | undefined

  beforeAll(async () => {
    await ensureAppsBuilt()
    standIn = await startLineStandIn({ rateLimits: false })
  }, 300_000)
  afterAll(async () => {
    for (const server of servers) await server.close()
    await sandbox?.close()
    await standIn.close()
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })

  async function serve(publicUrl: string): Promise<NodeServer> {
    const dir = mkdtempSync(join(tmpdir(), 'joren-headers-'))
    dirs.push(dir)
    const server = await startNodeServer({
      config: parseConfig({
        DATABASE_PATH: join(dir, 'joren.db'),
        PORT: '0',
        PUBLIC_URL: publicUrl,
        LINE_CHANNEL_SECRET: standIn.channelSecret,
        LINE_CHANNEL_ACCESS_TOKEN: standIn.channelAccessToken,
        LINE_API_BASE_URL: standIn.url,
      }),
      line: {
        channelSecret: standIn.channelSecret,
        channelAccessToken: standIn.channelAccessToken,
        apiBaseUrl: standIn.url,
        dataApiBaseUrl: standIn.url,
      },
      logger: silentLogger,
      process: false,
    })
    servers.push(server)
    return server
  }

  const PAGES = [
    ['liff', '/liff/'],
    ['liff', '/liff/card'],
    ['liff', '/liff/surveys/12'],
    ['staff', '/staff/'],
    ['staff', '/staff'],
    ['staff', '/staff/members/0000000001'],
    ['staff', '/staff/index.html'],
  ] as const

  it('sends each page and deep link with its CSP and anti-framing, and HSTS only over HTTPS', async () => {
    for (const [publicUrl, https] of [
      ['http://localhost:8787', false],
      ['https://shop.example', true],
    ] as const) {
      const server = await serve(publicUrl)
      for (const [app, path] of PAGES) {
        const res = await fetch(`${server.url}${path}`)
        expect({ path, status: res.status }).toEqual({ path, status: 200 })
        expect(res.headers.get('content-type')).toMatch(/^text\/html/)
        const expected = pageSecurityHeaders(app, https)
        for (const [name, value] of Object.entries(expected))
          expect({ path, name, value: res.headers.get(name) }).toEqual({ path, name, value })
        if (!https) expect(res.headers.get('strict-transport-security')).toBeNull()
        await res.arrayBuffer()
      }
    }
  })

  it('sends the sandbox page with its own policy (it frames the two apps, on the same origin)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'joren-headers-sandbox-'))
    dirs.push(dir)
    const base = parseConfig({ DATABASE_PATH: join(dir, 'joren.db'), PORT: '0' })
    sandbox = await startSandbox(base)
    const server = await startNodeServer({
      config: { ...base, ...sandbox.configOverrides },
      line: sandbox.line,
      logger: silentLogger,
      mount: sandbox.mount,
      demoOwner: sandbox.demoOwner,
      process: false,
    })
    servers.push(server)
    await sandbox.attach(server)
    const res = await fetch(`${server.url}/sandbox`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY.sandbox)
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN')
    await res.arrayBuffer()
  })
})
