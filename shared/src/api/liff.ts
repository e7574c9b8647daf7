import { z } from 'zod'
import { PREFECTURE_CODES } from '../prefectures.ts'
import { IsoDateSchema } from './common.ts'
import { CategorySchema } from './shop.ts'

export const GENDERS = ['female', 'male', 'other', 'unspecified'] as const

/** What the member edits in the mini-app. Validated by the form and again by the server. */
export const ProfileUpdateSchema = z.object({
  birthday: IsoDateSchema.refine((v) => v >= '1900-01-01', '生年月日を確認してください').nullable(),
  gender: z.enum(GENDERS).nullable(),
  prefecture: z.enum(PREFECTURE_CODES).nullable(),
  interests: z.array(z.string().regex(/^[a-z0-9-]{1,32}$/)).max(20),
  /**
   * Optional: when given, the member's explicit choice about marketing messages (as
   * PUT /api/liff/marketing); absent, the stored choice is left as it is.
   */
  marketingConsent: z.boolean().optional(),
})
export type ProfileUpdate = z.infer<typeof ProfileUpdateSchema>

export const ProfileSchema = ProfileUpdateSchema.extend({
  /** Whether marketing messages reach the member now (their choice, else the shop's default). */
  marketingConsent: z.boolean(),
  /** The member's own choice; null when they never chose. */
  marketingChoice: z.enum(['in', 'out']).nullable(),
  updatedAt: z.number().int(),
})
export type Profile = z.infer<typeof ProfileSchema>

/** GET /api/liff/me */
export const MeResponseSchema = z.object({
  member: z.object({
    memberNumber: z.string(),
    displayName: z.string().nullable(),
    pictureUrl: z.string().nullable(),
    language: z.string().nullable(),
  }),
  shop: z.object({ name: z.string() }),
  profile: ProfileSchema.nullable(),
  categories: z.array(CategorySchema),
})
export type MeResponse = z.infer<typeof MeResponseSchema>

/** GET /api/liff/card: the rotating, signed code the member card shows as a QR. */
export const CardTokenResponseSchema = z.object({
  token: z.string(),
  expiresAt: z.number().int(),
  refreshAfter: z.number().int(),
})
export type CardTokenResponse = z.infer<typeof CardTokenResponseSchema>
