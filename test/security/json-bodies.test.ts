import { mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { parseConfig } from '../../server/src/config.ts'
import { silentLogger } from '../../server/src/domain/ports.ts'
import { startNodeServer, type NodeServer } from '../../server/src/entry/node-server.ts'
import { startSandbox, type Sandbox } from '../../server/src/entry/sandbox.ts'
import {
  jsonBodyLimitFor,
  LARGER_JSON_BODIES,
  NON_JSON_BODIES,
  ANY_TYPE_JSON_BODIES,
  routeKey,
} from '../../server/src/middleware/json-body.ts'
import { sandboxRoutes } from '../../server/src/routes/sandbox.ts'
import { startLineStandIn, type LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { startJoren, type JorenUnderTest } from '../support/joren-node.ts'
import { rawRequest } from '../support/raw-http.ts'
import { postWebhook } from '../support/webhook-client.ts'

/**
 * Every route of the app that takes a body — enumerated from the app itself, not listed by hand —
 * refuses a body that is not JSON with 415 and one over its limit with 413, before anything else
 * (authentication included) looks at it; a JSON body at the limit passes on to the route. The
 * webhook (raw bytes, its own 1 MiB limit) and the CSV import keep their own rules.
 */

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

interface RouteUnderTest {
  key: string
  method: string
  path: string
  /** A concrete URL path for the pattern. */
  url: string
}

function concrete(pattern: string): string {
  return pattern
    .replace(/:action\{[^}]*\}/g, 'follow')
    .replace(/:userId/g, 'U' + 'a'.repeat(32))
    .replace(/:memberNumber/g, '0000000001')
    .replace(/:[A-Za-z]+(\{[^}]*\})?/g, '1')
}

function mutatingRoutes(routes: { method: string; path: string }[]): RouteUnderTest[] {
  const byKey = new Map<string, RouteUnderTest>()
  for (const { method, path } of routes) {
    if (!MUTATING.has(method)) continue
    const key = routeKey(method, path)
    byKey.set(key, { key, method, path, url: concrete(path) })
  }
  return [...byKey.values()]
}

const appRoutes = mutatingRoutes(createApp(() => ({}) as never).routes)
const sandboxRouteList = mutatingRoutes(
  sandboxRoutes('http://127.0.0.1:9').routes.map((r) => ({ ...r, path: `/sandbox${r.path}` })),
)
const jsonRoutes = appRoutes.filter(
  (r) => r.path.startsWith('/api/') && !NON_JSON_BODIES.has(r.key),
)

/** A JSON object of exactly `bytes` bytes. */
const jsonOf = (bytes: number) => `{"pad":"${'a'.repeat(bytes - 10)}"}`

let standIn: LineStandIn
let joren: JorenUnderTest
let sandbox: Sandbox
let sandboxServer: NodeServer
let sandboxDir: string

beforeAll(async () => {
  standIn = await startLineStandIn({ rateLimits: false })
  joren = await startJoren(standIn)
  sandboxDir = mkdtempSync(join(tmpdir(), 'joren-sandbox-bodies-'))
  const base = parseConfig({ DATABASE_PATH: join(sandboxDir, 'joren.db'), PORT: '0' })
  sandbox = await startSandbox(base)
  sandboxServer = await startNodeServer({
    config: { ...base, ...sandbox.configOverrides },
    line: sandbox.line,
    logger: silentLogger,
    mount: sandbox.mount,
    demoOwner: sandbox.demoOwner,
  })
  await sandbox.attach(sandboxServer)
}, 60_000)

afterAll(async () => {
  await joren.close()
  await standIn.close()
  await sandboxServer.close()
  await sandbox.close()
  rmSync(sandboxDir, { recursive: true, force: true })
})

describe('the route table', () => {
  it('finds the JSON routes from the app, and every special case names a real route', () => {
    expect(jsonRoutes.length).toBeGreaterThan(60)
    // The routes the security review found storing a 2 MB body are among them.
    for (const key of [
      'POST /api/staff/members/:memberNumber/notes',
      'POST /api/staff/tags',
      'PATCH /api/staff/tags/:id',
    ])
      expect(jsonRoutes.map((r) => r.key)).toContain(key)
    const all = appRoutes.map((r) => r.key)
    for (const key of [
      ...Object.keys(LARGER_JSON_BODIES),
      ...NON_JSON_BODIES,
      ...ANY_TYPE_JSON_BODIES,
    ])
      expect(all).toContain(key)
    expect(sandboxRouteList.length).toBeGreaterThanOrEqual(5)
  })
})

describe.each([
  ['the app', () => joren.server.url, () => jsonRoutes],
  ['the sandbox API', () => sandboxServer.url, () => sandboxRouteList],
] as const)('every JSON route of %s', (_name, baseUrl, routes) => {
  it('refuses text/plain and form bodies with 415', async () => {
    // The bearer-key integration API reads its body whatever the type (a POS may omit it).
    for (const route of routes().filter((r) => !ANY_TYPE_JSON_BODIES.has(r.key))) {
      for (const contentType of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
      ]) {
        const res = await rawRequest(
          baseUrl(),
          route.url,
          { 'content-type': contentType },
          { method: route.method, body: '{}' },
        )
        expect({ route: route.key, contentType, status: res.status }).toEqual({
          route: route.key,
          contentType,
          status: 415,
        })
        expect(JSON.parse(res.body)).toMatchObject({
          error: { code: 'unsupported_media_type', message: expect.stringContaining('JSON') },
        })
      }
    }
  })

  it('refuses a body over the route limit with 413 and lets one at the limit through', async () => {
    for (const route of routes()) {
      const limit = jsonBodyLimitFor(route.key)
      const over = await rawRequest(
        baseUrl(),
        route.url,
        { 'content-type': 'application/json' },
        { method: route.method, body: jsonOf(limit + 1) },
      )
      expect({ route: route.key, status: over.status }).toEqual({ route: route.key, status: 413 })
      expect(JSON.parse(over.body)).toMatchObject({
        error: { code: 'payload_too_large', limitBytes: limit },
      })
      const at = await rawRequest(
        baseUrl(),
        route.url,
        { 'content-type': 'application/json; charset=utf-8' },
        { method: route.method, body: jsonOf(limit) },
      )
      expect({ route: route.key, status: at.status }).not.toMatchObject({
        status: expect.toSatisfy((s: number) => s === 413 || s === 415),
      })
    }
  })
})

describe('streamed and non-JSON bodies', () => {
  it('counts a streamed (chunked) body too, when the route reads it', async () => {
    // The sandbox's user creation reads its body without signing in first.
    const url = new URL('/sandbox/api/users', sandboxServer.url)
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          agent: false,
          headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        },
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        },
      )
      req.on('error', reject)
      const chunk = Buffer.alloc(8 * 1024, 'a')
      req.write('{"displayName":"')
      for (let i = 0; i < 8; i++) req.write(chunk)
      req.end('"}')
    })
    expect(status).toBe(413)
  })

  it('leaves the webhook and the CSV import their own rules', async () => {
    const signed = await postWebhook(`${joren.server.url}/webhook`, 'not json at all', {
      secret: standIn.channelSecret,
    })
    expect(signed.status).toBe(200)
    const csv = await rawRequest(
      joren.server.url,
      '/api/staff/purchases/import',
      { 'content-type': 'text/csv; charset=utf-8' },
      { body: 'member_number,amount_yen\n' + '0000000001,100\n'.repeat(2000) },
    )
    // Not 415 and not the 16 KiB JSON limit: the route answers (401: not signed in).
    expect(csv.status).toBe(401)
  })
})
