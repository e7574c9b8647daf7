import { bodyLimit } from 'hono/body-limit'
import { PayloadTooLarge } from '../domain/errors.ts'

/** API JSON bodies are small; anything larger is refused before it is read. */
export const API_BODY_LIMIT = 16 * 1024

export const jsonBodyLimit = bodyLimit({
  maxSize: API_BODY_LIMIT,
  onError: () => {
    throw new PayloadTooLarge(API_BODY_LIMIT)
  },
})
