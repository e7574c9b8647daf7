import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseConfig } from '../../server/src/config.ts'
import { silentLogger, type Clock, type Logger } from '../../server/src/domain/ports.ts'
import { startNodeServer, type NodeServer } from '../../server/src/entry/node-server.ts'
import type { LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'

export interface JorenUnderTest {
  server: NodeServer
  dir: string
  dbPath: string
  /** Read-only SQL against the product's database, for assertions. */
  rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[]
  close(): Promise<void>
}

/** The real Node server on a fresh SQLite file, configured against the stand-in. */
export async function startJoren(
  standIn: LineStandIn,
  options: {
    clock?: Clock
    process?: boolean
    dir?: string
    lineTimeoutMs?: number
    /** Configure LINE Login (ID token verification against the stand-in). Default true. */
    login?: boolean
    /** More configuration (e.g. LINE_CHANNEL_TOKEN_KIND, BACKUP_DIR, PUBLIC_URL). */
    env?: Record<string, string>
    logger?: Logger
    secrets?: { add(secret: string): void }
  } = {},
): Promise<JorenUnderTest> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'joren-test-'))
  const dbPath = join(dir, 'joren.db')
  const config = parseConfig({
    DATABASE_PATH: dbPath,
    PORT: '0',
    LINE_CHANNEL_SECRET: standIn.channelSecret,
    LINE_CHANNEL_ACCESS_TOKEN: standIn.channelAccessToken,
    LINE_API_BASE_URL: standIn.url,
    LINE_DATA_API_BASE_URL: standIn.url,
    ...(options.login === false
      ? {}
      : {
          LINE_JWKS_URL: standIn.jwksUrl,
          LINE_ID_TOKEN_ISSUER: standIn.issuer,
          LINE_LOGIN_CHANNEL_ID: standIn.loginChannelId,
        }),
    ...options.env,
  })
  const server = await startNodeServer({
    config,
    line: {
      channelSecret: config.LINE_CHANNEL_SECRET ?? '',
      channelAccessToken: config.LINE_CHANNEL_ACCESS_TOKEN ?? '',
      apiBaseUrl: standIn.url,
      dataApiBaseUrl: standIn.url,
    },
    logger: options.logger ?? silentLogger,
    secrets: options.secrets,
    clock: options.clock,
    process: options.process,
    lineTimeoutMs: options.lineTimeoutMs,
  })
  standIn.setWebhookUrl(`${server.url}/webhook`)
  return {
    server,
    dir,
    dbPath,
    rows: <T>(sql: string, ...params: unknown[]) =>
      server.database.sqlite.prepare(sql).all(...params) as T[],
    async close() {
      await server.close()
      if (!options.dir) rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Polls until the check passes (or throws its last error after the timeout). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      return await check()
    } catch (error) {
      if (Date.now() > deadline) throw error
      await new Promise((r) => setTimeout(r, 20))
    }
  }
}
