import type { PublicConfig } from '@joren/shared'
import { readApiError } from './api-error.ts'

/**
 * The config the server put into the page (server/src/entry/member-page.ts), if any: read
 * without a round trip. The vite dev server and an older server leave it out.
 */
export function inlinePublicConfig(): PublicConfig | null {
  const text = document.getElementById('joren-config')?.textContent
  if (!text) return null
  try {
    const value = JSON.parse(text) as Partial<PublicConfig> | null
    return value && typeof value.sandbox === 'boolean' && typeof value.shopName === 'string'
      ? (value as PublicConfig)
      : null
  } catch {
    return null
  }
}

/** The page's inline config, else `GET /api/public/config`: what the apps need before sign-in. */
export async function fetchPublicConfig(): Promise<PublicConfig> {
  const inline = inlinePublicConfig()
  if (inline) return inline
  const response = await fetch('/api/public/config')
  if (!response.ok) throw await readApiError(response)
  return (await response.json()) as PublicConfig
}
