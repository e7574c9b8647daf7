import type { PublicConfig } from '@joren/shared'
import { readApiError } from './api-error.ts'

/** `GET /api/public/config`: what the apps need before sign-in (no token). */
export async function fetchPublicConfig(): Promise<PublicConfig> {
  const response = await fetch('/api/public/config')
  if (!response.ok) throw await readApiError(response)
  return (await response.json()) as PublicConfig
}
