import { request } from 'node:http'

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/**
 * One HTTP/1.1 request through node:http, with headers fetch() will not send as given (`Host`,
 * `Forwarded`, …) and, if asked, from another loopback source address (127.0.0.2 …: another
 * client as the server sees it). Each request gets its own connection.
 */
export function rawRequest(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
  init: { method?: string; body?: string | Buffer; localAddress?: string } = {},
): Promise<RawResponse> {
  const url = new URL(path, baseUrl)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: init.method ?? 'POST',
        agent: false,
        localAddress: init.localAddress,
        headers: {
          ...(init.body === undefined ? {} : { 'content-length': Buffer.byteLength(init.body) }),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(init.body)
  })
}
