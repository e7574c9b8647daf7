import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { LineStandIn } from '../../server/src/sandbox/line-stand-in/types.ts'

export interface ApiResponse {
  status: number
  headers: Headers
  // tests read arbitrary LINE response fields; a precise type would only add casts
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any
}

/** Minimal LINE API client for tests: JSON in, parsed JSON out. */
export function lineApi(standIn: LineStandIn, token = standIn.channelAccessToken) {
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse> => {
    const res = await fetch(`${standIn.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null }
  }
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body?: unknown, headers?: Record<string, string>) =>
      call('POST', path, body, headers),
    delete: (path: string) => call('DELETE', path),
  }
}

export interface Captured {
  headers: Record<string, string | string[] | undefined>
  raw: Buffer
}

/** A stand-in for the product's POST /webhook that keeps the exact bytes it received. */
export async function startReceiver(status = 200) {
  const captured: Captured[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      captured.push({ headers: req.headers, raw: Buffer.concat(chunks) })
      res.writeHead(status, { 'content-type': 'application/json' }).end('{"ok":true}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    captured,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

export const text = (value: string) => ({ type: 'text', text: value })

export const bubble = (body: unknown) => ({ type: 'bubble', body })
