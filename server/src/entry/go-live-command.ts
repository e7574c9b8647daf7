import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import QRCode from 'qrcode'
import { ConfigError, parseConfig, type Config } from '../config.ts'
import { betterSqliteAtomic } from '../db/atomic.ts'
import { openNodeDatabase } from '../db/node-sqlite.ts'
import { createRepositories } from '../db/repositories/index.ts'
import { createRichMenuRepository } from '../db/repositories/rich-menu-repository.ts'
import { createUnitOfWork } from '../db/unit-of-work.ts'
import { importFollowers, FollowerListNotAllowedError } from '../domain/members/follower-import.ts'
import { liffUrl, type AppLinks } from '../domain/links.ts'
import { systemClock, webIds, type Clock, type Logger } from '../domain/ports.ts'
import {
  createRichMenuService,
  defaultRichMenuTiles,
  type MenuToPublish,
} from '../domain/richmenu/rich-menu.ts'
import { readShopSettings } from '../domain/shop/settings.ts'
import { createLineMessagingClient } from '../line/messaging-client.ts'
import { createFollowerIdsClient, createRichMenuClient } from '../line/rich-menu-client.ts'
import { findCjkFont, normaliseColour, renderRichMenuPng, renderSvgPng } from './rich-menu-image.ts'

type Out = (line: string) => void

const quietLogger = (out: Out): Logger => ({
  info: () => undefined,
  warn: (message, fields) => out(`warn: ${message} ${JSON.stringify(fields ?? {})}`),
  error: (message, fields) => out(`error: ${message} ${JSON.stringify(fields ?? {})}`),
})

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name)
  if (i >= 0) return args[i + 1]
  const eq = args.find((a) => a.startsWith(`${name}=`))
  return eq?.slice(name.length + 1)
}

function configOf(env: Record<string, string | undefined>, out: Out): Config | undefined {
  try {
    return parseConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) {
      out(error.message)
      return undefined
    }
    throw error
  }
}

async function withChannel(
  env: Record<string, string | undefined>,
  out: Out,
  clock: Clock,
  run: (input: {
    config: Config & { LINE_CHANNEL_ACCESS_TOKEN: string }
    repositories: ReturnType<typeof createRepositories>
    richMenuRepository: ReturnType<typeof createRichMenuRepository>
    line: ReturnType<typeof createLineMessagingClient>
    logger: Logger
  }) => Promise<number>,
): Promise<number> {
  const config = configOf(env, out)
  if (!config) return 1
  const token = config.LINE_CHANNEL_ACCESS_TOKEN
  if (!token) {
    out(
      'LINE_CHANNEL_ACCESS_TOKEN が設定されていません（.env か環境変数で LINE チャネルを設定してください）。',
    )
    return 1
  }
  const logger = quietLogger(out)
  const database = openNodeDatabase(config.DATABASE_PATH, { checkpointEveryMs: 0 })
  try {
    const uow = createUnitOfWork(database.db, betterSqliteAtomic(database.sqlite), clock)
    const line = createLineMessagingClient({
      apiBaseUrl: config.LINE_API_BASE_URL,
      channelAccessToken: token,
      ids: webIds,
      logger,
    })
    return await run({
      config: { ...config, LINE_CHANNEL_ACCESS_TOKEN: token },
      repositories: createRepositories(database.db, uow),
      richMenuRepository: createRichMenuRepository(database.db),
      line,
      logger,
    })
  } finally {
    await database.close()
  }
}

const linksOf = (config: Config): AppLinks => ({
  liffId: config.LIFF_ID ?? null,
  publicUrl: config.PUBLIC_URL,
  timeZone: config.SHOP_TIMEZONE,
})

export const RICH_MENU_USAGE =
  'usage: npm run richmenu -- [--color #RRGGBB] [--tiers] [--out FILE.png]'

/**
 * `npm run richmenu`: renders the default rich menu with the shop's name and colour (resvg and a
 * Japanese font on this machine), uploads it, makes it the default and deletes the older Joren
 * menus. `--tiers` also publishes one menu per tier and links each tier's members to it.
 */
export async function runRichMenu(
  args: string[],
  env: Record<string, string | undefined>,
  out: Out,
  clock: Clock = systemClock,
): Promise<number> {
  if (args.includes('--help')) {
    out(RICH_MENU_USAGE)
    return 0
  }
  let fontFile: string
  try {
    fontFile = findCjkFont(env)
  } catch (error) {
    out(error instanceof Error ? error.message : String(error))
    return 1
  }
  const colour = normaliseColour(flag(args, '--color') ?? env.JOREN_SHOP_COLOR)
  return withChannel(
    env,
    out,
    clock,
    async ({ config, repositories, richMenuRepository, line, logger }) => {
      const shop = await readShopSettings(repositories.settings, config.sandbox)
      const tiles = defaultRichMenuTiles(linksOf(config))
      const render = (subtitle?: string) => ({
        contentType: 'image/png' as const,
        bytes: renderRichMenuPng({ shopName: shop.name, colour, tiles, fontFile, subtitle }),
      })
      const menus: MenuToPublish[] = [{ tierId: null, name: shop.name, image: render() }]
      if (args.includes('--tiers'))
        for (const tier of await richMenuRepository.tiers())
          menus.push({
            tierId: tier.id,
            name: `${shop.name} ${tier.name}`,
            image: render(tier.name),
          })
      const outFile = flag(args, '--out')
      if (outFile) {
        mkdirSync(dirname(outFile), { recursive: true })
        writeFileSync(outFile, menus[0]?.image.bytes ?? new Uint8Array())
      }
      const service = createRichMenuService({
        api: createRichMenuClient({
          call: line.call,
          dataApiBaseUrl: config.LINE_DATA_API_BASE_URL,
          channelAccessToken: config.LINE_CHANNEL_ACCESS_TOKEN,
        }),
        settings: repositories.settings,
        members: richMenuRepository,
        logger,
        now: () => clock.now(),
      })
      try {
        const result = await service.publish(menus, tiles)
        out(
          `リッチメニューを既定に設定しました: ${result.defaultRichMenuId}` +
            ` (画像 ${menus[0]?.image.bytes.byteLength ?? 0} バイト, 階級別 ${Object.keys(result.tierMenus).length} 件, ` +
            `紐付け ${result.linked} 人, 古いメニューの削除 ${result.deleted.length} 件)`,
        )
        return 0
      } catch (error) {
        out(
          `リッチメニューを設定できませんでした: ${error instanceof Error ? error.message : String(error)}`,
        )
        return 1
      }
    },
  )
}

export const FOLLOWERS_USAGE = 'usage: npm run followers:import -- [--restart]'

/** `npm run followers:import`: existing friends → members (verified / premium accounts only). */
export async function runFollowerImport(
  args: string[],
  env: Record<string, string | undefined>,
  out: Out,
  clock: Clock = systemClock,
  options: { pageSize?: number } = {},
): Promise<number> {
  return withChannel(env, out, clock, async ({ repositories, line, logger }) => {
    try {
      const state = await importFollowers(
        {
          api: createFollowerIdsClient(line.call),
          getProfile: (userId) => line.getProfile(userId),
          members: repositories.members,
          settings: repositories.settings,
          ids: webIds,
          logger,
          now: () => clock.now(),
          pageSize: options.pageSize,
        },
        {
          restart: args.includes('--restart'),
          onPage: (s) =>
            out(
              `${s.pages} ページ目まで取り込みました（新規 ${s.created} 人、登録済み ${s.existing} 人）`,
            ),
        },
      )
      out(`友だちの取り込みが完了しました: 新規 ${state.created} 人、登録済み ${state.existing} 人`)
      return 0
    } catch (error) {
      if (error instanceof FollowerListNotAllowedError) {
        out(error.message)
        return 3
      }
      out(
        `友だちの取り込みが途中で止まりました（もう一度実行すると続きから再開します）: ${error instanceof Error ? error.message : String(error)}`,
      )
      return 1
    }
  })
}

export const POSTER_USAGE = 'usage: npm run poster -- FILE.png|FILE.svg [--color #RRGGBB]'

/**
 * `npm run poster -- FILE.png`: an A4 「会員登録」 poster with a QR code that opens the mini-app
 * (its LIFF URL, or PUBLIC_URL/liff/ without a LIFF app); `.svg` writes the vector original.
 */
export async function runPoster(
  args: string[],
  env: Record<string, string | undefined>,
  out: Out,
): Promise<number> {
  const file = args.find((a) => !a.startsWith('--') && a !== flag(args, '--color'))
  if (!file || !/\.(png|svg)$/i.test(file)) {
    out(POSTER_USAGE)
    return 2
  }
  const config = configOf(env, out)
  if (!config) return 1
  const url = liffUrl(linksOf(config), '')
  const colour = normaliseColour(flag(args, '--color') ?? env.JOREN_SHOP_COLOR)
  const database = openNodeDatabase(config.DATABASE_PATH, { checkpointEveryMs: 0 })
  let shopName: string
  try {
    const uow = createUnitOfWork(database.db, betterSqliteAtomic(database.sqlite), systemClock)
    shopName = (
      await readShopSettings(createRepositories(database.db, uow).settings, config.sandbox)
    ).name
  } finally {
    await database.close()
  }
  const svg = await posterSvg({ shopName, url, colour })
  mkdirSync(dirname(file), { recursive: true })
  if (/\.svg$/i.test(file)) writeFileSync(file, svg)
  else {
    let fontFile: string
    try {
      fontFile = findCjkFont(env)
    } catch (error) {
      out(error instanceof Error ? error.message : String(error))
      return 1
    }
    writeFileSync(file, renderSvgPng(svg, fontFile))
  }
  out(`会員登録ポスターを書き出しました: ${file}（QR: ${url}）`)
  return 0
}

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** A4 portrait at 150 dpi (1240 × 1754): shop name, 「会員登録」, the QR code, how to use it. */
export async function posterSvg(input: {
  shopName: string
  url: string
  colour: string
}): Promise<string> {
  const qr = await QRCode.toString(input.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 })
  const inner = qr.replace(/^<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '')
  const viewBox = /viewBox="([^"]+)"/.exec(qr)?.[1] ?? '0 0 33 33'
  const font = `'Noto Sans CJK JP', 'Hiragino Sans', 'Yu Gothic', 'Meiryo', sans-serif`
  const c = normaliseColour(input.colour)
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="1240" height="1754" viewBox="0 0 1240 1754" font-family="${font}">` +
    `<rect width="1240" height="1754" fill="#ffffff"/>` +
    `<rect width="1240" height="300" fill="${c}"/>` +
    `<text x="620" y="130" font-size="64" fill="#ffffff" text-anchor="middle" font-weight="700">${escapeXml(input.shopName)}</text>` +
    `<text x="620" y="250" font-size="110" fill="#ffffff" text-anchor="middle" font-weight="700">会員登録</text>` +
    `<text x="620" y="420" font-size="48" fill="#1a1a1a" text-anchor="middle">LINEのカメラでQRコードを読み取ってください</text>` +
    `<svg x="270" y="480" width="700" height="700" viewBox="${viewBox}" shape-rendering="crispEdges">${inner}</svg>` +
    `<text x="620" y="1290" font-size="44" fill="#1a1a1a" text-anchor="middle">会員証・ポイント・クーポンがLINEで使えます</text>` +
    `<text x="620" y="1370" font-size="36" fill="#555555" text-anchor="middle">友だち追加済みの方もこちらから会員登録できます</text>` +
    `<text x="620" y="1660" font-size="28" fill="#888888" text-anchor="middle">${escapeXml(input.url)}</text>` +
    `</svg>`
  )
}
