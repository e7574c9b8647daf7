import type { RichMenuApi } from '../domain/richmenu/rich-menu.ts'
import type { FollowerIdsApi } from '../domain/members/follower-import.ts'
import { LineApiError } from './line-api-error.ts'

type JsonCall = (
  method: string,
  path: string,
  init?: { body?: unknown; headers?: Record<string, string> },
) => Promise<{ status: number; body: string; requestId: string | undefined }>

/**
 * The rich-menu endpoints over the messaging client's `call` (timeouts, retries, logging) and the
 * data API for the image (binary, one attempt: a retried upload would meet "already uploaded").
 */
export function createRichMenuClient(input: {
  call: JsonCall
  dataApiBaseUrl: string
  channelAccessToken: string
  fetch?: typeof fetch
  timeoutMs?: number
}): RichMenuApi {
  const { call } = input
  const doFetch = input.fetch ?? fetch
  const dataBase = input.dataApiBaseUrl.replace(/\/+$/, '')
  const id = (richMenuId: string) => encodeURIComponent(richMenuId)
  return {
    async create(menu) {
      const res = await call('POST', '/v2/bot/richmenu', { body: menu })
      return (JSON.parse(res.body) as { richMenuId: string }).richMenuId
    },
    async uploadImage(richMenuId, image) {
      const res = await doFetch(`${dataBase}/v2/bot/richmenu/${id(richMenuId)}/content`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${input.channelAccessToken}`,
          'content-type': image.contentType,
        },
        body: image.bytes as Uint8Array<ArrayBuffer>,
        signal: AbortSignal.timeout(input.timeoutMs ?? 30_000),
      })
      const text = await res.text()
      if (!res.ok)
        throw new LineApiError(
          res.status,
          text,
          res.headers.get('x-line-request-id') ?? undefined,
          undefined,
        )
    },
    async setDefault(richMenuId) {
      await call('POST', `/v2/bot/user/all/richmenu/${id(richMenuId)}`)
    },
    async list() {
      const res = await call('GET', '/v2/bot/richmenu/list')
      const parsed = JSON.parse(res.body) as { richmenus: { richMenuId: string; name: string }[] }
      return parsed.richmenus.map((m) => ({ richMenuId: m.richMenuId, name: m.name }))
    },
    async delete(richMenuId) {
      await call('DELETE', `/v2/bot/richmenu/${id(richMenuId)}`)
    },
    async bulkLink(richMenuId, userIds) {
      await call('POST', '/v2/bot/richmenu/bulk/link', { body: { richMenuId, userIds } })
    },
    async bulkUnlink(userIds) {
      await call('POST', '/v2/bot/richmenu/bulk/unlink', { body: { userIds } })
    },
  }
}

/** GET /v2/bot/followers/ids (verified and premium accounts only). */
export function createFollowerIdsClient(call: JsonCall): FollowerIdsApi {
  return {
    async page(start, limit) {
      const query = new URLSearchParams({ limit: String(limit) })
      if (start) query.set('start', start)
      const res = await call('GET', `/v2/bot/followers/ids?${query.toString()}`)
      const parsed = JSON.parse(res.body) as { userIds: string[]; next?: string }
      return { userIds: parsed.userIds, next: parsed.next ?? null }
    },
  }
}
