import { describe, expect, it } from 'vitest'
import type { SettingsStore } from '../shop/settings.ts'
import {
  CARD_TOKEN_REFRESH_MS,
  CARD_TOKEN_TTL_MS,
  cardKeyProvider,
  importCardKey,
  issueCardToken,
  verifyCardToken,
} from './card-token.ts'
import { newMemberNumber } from './members.ts'

const T0 = Date.UTC(2026, 0, 1, 3, 0, 0)
const memberNumber = newMemberNumber((max) => Math.floor(Math.random() * max))
const keyOf = (fill: number) => importCardKey(new Uint8Array(32).fill(fill))

describe('member card token', () => {
  it('verifies a fresh token and gives the member number; the app refreshes before expiry', async () => {
    const key = await keyOf(1)
    const card = await issueCardToken(memberNumber, T0, key)
    expect(card.token).toMatch(/^JM1\.\d{10}\.\d+\.[A-Za-z0-9_-]{43}$/)
    expect(card.expiresAt).toBe(T0 + CARD_TOKEN_TTL_MS)
    expect(card.refreshAfter).toBe(T0 + CARD_TOKEN_REFRESH_MS)
    expect(card.refreshAfter).toBeLessThan(card.expiresAt)
    expect(await verifyCardToken(card.token, T0 + 60_000, key)).toEqual({ ok: true, memberNumber })
  })

  it('refuses a screenshot of an old code as expired', async () => {
    const key = await keyOf(1)
    const { token, expiresAt } = await issueCardToken(memberNumber, T0, key)
    expect(await verifyCardToken(token, expiresAt - 1, key)).toMatchObject({ ok: true })
    expect(await verifyCardToken(token, expiresAt, key)).toEqual({ ok: false, error: 'expired' })
    expect(await verifyCardToken(token, T0 + 60 * 60_000, key)).toEqual({
      ok: false,
      error: 'expired',
    })
  })

  it('refuses tampered tokens as invalid', async () => {
    const key = await keyOf(1)
    const { token } = await issueCardToken(memberNumber, T0, key)
    const [prefix, number = '', exp = '', mac = ''] = token.split('.')
    const other = newMemberNumber(() => 3)
    const flip = (s: string, i: number) =>
      s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1)
    const forgeries = [
      `${prefix}.${other}.${exp}.${mac}`, // someone else's number
      `${prefix}.${number}.${Number(exp) + 3600}.${mac}`, // a later expiry
      `${prefix}.${number}.${exp}.${flip(mac, 0)}`,
      `${prefix}.${number}.${exp}.${flip(mac, 42)}`, // the spare bits of the last character
      `JM2.${number}.${exp}.${mac}`,
      `${prefix}.${number}.${exp}`,
      '',
      'not a token',
    ]
    for (const forged of forgeries)
      expect(await verifyCardToken(forged, T0, key)).toEqual({ ok: false, error: 'invalid' })
    // Signed with another shop's key.
    expect(await verifyCardToken(token, T0, await keyOf(2))).toEqual({
      ok: false,
      error: 'invalid',
    })
  })

  it('refuses a correctly signed token that expires further ahead than we ever sign', async () => {
    const key = await keyOf(1)
    const { token } = await issueCardToken(memberNumber, T0 + 60 * 60_000, key)
    expect(await verifyCardToken(token, T0, key)).toEqual({ ok: false, error: 'invalid' })
  })

  it('creates the signing key once: concurrent first uses agree on the stored key', async () => {
    const stored = new Map<string, unknown>()
    let writes = 0
    const settings: SettingsStore = {
      get: async (key) => stored.get(key),
      putWrite: () => ({}),
      put: async (key, value) => void stored.set(key, value),
      putIfAbsent: async (key, value) => {
        await new Promise((r) => setTimeout(r, 1))
        if (!stored.has(key)) {
          writes++
          stored.set(key, value)
        }
        return stored.get(key)
      },
      delete: async (key) => void stored.delete(key),
    }
    let n = 0
    const ids = { uuid: () => 'x', randomInt: (max: number) => n++ % max }
    const a = cardKeyProvider(settings, ids, () => T0)
    const b = cardKeyProvider(settings, ids, () => T0)
    const [keyA, keyB] = await Promise.all([a(), b()])
    expect(writes).toBe(1)
    expect(a()).toBe(a())
    const { token } = await issueCardToken(memberNumber, T0, keyA)
    expect(await verifyCardToken(token, T0, keyB)).toMatchObject({ ok: true })
  })
})
