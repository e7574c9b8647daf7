import { z } from 'zod'

/** Every JSON error the API returns: `{ "error": { "code", "message" } }`. */
export const ApiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    /** With `not_friend`: where the member adds the account as a friend (null if unknown). */
    addFriendUrl: z.string().nullable().optional(),
  }),
})
export type ApiError = z.infer<typeof ApiErrorSchema>
