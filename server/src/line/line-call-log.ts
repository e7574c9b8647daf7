import type { Logger } from '../domain/ports.ts'

/**
 * A fetch for LINE's APIs that logs every call on one line: method, path (LINE user IDs cut, no
 * query), status, LINE's `x-line-request-id` (what LINE support asks for) and the time taken.
 * Bodies and headers are never logged.
 */
export function withLineCallLog(base: typeof fetch, logger: Logger): typeof fetch {
  const logged = async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(
      typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
    )
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET')
    const path = url.pathname.replace(/[UCR][0-9a-f]{32}/g, (id) => `${id[0]}…`)
    const started = Date.now()
    try {
      const res = await base(input, init)
      logger.info('LINE call', {
        method,
        host: url.host,
        path,
        status: res.status,
        lineRequestId: res.headers.get('x-line-request-id') ?? undefined,
        ms: Date.now() - started,
      })
      return res
    } catch (error) {
      logger.warn('LINE call failed', {
        method,
        host: url.host,
        path,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        ms: Date.now() - started,
      })
      throw error
    }
  }
  return logged as typeof fetch
}
