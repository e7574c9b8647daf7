import type { CannedReply } from '@joren/shared'
import type { Api } from '../../lib/api-client.ts'
import { paths } from './paths.ts'

/** The canned replies, by title (the inbox's picker and the editor read the same list). */
export async function loadCannedReplies(api: Api, signal?: AbortSignal): Promise<CannedReply[]> {
  const list = await api.get<CannedReply[]>(paths.canned, { signal })
  return [...list].sort((a, b) => a.title.localeCompare(b.title, 'ja'))
}
