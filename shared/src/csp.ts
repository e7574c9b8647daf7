import { config } from 'zod/v4/core'

/**
 * For pages whose Content-Security-Policy has no 'unsafe-eval' (the member mini-app, the sandbox
 * page): zod parses without its eval-compiled fast path. Otherwise it probes `new Function()` on
 * first use — refused, and reported as a CSP violation, although zod then falls back by itself.
 * Call once, before any schema parses.
 */
export function parseSchemasWithoutEval(): void {
  config({ jitless: true })
}
