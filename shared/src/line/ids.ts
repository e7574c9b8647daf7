import { z } from 'zod'

/** LINE user IDs are `U` + 32 lowercase hex. Validated before any ID reaches a URL path. */
export const LINE_USER_ID_PATTERN = /^U[0-9a-f]{32}$/
export const LineUserIdSchema = z.string().regex(LINE_USER_ID_PATTERN, 'not a LINE user ID')
export type LineUserId = z.infer<typeof LineUserIdSchema>

export const LINE_GROUP_ID_PATTERN = /^C[0-9a-f]{32}$/
export const LINE_ROOM_ID_PATTERN = /^R[0-9a-f]{32}$/
export const LINE_RICH_MENU_ID_PATTERN = /^richmenu-[0-9a-f]{32}$/

export function isLineUserId(value: string): value is LineUserId {
  return LINE_USER_ID_PATTERN.test(value)
}
