import type { ReplyMode } from '@joren/shared'

/**
 * What a reply sent at `now` will use: the server's answer (a fresh, unused reply token → free
 * reply), turned to push once the token's time is up, so the console never promises a free send
 * that would in fact be billed.
 */
export function replyModeAt(mode: ReplyMode, expiresAt: number | null, now: number): ReplyMode {
  return mode === 'reply' && (expiresAt === null || now < expiresAt) ? 'reply' : 'push'
}
