import { describe, expect, it } from 'vitest'
import { clientKey } from './rate-limit.ts'

describe('clientKey', () => {
  it('keeps an IPv4 address, also one mapped into IPv6', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7')
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7')
  })

  it('groups an IPv6 address by its /64, however it is written', () => {
    const a = clientKey('2001:db8:85a3:0:1111:2222:3333:4444')
    expect(a).toBe('2001:db8:85a3:0::/64')
    expect(clientKey('2001:0db8:85a3:0000:ffff:ffff:ffff:ffff')).toBe(a)
    expect(clientKey('2001:db8:85a3::1')).toBe(a)
    expect(clientKey('2001:db8:85a4::1')).not.toBe(a)
    expect(clientKey('::1')).toBe('0:0:0:0::/64')
  })

  it('names a request without an address', () => {
    expect(clientKey(undefined)).toBe('unknown')
  })
})
