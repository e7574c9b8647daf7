import { z } from 'zod'

/**
 * Configuration: a public interface (operators, deploy docs and tests use these names).
 * Parsed once at start; an invalid value stops the start with one line naming it.
 */
const optionalSecret = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional()

const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .transform((v) => v.replace(/\/+$/, ''))

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value })
    return true
  } catch {
    return false
  }
}

export const ConfigSchema = z.object({
  LINE_CHANNEL_SECRET: optionalSecret,
  LINE_CHANNEL_ACCESS_TOKEN: optionalSecret,
  LINE_LOGIN_CHANNEL_ID: z
    .string()
    .regex(/^\d{6,20}$/, 'must be the numeric LINE Login channel ID')
    .optional(),
  LIFF_ID: z
    .string()
    .regex(/^\d{6,20}-[A-Za-z0-9]{4,32}$/, 'must look like 1234567890-AbCdEfGh')
    .optional(),
  LINE_API_BASE_URL: httpUrl.default('https://api.line.me'),
  LINE_DATA_API_BASE_URL: httpUrl.default('https://api-data.line.me'),
  LINE_JWKS_URL: httpUrl.default('https://api.line.me/oauth2/v2.1/certs'),
  LINE_ID_TOKEN_ISSUER: httpUrl.default('https://access.line.me'),
  DATABASE_PATH: z.string().min(1).default('./data/joren.db'),
  PORT: z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a port number')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: httpUrl.default('http://localhost:8787'),
  SHOP_TIMEZONE: z
    .string()
    .refine(isTimeZone, 'must be an IANA time zone such as Asia/Tokyo')
    .default('Asia/Tokyo'),
  /** Optional FAQ embeddings: off, a local ONNX model (Node), or Workers AI (Workers). */
  FAQ_EMBEDDINGS: z
    .enum(['off', 'onnx', 'workers-ai'], { error: 'must be off, onnx or workers-ai' })
    .default('off'),
  /** onnx: the model's directory; workers-ai: the model name (default @cf/baai/bge-m3). */
  FAQ_EMBEDDING_MODEL: z.string().trim().min(1).optional(),
})

export type Config = z.infer<typeof ConfigSchema> & {
  /** No channel credentials: the product runs against the local LINE stand-in. */
  sandbox: boolean
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const source: Record<string, string> = {}
  for (const key of Object.keys(ConfigSchema.shape)) {
    const value = env[key]
    if (value !== undefined && value !== '') source[key] = value
  }
  const result = ConfigSchema.safeParse(source)
  if (!result.success) {
    const issue = result.error.issues[0]
    const name = String(issue?.path[0] ?? 'configuration')
    const got =
      source[name] === undefined ? '' : ` (got ${JSON.stringify(redact(name, source[name]))})`
    throw new ConfigError(`Invalid configuration: ${name} ${issue?.message ?? 'is invalid'}${got}`)
  }
  const config = result.data
  const hasSecret = config.LINE_CHANNEL_SECRET !== undefined
  const hasToken = config.LINE_CHANNEL_ACCESS_TOKEN !== undefined
  if (hasSecret !== hasToken) {
    const missing = hasSecret ? 'LINE_CHANNEL_ACCESS_TOKEN' : 'LINE_CHANNEL_SECRET'
    throw new ConfigError(
      `Invalid configuration: ${missing} is required when ${hasSecret ? 'LINE_CHANNEL_SECRET' : 'LINE_CHANNEL_ACCESS_TOKEN'} is set (set both, or neither for the sandbox)`,
    )
  }
  if (config.FAQ_EMBEDDINGS === 'onnx' && config.FAQ_EMBEDDING_MODEL === undefined)
    throw new ConfigError(
      'Invalid configuration: FAQ_EMBEDDING_MODEL (the ONNX model directory) is required when FAQ_EMBEDDINGS=onnx',
    )
  return { ...config, sandbox: !hasSecret }
}

function redact(name: string, value: string | undefined): string | undefined {
  return /SECRET|TOKEN/.test(name) ? '***' : value
}
