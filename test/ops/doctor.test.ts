import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { createServer as createHttpsServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  doctorExitCode,
  formatDoctor,
  runDoctor,
  type DoctorCheck,
} from '../../server/src/entry/doctor-command.ts'
import { createNodeHttpFetch } from '../../server/src/line/node-http-fetch.ts'
import { startLineStandIn, type LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { startJoren, type JorenUnderTest } from '../support/joren-node.ts'

const run = promisify(execFile)

// The deployment the doctor checks, in small: Joren on 127.0.0.1 behind an HTTPS reverse proxy
// (a self-signed certificate this test trusts), and the LINE stand-in, whose webhook test call
// goes through the proxy like LINE's would.
let dir: string
let ca: string
let standIn: LineStandIn
let joren: JorenUnderTest
let proxy: Server
let proxyTarget: string
let publicUrl: string
let trustingFetch: typeof fetch

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'joren-doctor-'))
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  )
  ca = readFileSync(join(dir, 'cert.pem'), 'utf8')
  trustingFetch = createNodeHttpFetch({ ca })
  standIn = await startLineStandIn({ rateLimits: false, webhookFetch: trustingFetch })
  joren = await startJoren(standIn)
  proxyTarget = joren.server.url
  proxy = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: ca }, (req, res) => {
    const target = new URL(req.url ?? '/', proxyTarget)
    const upstream = httpRequest(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => res.writeHead(502).end())
    req.pipe(upstream)
  })
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))
  publicUrl = `https://localhost:${(proxy.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise<void>((r) => {
    proxy.close(() => r())
    proxy.closeAllConnections()
  })
  await joren.close()
  await standIn.close()
  rmSync(dir, { recursive: true, force: true })
})

afterEach(() => {
  standIn.clearFaults()
  standIn.setWebhookUrl(`${publicUrl}/webhook`)
  standIn.setWebhookActive(true)
  proxyTarget = joren.server.url
})

function env(overrides: Record<string, string | undefined> = {}) {
  return {
    LINE_CHANNEL_SECRET: standIn.channelSecret,
    LINE_CHANNEL_ACCESS_TOKEN: standIn.channelAccessToken,
    LINE_API_BASE_URL: standIn.url,
    LINE_DATA_API_BASE_URL: standIn.url,
    LINE_JWKS_URL: standIn.jwksUrl,
    LINE_ID_TOKEN_ISSUER: standIn.issuer,
    LINE_LOGIN_CHANNEL_ID: standIn.loginChannelId,
    LIFF_ID: `${standIn.loginChannelId}-AbCdEfGh`,
    PUBLIC_URL: publicUrl,
    ...overrides,
  }
}

async function doctor(
  overrides: Record<string, string | undefined> = {},
  lang: 'ja' | 'en' = 'ja',
) {
  standIn.setWebhookUrl(standIn.webhookUrl ?? `${publicUrl}/webhook`)
  const checks = await runDoctor({
    env: env(overrides),
    fetch: trustingFetch,
    lang,
    timeoutMs: 5_000,
  })
  return { checks, byId: (id: DoctorCheck['id']) => checks.find((c) => c.id === id) }
}

describe('npm run doctor', () => {
  it('passes every check on a correct set-up and exits 0', async () => {
    standIn.setWebhookUrl(`${publicUrl}/webhook`)
    const before = standIn.requests().length
    const { checks } = await doctor()
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['config', 'pass'],
      ['public-url', 'pass'],
      ['token', 'pass'],
      ['webhook-endpoint', 'pass'],
      ['webhook-test', 'pass'],
      ['login', 'pass'],
      ['quota', 'pass'],
    ])
    expect(doctorExitCode(checks)).toBe(0)
    expect(formatDoctor(checks)).toContain('すべての確認に合格しました。')
    // It really asked LINE: bot info, the endpoint, the test call, the quota.
    const paths = standIn
      .requests()
      .slice(before)
      .map((r) => `${r.method} ${r.path}`)
    expect(paths).toEqual(
      expect.arrayContaining([
        'GET /v2/bot/info',
        'GET /v2/bot/channel/webhook/endpoint',
        'POST /v2/bot/channel/webhook/test',
        'GET /v2/bot/message/quota',
        'GET /v2/bot/message/quota/consumption',
      ]),
    )
  })

  it('without a channel: the configuration fails with how to set it', async () => {
    const { checks, byId } = await doctor({
      LINE_CHANNEL_SECRET: undefined,
      LINE_CHANNEL_ACCESS_TOKEN: undefined,
    })
    expect(byId('config')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('LINE_CHANNEL_SECRET'),
    })
    expect(doctorExitCode(checks)).toBe(1)
  })

  it('an http PUBLIC_URL fails: LINE delivers to HTTPS only', async () => {
    const { checks, byId } = await doctor({ PUBLIC_URL: joren.server.url })
    expect(byId('public-url')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('HTTPS'),
    })
    expect(doctorExitCode(checks)).toBe(1)
  })

  it('an unreachable PUBLIC_URL fails with what to check', async () => {
    const { byId } = await doctor({ PUBLIC_URL: 'https://localhost:1' })
    expect(byId('public-url')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('接続できません'),
      fix: expect.stringContaining('証明書'),
    })
  })

  it('a token LINE refuses fails with how to reissue it; the LINE checks after it are skipped', async () => {
    const { checks, byId } = await doctor({ LINE_CHANNEL_ACCESS_TOKEN: 'not-the-token-0123456789' })
    expect(byId('token')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('HTTP 401'),
      fix: expect.stringContaining('再発行'),
    })
    expect(byId('webhook-endpoint')?.status).toBe('skip')
    expect(byId('quota')?.status).toBe('skip')
    expect(doctorExitCode(checks)).toBe(1)
  })

  it('a webhook URL that is not PUBLIC_URL/webhook fails with the URL to set', async () => {
    standIn.setWebhookUrl('https://old-host.example/webhook')
    const { byId } = await doctor()
    expect(byId('webhook-endpoint')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('https://old-host.example/webhook'),
      fix: expect.stringContaining(`${publicUrl}/webhook`),
    })
  })

  it('"Use webhook" off fails with how to turn it on', async () => {
    standIn.setWebhookActive(false)
    const { byId } = await doctor()
    expect(byId('webhook-endpoint')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('Webhookの利用'),
    })
  })

  it("LINE's test call refused by Joren (another channel secret) fails with the secret to check", async () => {
    const wrong = await startJoren(standIn, { env: { LINE_CHANNEL_SECRET: 'f'.repeat(32) } })
    try {
      proxyTarget = wrong.server.url
      const { byId } = await doctor()
      expect(byId('webhook-test')).toMatchObject({
        status: 'fail',
        detail: expect.stringContaining('401'),
        fix: expect.stringContaining('LINE_CHANNEL_SECRET'),
      })
    } finally {
      await wrong.close()
    }
  })

  it("LINE's test call that cannot connect fails with what to check", async () => {
    proxyTarget = 'http://127.0.0.1:1'
    const { byId } = await doctor()
    expect(byId('webhook-test')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('HTTPS'),
    })
  })

  it('a LIFF ID of another channel than LINE_LOGIN_CHANNEL_ID (the ID token audience) fails', async () => {
    const { byId } = await doctor({ LIFF_ID: '1999999999-AbCdEfGh' })
    expect(byId('login')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('aud'),
      fix: expect.stringContaining('LINE_LOGIN_CHANNEL_ID'),
    })
    const missing = await doctor({ LIFF_ID: undefined })
    expect(missing.byId('login')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('LIFF_ID'),
    })
  })

  it('an unreadable quota fails', async () => {
    standIn.inject({ kind: 'status', status: 500, path: '/v2/bot/message/quota' })
    const { checks, byId } = await doctor()
    expect(byId('quota')).toMatchObject({ status: 'fail', fix: expect.any(String) })
    expect(doctorExitCode(checks)).toBe(1)
  })

  it('speaks English when asked', async () => {
    const { checks } = await doctor({ LIFF_ID: '1999999999-AbCdEfGh' }, 'en')
    const text = formatDoctor(checks, 'en')
    expect(text).toContain('FAIL  [login]')
    expect(text).toContain('Fix: Set LINE_LOGIN_CHANNEL_ID')
    expect(text).toContain('1 check(s) did not pass.')
  })

  it('the command exits non-zero when a check fails', async () => {
    // A child process: the stand-in in this process must keep answering meanwhile.
    const failed = await run(
      join(process.cwd(), 'node_modules/.bin/tsx'),
      ['server/src/entry/doctor.ts'],
      {
        env: { ...process.env, ...env({ PUBLIC_URL: 'http://localhost:8787' }) },
      },
    ).then(
      () => null,
      (error: unknown) => error as { code: number; stdout: string },
    )
    expect(failed?.code).toBe(1)
    expect(failed?.stdout).toContain('✘ 不合格  [public-url]')
    expect(failed?.stdout).toContain('対処: ')
  }, 60_000)
})
