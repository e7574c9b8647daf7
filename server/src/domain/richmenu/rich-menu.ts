import { liffUrl, type AppLinks } from '../links.ts'
import type { Logger } from '../ports.ts'
import type { StaffActor } from '../audit/audit.ts'
import type { SettingsStore } from '../shop/settings.ts'
import type { UnitOfWork } from '../unit-of-work.ts'

/** LINE's large rich menu: 2500 × 1686, 3 columns × 2 rows. */
export const RICH_MENU_WIDTH = 2500
export const RICH_MENU_HEIGHT = 1686
export const RICH_MENU_MAX_IMAGE_BYTES = 1024 * 1024
/** Every menu Joren creates is named with this prefix, so re-running finds its own and no other. */
export const RICH_MENU_NAME_PREFIX = 'Joren'
export const RICH_MENU_STATE_KEY = 'rich_menu'
/** LINE's bulk link takes at most 500 user IDs a call. */
export const BULK_LINK_MAX = 500

export type RichMenuAction =
  | { type: 'uri'; label: string; uri: string }
  | { type: 'postback'; label: string; data: string; displayText: string }

export interface RichMenuTile {
  /** What the image shows and LINE reads out (action labels ≤ 20 characters). */
  label: string
  /** A short second line under the label in the image. */
  caption: string
  action: RichMenuAction
}

export interface RichMenuArea {
  bounds: { x: number; y: number; width: number; height: number }
  action: RichMenuAction
}

export interface RichMenuRequest {
  size: { width: number; height: number }
  selected: boolean
  name: string
  chatBarText: string
  areas: RichMenuArea[]
}

/**
 * The default menu: 会員証 / クーポン / ポイント open the mini-app's screens, アンケート and お問い合わせ
 * are postbacks the chat router answers (`survey`, `ask_staff`), 友だち紹介 opens the referral screen.
 */
export function defaultRichMenuTiles(links: AppLinks): RichMenuTile[] {
  const uri = (label: string, path: string) => ({
    type: 'uri' as const,
    label,
    uri: liffUrl(links, path),
  })
  return [
    { label: '会員証', caption: 'お会計時に提示', action: uri('会員証', 'card') },
    { label: 'クーポン', caption: 'お得なクーポン', action: uri('クーポン', 'coupons') },
    { label: 'ポイント', caption: '残高と履歴', action: uri('ポイント', 'points') },
    {
      label: 'アンケート',
      caption: 'ご意見をお聞かせ',
      action: {
        type: 'postback',
        label: 'アンケート',
        data: 'action=survey',
        displayText: 'アンケート',
      },
    },
    { label: '友だち紹介', caption: '紹介で特典', action: uri('友だち紹介', 'referral') },
    {
      label: 'お問い合わせ',
      caption: 'スタッフにつなぎます',
      action: {
        type: 'postback',
        label: 'お問い合わせ',
        data: 'action=ask_staff',
        displayText: 'お問い合わせ',
      },
    },
  ]
}

/** The band at the top of the image with the shop's name (part of the first row's areas). */
export const RICH_MENU_HEADER_HEIGHT = 160
const ROW_SPLIT =
  RICH_MENU_HEADER_HEIGHT + Math.round((RICH_MENU_HEIGHT - RICH_MENU_HEADER_HEIGHT) / 2)

/** Tile i's tap area: 3 columns (833 / 833 / 834) × 2 rows; the first row includes the header. */
export function tileBounds(index: number): RichMenuArea['bounds'] {
  const col = index % 3
  const x = col * 833
  const width = col === 2 ? RICH_MENU_WIDTH - x : 833
  return index < 3
    ? { x, y: 0, width, height: ROW_SPLIT }
    : { x, y: ROW_SPLIT, width, height: RICH_MENU_HEIGHT - ROW_SPLIT }
}

/** Tile i's drawn card (below the header), for the image renderers. */
export function tileCard(index: number): RichMenuArea['bounds'] {
  const b = tileBounds(index)
  const top = index < 3 ? RICH_MENU_HEADER_HEIGHT : b.y
  return { x: b.x, y: top, width: b.width, height: b.y + b.height - top }
}

export function richMenuRequest(tiles: RichMenuTile[], name: string): RichMenuRequest {
  return {
    size: { width: RICH_MENU_WIDTH, height: RICH_MENU_HEIGHT },
    selected: true,
    name: Array.from(name).slice(0, 300).join(''),
    chatBarText: 'メニュー',
    areas: tiles.map((tile, i) => ({ bounds: tileBounds(i), action: tile.action })),
  }
}

/** The rich-menu endpoints of the Messaging API (the LINE adapter implements it). */
export interface RichMenuApi {
  create(menu: RichMenuRequest): Promise<string>
  uploadImage(richMenuId: string, image: RichMenuImage): Promise<void>
  setDefault(richMenuId: string): Promise<void>
  list(): Promise<{ richMenuId: string; name: string }[]>
  delete(richMenuId: string): Promise<void>
  bulkLink(richMenuId: string, userIds: string[]): Promise<void>
  bulkUnlink(userIds: string[]): Promise<void>
}

export interface RichMenuImage {
  contentType: 'image/png' | 'image/jpeg'
  bytes: Uint8Array
}

/** What Joren published last (settings key `rich_menu`). */
export interface RichMenuState {
  defaultRichMenuId: string
  /** tier ID → its menu, when per-tier menus were published */
  tierMenus: Record<string, string>
  publishedAt: number
  /** The colour the console drew the menu with (`#rrggbb`), when published from the console. */
  colour?: string
}

/** A menu to publish: the default, or one per tier (linked to that tier's members). */
export interface MenuToPublish {
  tierId: number | null
  name: string
  image: RichMenuImage
}

export interface TierMembersSource {
  /** Following members of a tier, by member ID after `afterMemberId`. */
  followingLineUserIdsOfTier(
    tierId: number,
    afterMemberId: number,
    limit: number,
  ): Promise<{ memberId: number; lineUserId: string }[]>
  lineUserIdOf(memberId: number): Promise<string | null>
}

export interface RichMenuDeps {
  api: RichMenuApi
  settings: SettingsStore
  members: TierMembersSource
  logger: Logger
  now(): number
  /** Staff publishes commit the state with their audit row (the CLI writes the state alone). */
  uow?: UnitOfWork
}

/** Who published (audited with the state in one commit) and the colour to remember. */
export interface PublishOptions {
  actor?: StaffActor
  colour?: string
}

export class RichMenuImageError extends Error {}

export function checkImage(image: RichMenuImage): void {
  if (image.bytes.byteLength > RICH_MENU_MAX_IMAGE_BYTES)
    throw new RichMenuImageError(
      `リッチメニュー画像が 1 MB を超えています（${image.bytes.byteLength} バイト）。`,
    )
  const b = image.bytes
  const isPng = b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47
  if (image.contentType === 'image/png' && isPng) {
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
    const width = view.getUint32(16)
    const height = view.getUint32(20)
    if (width !== RICH_MENU_WIDTH || height !== RICH_MENU_HEIGHT)
      throw new RichMenuImageError(
        `リッチメニュー画像は ${RICH_MENU_WIDTH}×${RICH_MENU_HEIGHT} にしてください（${width}×${height}）。`,
      )
    return
  }
  if (image.contentType === 'image/jpeg' && b[0] === 0xff && b[1] === 0xd8) return
  throw new RichMenuImageError('リッチメニュー画像は PNG か JPEG にしてください。')
}

export async function readRichMenuState(settings: SettingsStore): Promise<RichMenuState | null> {
  const value = (await settings.get(RICH_MENU_STATE_KEY)) as RichMenuState | undefined
  return value && typeof value.defaultRichMenuId === 'string' ? value : null
}

/**
 * Publishes the default menu (and optional per-tier menus): create → upload → set default → link
 * tier members in batches of ≤ 500 → record → delete every older Joren menu. Re-running replaces
 * and never piles up menus; a failure part-way deletes what this run created, and the menus that
 * were live stay live.
 */
export function createRichMenuService(deps: RichMenuDeps) {
  async function createOne(menu: MenuToPublish, tiles: RichMenuTile[]): Promise<string> {
    checkImage(menu.image)
    const id = await deps.api.create(
      richMenuRequest(tiles, `${RICH_MENU_NAME_PREFIX} ${menu.name}`),
    )
    try {
      await deps.api.uploadImage(id, menu.image)
    } catch (error) {
      await deps.api.delete(id).catch(() => undefined)
      throw error
    }
    return id
  }

  async function linkTier(tierId: number, richMenuId: string): Promise<number> {
    let after = 0
    let linked = 0
    for (;;) {
      const page = await deps.members.followingLineUserIdsOfTier(tierId, after, BULK_LINK_MAX)
      if (page.length === 0) return linked
      await deps.api.bulkLink(
        richMenuId,
        page.map((m) => m.lineUserId),
      )
      linked += page.length
      after = page[page.length - 1]?.memberId ?? after
      if (page.length < BULK_LINK_MAX) return linked
    }
  }

  return {
    readState: () => readRichMenuState(deps.settings),

    async publish(
      menus: MenuToPublish[],
      tiles: RichMenuTile[],
      options: PublishOptions = {},
    ): Promise<RichMenuState & { deleted: string[]; linked: number }> {
      const main = menus.find((m) => m.tierId === null)
      if (!main) throw new RichMenuImageError('既定のリッチメニュー画像がありません。')
      for (const menu of menus) checkImage(menu.image)
      const created: string[] = []
      let state: RichMenuState
      let linked = 0
      try {
        const defaultRichMenuId = await createOne(main, tiles)
        created.push(defaultRichMenuId)
        const tierMenus: Record<string, string> = {}
        for (const menu of menus) {
          if (menu.tierId === null) continue
          const id = await createOne(menu, tiles)
          created.push(id)
          tierMenus[String(menu.tierId)] = id
        }
        await deps.api.setDefault(defaultRichMenuId)
        for (const [tierId, id] of Object.entries(tierMenus))
          linked += await linkTier(Number(tierId), id)
        state = { defaultRichMenuId, tierMenus, publishedAt: deps.now() }
        if (options.colour) state.colour = options.colour
        if (options.actor && deps.uow) {
          const before = await readRichMenuState(deps.settings)
          await deps.uow.commit([
            deps.settings.putWrite(RICH_MENU_STATE_KEY, state, deps.now()),
            deps.uow.audit({
              staffId: options.actor.id,
              action: 'rich_menu.publish',
              targetType: 'settings',
              targetId: RICH_MENU_STATE_KEY,
              before,
              after: state,
            }),
          ])
        } else await deps.settings.put(RICH_MENU_STATE_KEY, state, deps.now())
      } catch (error) {
        for (const id of created) await deps.api.delete(id).catch(() => undefined)
        throw error
      }
      // The new menus are live; only now remove the older Joren menus (members linked to a
      // deleted menu fall back to the default, which is already the new one).
      const keep = new Set(created)
      const deleted: string[] = []
      for (const menu of await deps.api.list()) {
        if (keep.has(menu.richMenuId) || !menu.name.startsWith(RICH_MENU_NAME_PREFIX)) continue
        await deps.api.delete(menu.richMenuId)
        deleted.push(menu.richMenuId)
      }
      deps.logger.info('rich menu published', {
        menus: created.length,
        deleted: deleted.length,
        linked,
      })
      return { ...state, deleted, linked }
    },

    /** tier.changed: link the member to the new tier's menu, or back to the default. */
    async relinkMember(memberId: number, toTierId: number | null): Promise<void> {
      const state = await readRichMenuState(deps.settings)
      if (!state || Object.keys(state.tierMenus).length === 0) return
      const lineUserId = await deps.members.lineUserIdOf(memberId)
      if (!lineUserId) return
      const menu = toTierId === null ? undefined : state.tierMenus[String(toTierId)]
      if (menu) await deps.api.bulkLink(menu, [lineUserId])
      else await deps.api.bulkUnlink([lineUserId])
    },
  }
}

export type RichMenuService = ReturnType<typeof createRichMenuService>
