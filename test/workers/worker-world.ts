import { expect, onTestFinished } from 'vitest'
import { hashCode } from '../../server/src/domain/staff/codes.ts'
import { startLineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import type { LineStandIn, StandInOptions } from '../../server/src/sandbox/line-stand-in/types.ts'
import { startLocalWorker, type LocalWorker, type WorkerBundle } from './local-worker.ts'

export type ApiBody = Record<string, unknown> & { error?: { code: string; message: string } }

export interface WorkerWorld {
  line: LineStandIn
  worker: LocalWorker
  /** A JSON call to the worker with a Bearer token. */
  api<T = ApiBody>(
    method: string,
    path: string,
    token: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>
  /** A fresh ID token of the shop's owner (claimed through the one-time setup code). */
  owner(): string
}

/**
 * The worker on workerd + local D1, pointed at a fresh LINE stand-in (webhooks included), with an
 * owner who claimed the shop. Both are closed when the test finishes.
 */
export async function startWorkerWorld(
  bundle: WorkerBundle,
  standIn: StandInOptions = { rateLimits: false },
): Promise<WorkerWorld> {
  const line = await startLineStandIn(standIn)
  onTestFinished(() => line.close())
  const worker = await startLocalWorker({
    bundle,
    vars: {
      LINE_CHANNEL_SECRET: line.channelSecret,
      LINE_CHANNEL_ACCESS_TOKEN: line.channelAccessToken,
      LINE_API_BASE_URL: line.url,
      LINE_DATA_API_BASE_URL: line.url,
      LINE_JWKS_URL: line.jwksUrl,
      LINE_ID_TOKEN_ISSUER: line.issuer,
      LINE_LOGIN_CHANNEL_ID: line.loginChannelId,
    },
  })
  onTestFinished(() => worker.dispose())
  line.setWebhookUrl(`${worker.url}/webhook`)

  const api: WorkerWorld['api'] = async (method, path, token, body) => {
    const res = await fetch(`${worker.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, body: (text ? JSON.parse(text) : null) as never }
  }

  const code = 'ABCD-EFGH-JKMN'
  await worker.query(
    'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)',
    'owner_setup',
    JSON.stringify({ codeHash: await hashCode(code), expiresAt: Date.now() + 60_000 }),
    Date.now(),
  )
  const ownerUser = line.createUser({ displayName: '店長' })
  const owner = () => line.issueIdToken(ownerUser.userId)
  expect((await api('POST', '/api/staff/setup', owner(), { code })).status).toBe(201)
  // Tests run at any hour with the real clock; quiet hours (start = end: none) are tested with an
  // injected clock in the contact-policy suites.
  const policy = { quietStart: '00:00', quietEnd: '00:00', weeklyCap: 2 }
  expect((await api('PUT', '/api/staff/journeys/policy', owner(), policy)).status).toBe(200)
  return { line, worker, api, owner }
}
