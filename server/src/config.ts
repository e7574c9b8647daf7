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
  /** Where the channel access token comes from: the console's long-lived one, v2.1 or stateless. */
  LINE_CHANNEL_TOKEN_KIND: z
    .enum(['long-lived', 'v2.1', 'stateless'], { error: 'must be long-lived, v2.1 or stateless' })
    .default('long-lived'),
  /** The Messaging API channel's ID (short-lived tokens are issued for it). */
  LINE_CHANNEL_ID: z
    .string()
    .regex(/^\d{6,20}$/, 'must be the numeric Messaging API channel ID')
    .optional(),
  /** The assertion signing key's private key, as the JWK (JSON) the console's key pair gave. */
  LINE_CHANNEL_PRIVATE_KEY: optionalSecret,
  /** The `kid` LINE returned when the public key was registered. */
  LINE_CHANNEL_KEY_ID: z.string().trim().min(1).optional(),
  /** v2.1 tokens: lifetime in seconds (1 s – 30 days). */
  LINE_TOKEN_LIFETIME_SECONDS: z.coerce
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(60, 'must be at least 60')
    .max(30 * 24 * 3600, 'must be at most 2592000 (30 days)')
    .default(24 * 3600),
  /**
   * LINE's per-unit open/click statistics: pushes and multicasts carry customAggregationUnits and
   * a background job polls the figures. LINE opens them to channels whose owner applied; default:
   * on in the sandbox, off with a real channel.
   */
  LINE_UNIT_STATS: z.enum(['on', 'off'], { error: 'must be on or off' }).optional(),
  /** Node: a daily online backup into this directory (none: no scheduled backup). */
  BACKUP_DIR: z.string().trim().min(1).optional(),
  /** How many scheduled backups to keep. */
  BACKUP_KEEP: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(365, 'must be at most 365')
    .default(7),
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
  const shortLived = config.LINE_CHANNEL_TOKEN_KIND !== 'long-lived'
  const hasToken = config.LINE_CHANNEL_ACCESS_TOKEN !== undefined || shortLived
  if (hasSecret !== hasToken) {
    const missing = hasSecret ? 'LINE_CHANNEL_ACCESS_TOKEN' : 'LINE_CHANNEL_SECRET'
    throw new ConfigError(
      `Invalid configuration: ${missing} is required when ${hasSecret ? 'LINE_CHANNEL_SECRET' : 'LINE_CHANNEL_ACCESS_TOKEN'} is set (set both, or neither for the sandbox)`,
    )
  }
  if (shortLived) {
    const kind = config.LINE_CHANNEL_TOKEN_KIND
    if (config.LINE_CHANNEL_ID === undefined)
      throw new ConfigError(
        `Invalid configuration: LINE_CHANNEL_ID is required when LINE_CHANNEL_TOKEN_KIND=${kind}`,
      )
    const needsKey = kind === 'v2.1' || config.LINE_CHANNEL_PRIVATE_KEY !== undefined
    if (needsKey && (config.LINE_CHANNEL_PRIVATE_KEY === undefined || !config.LINE_CHANNEL_KEY_ID))
      throw new ConfigError(
        `Invalid configuration: LINE_CHANNEL_PRIVATE_KEY and LINE_CHANNEL_KEY_ID are required when LINE_CHANNEL_TOKEN_KIND=${kind}${kind === 'stateless' ? ' signs with a key' : ''}`,
      )
    if (
      config.LINE_CHANNEL_PRIVATE_KEY !== undefined &&
      !isPrivateJwk(config.LINE_CHANNEL_PRIVATE_KEY)
    )
      throw new ConfigError(
        'Invalid configuration: LINE_CHANNEL_PRIVATE_KEY must be the private key as a JWK (JSON with "kty":"RSA" and "d")',
      )
  }
  if (config.FAQ_EMBEDDINGS === 'onnx' && config.FAQ_EMBEDDING_MODEL === undefined)
    throw new ConfigError(
      'Invalid configuration: FAQ_EMBEDDING_MODEL (the ONNX model directory) is required when FAQ_EMBEDDINGS=onnx',
    )
  return { ...config, sandbox: !hasSecret }
}

function isPrivateJwk(value: string): boolean {
  try {
    const jwk = JSON.parse(value) as { kty?: unknown; d?: unknown }
    return jwk.kty === 'RSA' && typeof jwk.d === 'string'
  } catch {
    return false
  }
}

/** The channel token settings the configuration describes (see line/channel-token.ts). */
export function channelTokenSettings(config: Config) {
  const kind = config.LINE_CHANNEL_TOKEN_KIND
  const key = config.LINE_CHANNEL_PRIVATE_KEY
    ? (JSON.parse(config.LINE_CHANNEL_PRIVATE_KEY) as Record<string, unknown>)
    : undefined
  if (kind === 'v2.1' && key)
    return {
      kind,
      channelId: config.LINE_CHANNEL_ID ?? '',
      privateKey: key,
      keyId: config.LINE_CHANNEL_KEY_ID ?? '',
      lifetimeSeconds: config.LINE_TOKEN_LIFETIME_SECONDS,
    } as const
  if (kind === 'stateless')
    return {
      kind,
      channelId: config.LINE_CHANNEL_ID ?? '',
      channelSecret: config.LINE_CHANNEL_SECRET ?? '',
      ...(key ? { privateKey: key, keyId: config.LINE_CHANNEL_KEY_ID ?? '' } : {}),
    } as const
  return { kind: 'long-lived', token: config.LINE_CHANNEL_ACCESS_TOKEN ?? '' } as const
}

function redact(name: string, value: string | undefined): string | undefined {
  return /SECRET|TOKEN|PRIVATE/.test(name) ? '***' : value
}
