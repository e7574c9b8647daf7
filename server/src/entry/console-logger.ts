import type { Logger } from '../domain/ports.ts'

/** One line per entry on stderr. Callers never pass secrets; tokens are not logged anywhere. */
export function createConsoleLogger(minLevel: 'info' | 'warn' | 'error' = 'info'): Logger {
  const order = { info: 0, warn: 1, error: 2 }
  const write =
    (level: keyof typeof order) => (message: string, fields?: Record<string, unknown>) => {
      if (order[level] < order[minLevel]) return
      const extra = fields ? ` ${JSON.stringify(fields)}` : ''
      process.stderr.write(`${new Date().toISOString()} ${level} ${message}${extra}\n`)
    }
  return { info: write('info'), warn: write('warn'), error: write('error') }
}
