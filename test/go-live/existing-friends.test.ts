import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import jsQR from 'jsqr'
import { PNG } from 'pngjs'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { betterSqliteAtomic } from '../../server/src/db/atomic.ts'
import { createRepositories } from '../../server/src/db/repositories/index.ts'
import { createUnitOfWork } from '../../server/src/db/unit-of-work.ts'
import { importFollowers } from '../../server/src/domain/members/follower-import.ts'
import { silentLogger, webIds } from '../../server/src/domain/ports.ts'
import { runFollowerImport, runPoster } from '../../server/src/entry/go-live-command.ts'
import { createLineMessagingClient } from '../../server/src/line/messaging-client.ts'
import { createFollowerIdsClient } from '../../server/src/line/rich-menu-client.ts'
import { startLineStandIn, type LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { eventually, startJoren, type JorenUnderTest } from '../support/joren-node.ts'

let standIn: LineStandIn
let joren: JorenUnderTest
let env: Record<string, string>

beforeAll(async () => {
  standIn = await startLineStandIn({ rateLimits: false })
})
afterAll(async () => {
  await standIn.close()
})
beforeEach(async () => {
  standIn.reset()
  joren = await startJoren(standIn)
  env = {
    DATABASE_PATH: joren.dbPath,
    LINE_CHANNEL_SECRET: standIn.channelSecret,
    LINE_CHANNEL_ACCESS_TOKEN: standIn.channelAccessToken,
    LINE_API_BASE_URL: standIn.url,
    LINE_DATA_API_BASE_URL: standIn.url,
  }
})
afterEach(async () => {
  await joren.close()
})

const members = () =>
  joren.rows<{ line_user_id: string; display_name: string | null }>(
    'select line_user_id, display_name from members order by id',
  )

describe('importing existing friends', { timeout: 60_000 }, () => {
  it('resumes after a fault midway from the page it was on, creating each member once', async () => {
    const friends = Array.from({ length: 8 }, (_, i) =>
      standIn.createUser({ friend: true, displayName: `既存${i}` }),
    )
    standIn.createUser({ friend: false, displayName: '友だちではない' })
    const db = joren.server.database.db
    const uow = createUnitOfWork(db, betterSqliteAtomic(joren.server.database.sqlite), {
      now: () => Date.now(),
    })
    const repositories = createRepositories(db, uow)
    const line = createLineMessagingClient({
      apiBaseUrl: standIn.url,
      channelAccessToken: standIn.channelAccessToken,
      ids: webIds,
      logger: silentLogger,
      retryBaseMs: 1,
    })
    const deps = {
      api: createFollowerIdsClient(line.call),
      getProfile: (id: string) => line.getProfile(id),
      members: repositories.members,
      settings: repositories.settings,
      ids: webIds,
      logger: silentLogger,
      now: () => Date.now(),
      pageSize: 3,
    }
    // after the first page is stored, LINE fails every try of the next page
    await expect(
      importFollowers(deps, {
        onPage: (s) => {
          if (s.pages === 1)
            standIn.inject({ kind: 'status', status: 500, path: '/v2/bot/followers/ids', count: 4 })
        },
      }),
    ).rejects.toThrow(/500/)
    expect(members().map((m) => m.display_name)).toEqual(['既存0', '既存1', '既存2'])

    const lines: string[] = []
    const code = await runFollowerImport([], env, (l) => lines.push(l), undefined, { pageSize: 3 })
    expect(code, lines.join('\n')).toBe(0)
    expect(members().map((m) => m.line_user_id)).toEqual(friends.map((f) => f.userId))
    expect(members().map((m) => m.display_name)).toEqual(friends.map((f) => f.displayName))
    // resumed with the stored cursor: the first page was asked for once (plus nothing else)
    const pages = standIn
      .requests()
      .filter((r) => r.path === '/v2/bot/followers/ids' && r.status === 200)
    expect(pages.filter((r) => !r.query.includes('start='))).toHaveLength(1)
    expect(pages).toHaveLength(3)
    expect(lines.at(-1)).toBe('友だちの取り込みが完了しました: 新規 8 人、登録済み 0 人')
    // profiles were asked once per friend: nobody was imported twice
    const profiles = standIn.requests().filter((r) => r.path.startsWith('/v2/bot/profile/'))
    expect(new Set(profiles.map((r) => r.path)).size).toBe(profiles.length)

    // running it again later picks up new friends only
    const late = standIn.createUser({ friend: true, displayName: '新しい友だち' })
    expect(await runFollowerImport([], env, () => undefined, undefined, { pageSize: 3 })).toBe(0)
    expect(members().map((m) => m.line_user_id)).toEqual([
      ...friends.map((f) => f.userId),
      late.userId,
    ])
  })

  it('an unverified account gets a Japanese answer pointing to the QR poster', async () => {
    standIn.createUser({ friend: true })
    standIn.setAccountType('unverified')
    const lines: string[] = []
    expect(await runFollowerImport([], env, (l) => lines.push(l))).toBe(3)
    expect(lines.join('\n')).toContain('認証済アカウント・プレミアムアカウントのみ')
    expect(lines.join('\n')).toContain('会員登録」QRポスター')
    expect(members()).toEqual([])
  })

  it('a friend who messages first is a member on the spot, with the profile', async () => {
    const user = standIn.createUser({ friend: true, displayName: '先にメッセージ' })
    await standIn.sendText(user.userId, 'こんにちは')
    await eventually(() =>
      expect(members()).toEqual([{ line_user_id: user.userId, display_name: '先にメッセージ' }]),
    )
    expect(
      joren.rows('select follow_state from members where line_user_id = ?', user.userId),
    ).toEqual([{ follow_state: 'following' }])
  })
})

describe('the 「会員登録」 QR poster', { timeout: 60_000 }, () => {
  it('is a PNG whose QR code decodes to the mini-app URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'joren-poster-'))
    try {
      const file = join(dir, 'poster.png')
      const lines: string[] = []
      const code = await runPoster([file], { ...env, LIFF_ID: '1234567890-AbCdEfGh' }, (l) =>
        lines.push(l),
      )
      expect(code, lines.join('\n')).toBe(0)
      const png = PNG.sync.read(readFileSync(file))
      const found = jsQR(new Uint8ClampedArray(png.data), png.width, png.height)
      expect(found?.data).toBe('https://liff.line.me/1234567890-AbCdEfGh/')

      const local = join(dir, 'local.png')
      expect(await runPoster([local], env, () => undefined)).toBe(0)
      const png2 = PNG.sync.read(readFileSync(local))
      expect(jsQR(new Uint8ClampedArray(png2.data), png2.width, png2.height)?.data).toBe(
        'http://localhost:8787/liff/',
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
