import { z } from 'zod'

/** The rich menu image LINE takes: 2500 × 1686, at most 1 MB. */
export const RICH_MENU_IMAGE_WIDTH = 2500
export const RICH_MENU_IMAGE_HEIGHT = 1686
export const RICH_MENU_IMAGE_MAX_BYTES = 1024 * 1024

/** `#rrggbb`: the colour the console drew the menu with (kept for the next time). */
export const RichMenuColourSchema = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, '色は #RRGGBB（例: #1f6f5c）で指定してください')
  .transform((v) => v.toLowerCase())

/** POST /api/staff/rich-menu?colour=%23rrggbb (the body is the PNG itself). */
export const RichMenuPublishQuerySchema = z.object({ colour: RichMenuColourSchema.optional() })

const BoundsSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int(),
  height: z.number().int(),
})

/** What the console draws: the shop's name and colour, and each tile's label in its card. */
export const RichMenuViewSchema = z.object({
  shopName: z.string(),
  colour: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  headerHeight: z.number().int(),
  maxBytes: z.number().int(),
  tiles: z.array(z.object({ label: z.string(), caption: z.string(), card: BoundsSchema })),
  /** The menu Joren published last, or null. */
  published: z.object({ richMenuId: z.string(), publishedAt: z.number().int() }).nullable(),
})
export type RichMenuView = z.infer<typeof RichMenuViewSchema>

export const RichMenuPublishedSchema = z.object({
  richMenuId: z.string(),
  publishedAt: z.number().int(),
  /** Older Joren menus removed by this publish. */
  deleted: z.number().int(),
})
export type RichMenuPublished = z.infer<typeof RichMenuPublishedSchema>
