import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import type { Config } from '../config.ts'
import { DEMO_OWNER_NAME, DEMO_OWNER_USER_ID } from '../domain/staff/staff.ts'
import { sandboxRoutes } from '../routes/sandbox.ts'
import type { LineSettings } from '../compose/ports.ts'
import type { NodeServer, NodeServerOptions } from './node-server.ts'
import { sandboxClockControl, SandboxShopClock } from './sandbox-clock.ts'
import { mountSandboxPage } from './static-node.ts'

/**
 * The sandbox: with no LINE channel configured, start the local LINE platform stand-in on a
 * loopback port and point the product at it, exactly as it would point at api.line.me.
 */
export async function startSandbox(config: Config) {
  const { startLineStandIn } = await import('../sandbox/line-stand-in/index.ts')
  // The shop's clock, which staff may move forward here (never outside the sandbox); the stand-in
  // shares it, so ID tokens and webhook timestamps agree with the product's "now".
  const clock = new SandboxShopClock()
  let runPeriodic: (() => Promise<void>) | null = null
  const clockControl = sandboxClockControl({
    clock,
    timeZone: config.SHOP_TIMEZONE,
    tick: async () => {
      await runPeriodic?.()
    },
  })
  const standIn = await startLineStandIn({
    now: clock.now,
    host: '127.0.0.1',
    port: 0,
    channelSecret: randomBytes(16).toString('hex'),
    channelAccessToken: randomBytes(32).toString('base64url'),
    // The stand-in signs the sandbox's ID tokens, so it must use the channel ID Joren expects.
    loginChannelId: config.LINE_LOGIN_CHANNEL_ID,
  })
  // The demo owner: a stand-in user the sandbox page signs in as to open the staff console.
  const demoOwner = standIn.createUser({ userId: DEMO_OWNER_USER_ID, displayName: DEMO_OWNER_NAME })
  // Test customers, their chats and the rich menus live in the stand-in's memory; they are kept in
  // a file beside the sandbox database, so a restart of `npm start` finds them again.
  const keeper = standInKeeper(standIn, standInFilePath(config.DATABASE_PATH))
  const line: LineSettings = {
    channelSecret: standIn.channelSecret,
    channelAccessToken: standIn.channelAccessToken,
    apiBaseUrl: standIn.url,
    dataApiBaseUrl: standIn.url,
  }
  const configOverrides: Partial<Config> = {
    LINE_API_BASE_URL: standIn.url,
    LINE_DATA_API_BASE_URL: standIn.url,
    LINE_JWKS_URL: standIn.jwksUrl,
    LINE_ID_TOKEN_ISSUER: standIn.issuer,
    LINE_LOGIN_CHANNEL_ID: config.LINE_LOGIN_CHANNEL_ID ?? standIn.loginChannelId,
  }
  const mount: NonNullable<NodeServerOptions['mount']> = (app) => {
    app.route(
      '/sandbox',
      sandboxRoutes(standIn.url, { demoOwnerUserId: demoOwner.userId, clock: clockControl }),
    )
    mountSandboxPage(app)
    app.get('/', (c) => c.redirect('/sandbox'))
  }
  return {
    line,
    configOverrides,
    clock,
    mount,
    demoOwner: { lineUserId: demoOwner.userId, displayName: demoOwner.displayName },
    async attach(server: NodeServer) {
      standIn.setWebhookUrl(`${server.url}/webhook`)
      runPeriodic = server.runPeriodic
    },
    /** Where the stand-in's customers and chats are kept (null: an in-memory database). */
    keptAt: keeper.path,
    close: async () => {
      keeper.stop()
      await standIn.close()
    },
  }
}

/** The stand-in's file beside the database (`data/sandbox.db` → `data/sandbox.line.json`). */
export function standInFilePath(databasePath: string): string | null {
  if (!databasePath || databasePath === ':memory:') return null
  return `${databasePath.replace(/\.(db|sqlite3?)$/, '')}.line.json`
}

/**
 * Restores the stand-in from its file, then writes the file again whenever its content changed
 * (checked every half second, written to a temporary file and renamed, so a crash leaves the last
 * whole copy) and once more when the sandbox stops.
 */
function standInKeeper(
  standIn: { snapshot(): string; restore(json: string): void },
  path: string | null,
) {
  if (!path) return { path, stop: () => undefined }
  if (existsSync(path)) standIn.restore(readFileSync(path, 'utf8'))
  let written = standIn.snapshot()
  const save = () => {
    const now = standIn.snapshot()
    if (now === written) return
    writeFileSync(`${path}.tmp`, now)
    renameSync(`${path}.tmp`, path)
    written = now
  }
  const timer = setInterval(save, 500)
  timer.unref()
  return {
    path,
    stop: () => {
      clearInterval(timer)
      save()
    },
  }
}

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>
