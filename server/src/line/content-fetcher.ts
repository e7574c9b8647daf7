import type { ContentFetcher } from '../domain/support/contents.ts'

/**
 * The data API's message content over fetch: GET {dataApiBaseUrl}/v2/bot/message/{id}/content,
 * read up to `maxBytes` (a larger body is abandoned as too large). Timeouts, 5xx and 429 throw so
 * the job retries; other 4xx mean the content is gone.
 */
export function createContentFetcher(input: {
  dataApiBaseUrl: string
  channelAccessToken: string
  fetch?: typeof fetch
  timeoutMs?: number
}): ContentFetcher {
  const doFetch = input.fetch ?? fetch
  const base = input.dataApiBaseUrl.replace(/\/+$/, '')
  return async (lineMessageId, maxBytes) => {
    // LINE message IDs are digits; anything else must not reach another endpoint.
    if (!/^\d{1,30}$/.test(lineMessageId)) return { kind: 'gone', status: 0 }
    const res = await doFetch(`${base}/v2/bot/message/${lineMessageId}/content`, {
      headers: { authorization: `Bearer ${input.channelAccessToken}` },
      signal: AbortSignal.timeout(input.timeoutMs ?? 20_000),
    })
    const contentType = res.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? null
    if (res.status === 429 || res.status >= 500) {
      await res.body?.cancel()
      throw new Error(`content fetch: HTTP ${res.status}`)
    }
    if (res.status !== 200) {
      await res.body?.cancel()
      return { kind: 'gone', status: res.status }
    }
    const declared = Number(res.headers.get('content-length') ?? Number.NaN)
    if (Number.isFinite(declared) && declared > maxBytes) {
      await res.body?.cancel()
      return { kind: 'too_large', size: declared, contentType }
    }
    const chunks: Uint8Array[] = []
    let size = 0
    const reader = res.body?.getReader()
    for (let part = await reader?.read(); part && !part.done; part = await reader?.read()) {
      size += part.value.byteLength
      if (size > maxBytes) {
        await reader?.cancel()
        return { kind: 'too_large', size: null, contentType }
      }
      chunks.push(part.value)
    }
    const bytes = new Uint8Array(size)
    let offset = 0
    for (const chunk of chunks) {
      bytes.set(chunk, offset)
      offset += chunk.byteLength
    }
    return { kind: 'ok', contentType: contentType ?? 'application/octet-stream', bytes }
  }
}
