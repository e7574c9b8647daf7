import { z } from 'zod'

/** Error codes the API returns in `{ error: { code, message } }` that clients act on. */
export const AUTH_ERROR_CODES = [
  'missing_token', // no Authorization: Bearer
  'malformed_token',
  'token_expired', // the app re-logs in (liff.login) and retries
  'invalid_token', // bad signature, unknown key, wrong alg / iss / aud
  'not_friend', // a LIFF user who has not added (or has blocked) the account
  'not_staff', // a valid token whose user is not on the staff
  'forbidden_role', // staff whose role does not allow the route
] as const
export type AuthErrorCode = (typeof AUTH_ERROR_CODES)[number]

export const MemberNumberSchema = z.string().regex(/^\d{10}$/, '会員番号は10桁の数字です')

/** Opaque keyset cursor for paged lists. */
export const CursorSchema = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-]*$/)

export const IsoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD の形式で入力してください')
  .refine((value) => {
    const d = new Date(`${value}T00:00:00Z`)
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(value)
  }, '存在しない日付です')

export const LocaleSchema = z.enum(['ja', 'en'])
export type Locale = z.infer<typeof LocaleSchema>
