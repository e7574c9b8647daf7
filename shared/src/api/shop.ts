import { z } from 'zod'

/** An interest / purchase category from the shop's own list. */
export const CategorySchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,32}$/, 'ID は英小文字・数字・ハイフンで32文字まで'),
  label: z.string().trim().min(1).max(30),
})
export type Category = z.infer<typeof CategorySchema>

export const ShopSettingsSchema = z.object({
  name: z.string().trim().min(1, '店舗名を入力してください').max(40),
  categories: z
    .array(CategorySchema)
    .max(50)
    .refine(
      (list) => new Set(list.map((c) => c.id)).size === list.length,
      'カテゴリ ID が重複しています',
    ),
})
export type ShopSettings = z.infer<typeof ShopSettingsSchema>

/** What the apps need before sign-in: public, no token. */
export const PublicConfigSchema = z.object({
  liffId: z.string().nullable(),
  sandbox: z.boolean(),
  shopName: z.string(),
  addFriendUrl: z.string().nullable(),
})
export type PublicConfig = z.infer<typeof PublicConfigSchema>
