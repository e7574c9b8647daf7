import { Redactor } from '../domain/ops/redaction.ts'
import type { Logger } from '../domain/ports.ts'

export type LogLevel = 'info' | 'warn' | 'error'

/**
 * Structured logs: one JSON object per line on stderr (`time`, `level`, `msg`, then the fields),
 * every field through the redaction layer, so journald / a log shipper can parse them and no
 * token, secret, ID token or LINE user ID is written whatever a caller passes.
 */
export function createConsoleLogger(
  minLevel: LogLevel = 'info',
  options: { redactor?: Redactor; write?: (line: string) => void } = {},
): Logger {
  const order = { info: 0, warn: 1, error: 2 }
  const redactor = options.redactor ?? new Redactor()
  const out = options.write ?? ((line: string) => process.stderr.write(line))
  const write = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (order[level] < order[minLevel]) return
    const entry = {
      time: new Date().toISOString(),
      level,
      msg: redactor.redactString(message),
      ...(fields ? (redactor.redact(fields) as Record<string, unknown>) : {}),
    }
    out(`${JSON.stringify(entry)}\n`)
  }
  return { info: write('info'), warn: write('warn'), error: write('error') }
}
