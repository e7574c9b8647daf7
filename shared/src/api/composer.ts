import { z } from 'zod'

/**
 * Messages staff compose (keyword-rule replies, broadcasts). Checked against LINE's limits
 * before they are saved, so a send never fails on shape: at most 5 messages, text ≤ 5,000
 * characters, image URLs https and ≤ 2,000 characters.
 */
export const PLACEHOLDERS = ['name', 'points', 'tier', 'coupon'] as const
export type Placeholder = (typeof PLACEHOLDERS)[number]

const httpsUrl = z
  .url({ protocol: /^https$/, message: '画像 URL は https:// で始まる URL にしてください' })
  .max(2000, 'URL は 2,000 文字以内にしてください')

export const ComposerTextSchema = z.object({
  type: z.literal('text'),
  text: z
    .string()
    .trim()
    .min(1, '本文を入力してください')
    // Placeholders expand, so leave room for the longest values (a name is ≤ 20 characters).
    .max(4800, '本文は 4,800 文字以内にしてください'),
})

export const ComposerImageSchema = z.object({
  type: z.literal('image'),
  originalContentUrl: httpsUrl,
  previewImageUrl: httpsUrl,
})

/** A coupon card: each recipient is issued a coupon of the template when the message is sent. */
export const ComposerCouponSchema = z.object({
  type: z.literal('coupon'),
  templateId: z.number().int().positive(),
})

export const ComposerMessageSchema = z.discriminatedUnion('type', [
  ComposerTextSchema,
  ComposerImageSchema,
  ComposerCouponSchema,
])
export type ComposerMessage = z.infer<typeof ComposerMessageSchema>

export const ComposerMessagesSchema = z
  .array(ComposerMessageSchema)
  .min(1, 'メッセージを1件以上入れてください')
  .max(5, 'メッセージは5件までです')
  .refine(
    (messages) => messages.filter((m) => m.type === 'coupon').length <= 1,
    'クーポンは1配信につき1枚までです',
  )

/** Unknown `{…}` placeholders are a mistake worth catching before a send. */
export function unknownPlaceholders(text: string): string[] {
  const found = [...text.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1] ?? '')
  return found.filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name))
}
