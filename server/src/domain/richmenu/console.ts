import type { RichMenuPublished, RichMenuView } from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import { DomainError } from '../errors.ts'
import type { AppLinks } from '../links.ts'
import { readShopSettings, type SettingsStore } from '../shop/settings.ts'
import {
  checkImage,
  defaultRichMenuTiles,
  readRichMenuState,
  RICH_MENU_HEADER_HEIGHT,
  RICH_MENU_HEIGHT,
  RICH_MENU_MAX_IMAGE_BYTES,
  RICH_MENU_WIDTH,
  RichMenuImageError,
  tileCard,
  type RichMenuService,
} from './rich-menu.ts'

/** The colour the menu is drawn with until the shop picks one (the CLI's default too). */
export const DEFAULT_RICH_MENU_COLOUR = '#1f6f5c'

/** The image was refused before anything reached LINE (not a PNG, wrong size, over 1 MB). */
export class RichMenuImageRefused extends DomainError {
  constructor(message: string, tooLarge = false) {
    super(tooLarge ? 413 : 400, 'rich_menu_image_invalid', message)
  }
}

/** LINE answered the create / upload / default calls with an error: nothing Joren had live changed. */
export class RichMenuLineRefused extends DomainError {
  constructor(reason: string) {
    super(
      503,
      'rich_menu_line_refused',
      `LINE がリッチメニューを受け付けませんでした。いま表示中のメニューはそのままです。（${reason}）`,
    )
  }
}

export interface RichMenuConsoleDeps {
  richMenu: RichMenuService
  settings: SettingsStore
  links: AppLinks
  sandbox: boolean
}

/**
 * The console's 「リッチメニューを作成」: the browser draws the PNG from `view()` (the shop's name and
 * colour, the labels in the cards that match the tap areas) and `publish` hands it to the same
 * publishing the CLI uses — create, upload, set default, delete the older Joren menus — audited.
 */
export function createRichMenuConsoleService(deps: RichMenuConsoleDeps) {
  return {
    async view(): Promise<RichMenuView> {
      const shop = await readShopSettings(deps.settings, deps.sandbox)
      const state = await readRichMenuState(deps.settings)
      return {
        shopName: shop.name,
        colour: state?.colour ?? DEFAULT_RICH_MENU_COLOUR,
        width: RICH_MENU_WIDTH,
        height: RICH_MENU_HEIGHT,
        headerHeight: RICH_MENU_HEADER_HEIGHT,
        maxBytes: RICH_MENU_MAX_IMAGE_BYTES,
        tiles: defaultRichMenuTiles(deps.links).map((tile, i) => ({
          label: tile.label,
          caption: tile.caption,
          card: tileCard(i),
        })),
        published: state
          ? { richMenuId: state.defaultRichMenuId, publishedAt: state.publishedAt }
          : null,
      }
    },

    async publish(
      actor: StaffActor,
      png: Uint8Array,
      colour: string | undefined,
    ): Promise<RichMenuPublished> {
      const image = { contentType: 'image/png' as const, bytes: png }
      if (png.byteLength < 24)
        throw new RichMenuImageRefused('リッチメニュー画像は PNG か JPEG にしてください。')
      try {
        checkImage(image)
      } catch (error) {
        if (error instanceof RichMenuImageError)
          throw new RichMenuImageRefused(error.message, png.byteLength > RICH_MENU_MAX_IMAGE_BYTES)
        throw error
      }
      const shop = await readShopSettings(deps.settings, deps.sandbox)
      const tiles = defaultRichMenuTiles(deps.links)
      try {
        const result = await deps.richMenu.publish(
          [{ tierId: null, name: shop.name, image }],
          tiles,
          { actor, colour },
        )
        return {
          richMenuId: result.defaultRichMenuId,
          publishedAt: result.publishedAt,
          deleted: result.deleted.length,
        }
      } catch (error) {
        if (error instanceof Error && error.name === 'LineApiError')
          throw new RichMenuLineRefused(error.message)
        if (
          error instanceof Error &&
          ['TimeoutError', 'AbortError', 'TypeError'].includes(error.name)
        )
          throw new RichMenuLineRefused(`LINE に接続できませんでした: ${error.message}`)
        throw error
      }
    },
  }
}

export type RichMenuConsoleService = ReturnType<typeof createRichMenuConsoleService>
