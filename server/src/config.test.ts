import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from './config.ts'

describe('parseConfig', () => {
  it('starts the sandbox with documented defaults when no channel is configured', () => {
    const config = parseConfig({})
    expect(config).toMatchObject({
      sandbox: true,
      LINE_API_BASE_URL: 'https://api.line.me',
      LINE_DATA_API_BASE_URL: 'https://api-data.line.me',
      LINE_JWKS_URL: 'https://api.line.me/oauth2/v2.1/certs',
      LINE_ID_TOKEN_ISSUER: 'https://access.line.me',
      DATABASE_PATH: './data/joren.db',
      PORT: 8787,
      HOST: '127.0.0.1',
      PUBLIC_URL: 'http://localhost:8787',
      SHOP_TIMEZONE: 'Asia/Tokyo',
    })
  })

  it('uses the channel when both credentials are set, treating empty values as absent', () => {
    expect(parseConfig({ LINE_CHANNEL_SECRET: 's', LINE_CHANNEL_ACCESS_TOKEN: 't' }).sandbox).toBe(
      false,
    )
    expect(parseConfig({ LINE_CHANNEL_SECRET: '', LINE_CHANNEL_ACCESS_TOKEN: '' }).sandbox).toBe(
      true,
    )
  })

  it.each([
    [{ PORT: 'abc' }, /^Invalid configuration: PORT must be a port number \(got "abc"\)$/],
    [{ PORT: '70000' }, /^Invalid configuration: PORT must be between 0 and 65535/],
    [
      { LINE_API_BASE_URL: 'ftp://x' },
      /^Invalid configuration: LINE_API_BASE_URL must be an http\(s\) URL/,
    ],
    [
      { SHOP_TIMEZONE: 'Mars/Olympus' },
      /^Invalid configuration: SHOP_TIMEZONE must be an IANA time zone/,
    ],
    [
      { LINE_LOGIN_CHANNEL_ID: 'abc' },
      /^Invalid configuration: LINE_LOGIN_CHANNEL_ID must be the numeric/,
    ],
    [
      { LINE_CHANNEL_SECRET: 'abc' },
      /^Invalid configuration: LINE_CHANNEL_ACCESS_TOKEN is required/,
    ],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(() => parseConfig(env)).toThrow(ConfigError)
    expect(() => parseConfig(env)).toThrow(message)
  })

  it('never echoes a secret in the error', () => {
    try {
      parseConfig({ LINE_CHANNEL_SECRET: 'x', LINE_CHANNEL_ACCESS_TOKEN: 'y', PUBLIC_URL: 'nope' })
      expect.unreachable()
    } catch (error) {
      expect(String(error)).not.toMatch(/"x"|"y"/)
    }
  })

  it('strips trailing slashes from base URLs', () => {
    expect(parseConfig({ LINE_API_BASE_URL: 'http://127.0.0.1:9000/' }).LINE_API_BASE_URL).toBe(
      'http://127.0.0.1:9000',
    )
  })
})
