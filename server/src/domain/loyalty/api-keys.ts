import { DomainError } from '../errors.ts'
import type { ApiKeyRecord, LoyaltyStore } from './store.ts'

export class ApiKeyRefused extends DomainError {
  constructor(reason: 'missing' | 'invalid' | 'revoked') {
    super(
      401,
      reason === 'revoked' ? 'api_key_revoked' : 'invalid_api_key',
      reason === 'missing'
        ? 'Authorization: Bearer jk_… で API キーを指定してください。'
        : reason === 'revoked'
          ? 'この API キーは無効化されています。管理画面で新しいキーを発行してください。'
          : 'API キーが正しくありません。',
    )
  }
}

export class ApiScopeMissing extends DomainError {
  constructor(scope: string) {
    super(403, 'insufficient_scope', `この API キーには ${scope} の権限がありません。`)
  }
}

const KEY = /^jk_[A-Za-z0-9_-]{43}$/

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

function base64Url(bytes: Uint8Array): string {
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** A new key: `jk_` + 32 random bytes. Only its SHA-256 is stored; the caller shows it once. */
export async function newApiKey(): Promise<{ key: string; prefix: string; keyHash: string }> {
  const key = `jk_${base64Url(crypto.getRandomValues(new Uint8Array(32)))}`
  return { key, prefix: key.slice(0, 10), keyHash: await sha256Hex(key) }
}

/** The key behind `Authorization: Bearer jk_…`, if it is live and has the scope. */
export async function authenticateApiKey(
  store: Pick<LoyaltyStore, 'apiKeyByHash'>,
  authorization: string | undefined,
  scope: string,
): Promise<ApiKeyRecord> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '')
  if (!match?.[1]) throw new ApiKeyRefused('missing')
  if (!KEY.test(match[1])) throw new ApiKeyRefused('invalid')
  const record = await store.apiKeyByHash(await sha256Hex(match[1]))
  if (!record) throw new ApiKeyRefused('invalid')
  if (record.revokedAt !== null) throw new ApiKeyRefused('revoked')
  if (!record.scopes.includes(scope)) throw new ApiScopeMissing(scope)
  return record
}
