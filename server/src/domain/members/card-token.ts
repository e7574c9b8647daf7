import type { CardTokenResponse } from '@joren/shared'
import type { Ids } from '../ports.ts'
import type { SettingsStore } from '../shop/settings.ts'
import { isValidMemberNumber } from './members.ts'

/**
 * The member card's QR: `JM1.<memberNumber>.<expUnixSec>.<base64url HMAC-SHA256>`, signed with a
 * key only the server has (generated at first use, kept in `settings`). Valid for 5 minutes; the
 * app fetches a new one after 4, so a screenshot stops working soon after it was taken.
 */
export const CARD_TOKEN_TTL_MS = 5 * 60 * 1000
export const CARD_TOKEN_REFRESH_MS = 4 * 60 * 1000
export const CARD_KEY_SETTING = 'card_signing_key'

const PREFIX = 'JM1'
const TOKEN = /^JM1\.(\d{10})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/
const encoder = new TextEncoder()

export type CardTokenCheck =
  | { ok: true; memberNumber: string }
  | { ok: false; error: 'expired' | 'invalid' }

export async function issueCardToken(
  memberNumber: string,
  now: number,
  key: CryptoKey,
): Promise<CardTokenResponse> {
  const exp = Math.floor((now + CARD_TOKEN_TTL_MS) / 1000)
  const signed = `${PREFIX}.${memberNumber}.${exp}`
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(signed)))
  return {
    token: `${signed}.${bytesToBase64Url(mac)}`,
    expiresAt: exp * 1000,
    refreshAfter: now + CARD_TOKEN_REFRESH_MS,
  }
}

/** What the register calls on a scanned code: the member number, or why it is refused. */
export async function verifyCardToken(
  token: string,
  now: number,
  key: CryptoKey,
): Promise<CardTokenCheck> {
  const match = TOKEN.exec(token.trim())
  if (!match) return { ok: false, error: 'invalid' }
  const [, memberNumber = '', expText = '', macText = ''] = match
  const mac = base64UrlToBytes(macText)
  // Only the canonical spelling: the last base64url character carries two spare bits.
  if (!mac || bytesToBase64Url(mac) !== macText) return { ok: false, error: 'invalid' }
  // subtle.verify compares in constant time.
  const signed = encoder.encode(`${PREFIX}.${memberNumber}.${expText}`)
  if (!(await crypto.subtle.verify('HMAC', key, mac, signed)))
    return { ok: false, error: 'invalid' }
  if (!isValidMemberNumber(memberNumber)) return { ok: false, error: 'invalid' }
  const expiresAt = Number(expText) * 1000
  if (expiresAt <= now) return { ok: false, error: 'expired' }
  // We never sign further ahead than the TTL: anything else was not made by issueCardToken.
  if (expiresAt > now + CARD_TOKEN_TTL_MS + 60_000) return { ok: false, error: 'invalid' }
  return { ok: true, memberNumber }
}

/**
 * The HMAC key, created once per shop: the first writer's key wins even when two processes (or
 * Workers isolates) start at the same time. Memoized per process; a failed load is retried.
 */
export function cardKeyProvider(
  settings: SettingsStore,
  ids: Ids,
  now: () => number,
): () => Promise<CryptoKey> {
  let loading: Promise<CryptoKey> | null = null
  return () => {
    loading ??= loadCardKey(settings, ids, now()).catch((error: unknown) => {
      loading = null
      throw error
    })
    return loading
  }
}

async function loadCardKey(settings: SettingsStore, ids: Ids, now: number): Promise<CryptoKey> {
  const fresh = bytesToBase64Url(Uint8Array.from({ length: 32 }, () => ids.randomInt(256)))
  const stored = (await settings.putIfAbsent(
    CARD_KEY_SETTING,
    { key: fresh, createdAt: now },
    now,
  )) as { key?: unknown } | undefined
  const raw = typeof stored?.key === 'string' ? base64UrlToBytes(stored.key) : null
  if (!raw || raw.length < 32) throw new Error(`the ${CARD_KEY_SETTING} setting is not a valid key`)
  return importCardKey(raw)
}

export function importCardKey(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ])
}

export function bytesToBase64Url(bytes: Uint8Array): string {
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export function base64UrlToBytes(value: string): Uint8Array<ArrayBuffer> | null {
  try {
    const base64 = value.replace(/-/g, '+').replace(/_/g, '/')
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4))
    return Uint8Array.from(binary, (c) => c.charCodeAt(0))
  } catch {
    return null
  }
}
