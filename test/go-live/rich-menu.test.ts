import { PNG } from 'pngjs'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createRichMenuRepository } from '../../server/src/db/repositories/rich-menu-repository.ts'
import { createRepositories } from '../../server/src/db/repositories/index.ts'
import { webIds, silentLogger } from '../../server/src/domain/ports.ts'
import { createRichMenuService } from '../../server/src/domain/richmenu/rich-menu.ts'
import { richMenuTierSubscriber } from '../../server/src/domain/richmenu/subscriber.ts'
import { runRichMenu } from '../../server/src/entry/go-live-command.ts'
import { findCjkFont, NoCjkFontError } from '../../server/src/entry/rich-menu-image.ts'
import { createLineMessagingClient } from '../../server/src/line/messaging-client.ts'
import { createRichMenuClient } from '../../server/src/line/rich-menu-client.ts'
import { createUnitOfWork } from '../../server/src/db/unit-of-work.ts'
import { betterSqliteAtomic } from '../../server/src/db/atomic.ts'
import { startLineStandIn, type LineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { startJoren, type JorenUnderTest } from '../support/joren-node.ts'

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
  joren = await startJoren(standIn, { process: false })
  env = {
    DATABASE_PATH: joren.dbPath,
    LINE_CHANNEL_SECRET: standIn.channelSecret,
    LINE_CHANNEL_ACCESS_TOKEN: standIn.channelAccessToken,
    LINE_API_BASE_URL: standIn.url,
    LINE_DATA_API_BASE_URL: standIn.url,
    LIFF_ID: '1234567890-AbCdEfGh',
  }
  joren.server.database.sqlite
    .prepare("insert into settings (key, value, updated_at) values ('shop', ?, 0)")
    .run(JSON.stringify({ name: 'カフェ常連', categories: [{ id: 'food', label: 'フード' }] }))
})
afterEach(async () => {
  await joren.close()
})

async function run(args: string[] = []) {
  const lines: string[] = []
  const code = await runRichMenu(args, env, (line) => lines.push(line))
  return { code, lines }
}

function pngSize(data: Buffer) {
  const png = PNG.sync.read(data)
  return { width: png.width, height: png.height }
}

describe('npm run richmenu', { timeout: 180_000 }, () => {
  it('run twice: one Joren menu, the default, with a 2500×1686 PNG under 1 MB LINE accepted', async () => {
    const first = await run(['--color', '#c0392b'])
    expect(first.code, first.lines.join('\n')).toBe(0)
    const firstId = standIn.defaultRichMenu()?.richMenuId
    const second = await run(['--color', '#c0392b'])
    expect(second.code, second.lines.join('\n')).toBe(0)

    const menus = standIn.richMenus()
    expect(menus).toHaveLength(1)
    const live = standIn.defaultRichMenu()
    expect(live?.richMenuId).toBe(menus[0]?.richMenuId)
    expect(live?.richMenuId).not.toBe(firstId)
    expect(live?.image?.contentType).toBe('image/png')
    expect(live?.image?.data.byteLength).toBeLessThanOrEqual(1024 * 1024)
    expect(pngSize(live!.image!.data)).toEqual({ width: 2500, height: 1686 })
    // the menu's red header: the shop colour is in the image
    const png = PNG.sync.read(live!.image!.data)
    expect([...png.data.subarray(4 * 10, 4 * 10 + 3)]).toEqual([0xc0, 0x39, 0x2b])
    expect(live?.menu).toMatchObject({
      name: 'Joren カフェ常連',
      size: { width: 2500, height: 1686 },
    })
    const actions = (live?.menu.areas as { action: Record<string, string> }[]).map((a) => a.action)
    expect(actions.map((a) => a.label)).toEqual([
      '会員証',
      'クーポン',
      'ポイント',
      'アンケート',
      '友だち紹介',
      'お問い合わせ',
    ])
    expect(actions[0]).toMatchObject({
      type: 'uri',
      uri: 'https://liff.line.me/1234567890-AbCdEfGh/card',
    })
    expect(actions[3]).toMatchObject({ type: 'postback', data: 'action=survey' })
    expect(actions[5]).toMatchObject({ type: 'postback', data: 'action=ask_staff' })
    expect(second.lines.at(-1)).toContain('古いメニューの削除 1 件')
    // what Joren remembers is what LINE has
    const state = joren.rows<{ value: string }>(
      "select value from settings where key = 'rich_menu'",
    )
    expect(JSON.parse(state[0]!.value)).toMatchObject({ defaultRichMenuId: live?.richMenuId })
  })

  it('leaves menus it did not create alone, and removes its own half-made menu when the upload fails', async () => {
    const other = await fetch(`${standIn.url}/v2/bot/richmenu`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${standIn.channelAccessToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        size: { width: 2500, height: 843 },
        selected: false,
        name: 'OA Manager menu',
        chatBarText: 'menu',
        areas: [],
      }),
    })
    expect(other.status).toBe(200)
    expect((await run()).code).toBe(0)
    const live = standIn.defaultRichMenu()?.richMenuId
    standIn.inject({ kind: 'status', status: 500, path: /\/content$/, count: 1 })
    const failed = await run()
    expect(failed.code).toBe(1)
    expect(failed.lines.at(-1)).toMatch(/^リッチメニューを設定できませんでした/)
    expect(standIn.defaultRichMenu()?.richMenuId).toBe(live)
    expect(
      standIn
        .richMenus()
        .map((m) => m.menu.name)
        .sort(),
    ).toEqual(['Joren カフェ常連', 'OA Manager menu'])
  })

  it('per-tier menus: members linked in bulk, re-linked by the tier.changed subscriber', async () => {
    const sqlite = joren.server.database.sqlite
    sqlite
      .prepare(
        "insert into tiers (id, name, min_spend_yen, multiplier_percent, created_at) values (1, 'ブロンズ', 0, 100, 0), (2, 'ゴールド', 50000, 150, 0)",
      )
      .run()
    const users = [0, 1, 2].map((i) =>
      standIn.createUser({ friend: true, displayName: `会員${i}` }),
    )
    users.forEach((u, i) => {
      sqlite
        .prepare(
          "insert into members (line_user_id, member_number, follow_state, follow_state_at, created_at, updated_at) values (?, ?, 'following', 0, 0, 0)",
        )
        .run(u.userId, `10000000${i}0`)
      sqlite
        .prepare(
          'insert into member_tiers (member_id, tier_id, spend_12m_yen, updated_at) select id, ?, 0, 0 from members where line_user_id = ?',
        )
        .run(i === 2 ? 2 : 1, u.userId)
    })
    const result = await run(['--tiers'])
    expect(result.code, result.lines.join('\n')).toBe(0)
    const state = JSON.parse(
      joren.rows<{ value: string }>("select value from settings where key = 'rich_menu'")[0]!.value,
    ) as { tierMenus: Record<string, string> }
    expect(standIn.richMenus()).toHaveLength(3)
    expect(standIn.richMenuOf(users[0]!.userId)).toBe(state.tierMenus['1'])
    expect(standIn.richMenuOf(users[2]!.userId)).toBe(state.tierMenus['2'])
    const bulk = standIn.requests().filter((r) => r.path === '/v2/bot/richmenu/bulk/link')
    expect(bulk).toHaveLength(2)

    // member 0 moves up to ゴールド: the subscriber links the ゴールド menu
    const db = joren.server.database.db
    const uow = createUnitOfWork(db, betterSqliteAtomic(sqlite), { now: () => Date.now() })
    const line = createLineMessagingClient({
      apiBaseUrl: standIn.url,
      channelAccessToken: standIn.channelAccessToken,
      ids: webIds,
      logger: silentLogger,
    })
    const service = createRichMenuService({
      api: createRichMenuClient({
        call: line.call,
        dataApiBaseUrl: standIn.url,
        channelAccessToken: standIn.channelAccessToken,
      }),
      settings: createRepositories(db, uow).settings,
      members: createRichMenuRepository(db),
      logger: silentLogger,
      now: () => Date.now(),
    })
    const memberId = joren.rows<{ id: number }>(
      'select id from members where line_user_id = ?',
      users[0]!.userId,
    )[0]!.id
    const subscriber = richMenuTierSubscriber(service)
    await subscriber.handle({
      id: 1,
      type: 'tier.changed',
      memberId,
      data: { fromTierId: 1, toTierId: 2, direction: 'up', spend12mYen: 60000 },
      occurredAt: 0,
      recordedAt: 0,
    })
    expect(standIn.richMenuOf(users[0]!.userId)).toBe(state.tierMenus['2'])
    // and out of every tier: back to the default
    await subscriber.handle({
      id: 2,
      type: 'tier.changed',
      memberId,
      data: { fromTierId: 2, toTierId: null, direction: 'down', spend12mYen: 0 },
      occurredAt: 0,
      recordedAt: 0,
    })
    expect(standIn.richMenuOf(users[0]!.userId)).toBeUndefined()
  })
})

describe('the Japanese font', () => {
  it('is taken from JOREN_CJK_FONT, and its absence is said plainly', () => {
    expect(findCjkFont({}, (p) => p.endsWith('NotoSansCJK-Bold.ttc'))).toMatch(
      /NotoSansCJK-Bold\.ttc$/,
    )
    expect(findCjkFont({ JOREN_CJK_FONT: '/fonts/x.otf' }, (p) => p === '/fonts/x.otf')).toBe(
      '/fonts/x.otf',
    )
    expect(() => findCjkFont({}, () => false)).toThrow(NoCjkFontError)
    expect(() => findCjkFont({}, () => false)).toThrow(/fonts-noto-cjk/)
    expect(() => findCjkFont({ JOREN_CJK_FONT: '/nope.ttf' }, () => false)).toThrow(
      /JOREN_CJK_FONT/,
    )
  })

  it('the command stops with that message before calling LINE', async () => {
    const lines: string[] = []
    const code = await runRichMenu([], { ...env, JOREN_CJK_FONT: '/nonexistent/font.ttc' }, (l) =>
      lines.push(l),
    )
    expect(code).toBe(1)
    expect(lines[0]).toContain('JOREN_CJK_FONT')
    expect(standIn.requests().filter((r) => r.path.startsWith('/v2/bot/richmenu'))).toEqual([])
  })
})
