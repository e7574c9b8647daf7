/**
 * The sandbox lets anyone who reaches it sign in as its demo owner, so it answers only requests
 * made on this machine, straight to it: a loopback `Host` with the server's own port (a DNS
 * rebinding page sends its own host name, e.g. `Host: evil.example:8787`), a loopback peer, and no
 * header a proxy adds (a proxy in front would make it reachable from elsewhere).
 */

export const FORWARDING_HEADERS = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-real-ip',
  'via',
  'cf-connecting-ip',
  'true-client-ip',
] as const

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]'])

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)
}

/** `localhost:8787`, `127.0.0.1:8787` or `[::1]:8787` for port 8787 (the port is required). */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (!host) return false
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+):(\d{1,5})$/i.exec(host.trim().toLowerCase())
  if (!match?.[1] || !match[2]) return false
  const name = match[1]
  return (
    (LOOPBACK_NAMES.has(name) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)) &&
    Number(match[2]) === port
  )
}

export interface RequestFacts {
  host: string | undefined
  /** The TCP peer, when the runtime knows it. */
  remoteAddress: string | undefined
  has(header: string): boolean
}

/** Null when the request may reach the sandbox; otherwise why not (Japanese, for the 403 body). */
export function loopbackRefusal(request: RequestFacts, port: number): string | null {
  if (!isLoopbackAddress(request.remoteAddress))
    return 'サンドボックスは、このコンピューターからの接続だけを受け付けます。'
  if (FORWARDING_HEADERS.some((name) => request.has(name)))
    return 'サンドボックスは、プロキシを経由した接続を受け付けません。'
  if (!isLoopbackHost(request.host, port))
    return `サンドボックスは http://localhost:${port} で開いてください（別のホスト名では使えません）。`
  return null
}

export function loopbackRefusalBody(reason: string) {
  return { error: { code: 'sandbox_loopback_only', message: reason } }
}
