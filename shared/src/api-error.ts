import { z } from 'zod'

/** Every JSON error the API returns: `{ "error": { "code", "message" } }`. */
export const ApiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
})
export type ApiError = z.infer<typeof ApiErrorSchema>
