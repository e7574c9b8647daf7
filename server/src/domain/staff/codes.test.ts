import { describe, expect, it } from 'vitest'
import { webIds } from '../ports.ts'
import { hashCode, newCode, normalizeCode } from './codes.ts'

describe('one-time codes', () => {
  it('are groups of four unambiguous characters', () => {
    const code = newCode(webIds, 3)
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/)
    expect(new Set(Array.from({ length: 50 }, () => newCode(webIds, 3))).size).toBe(50)
  })

  it('hash the same however they are typed (case, spaces, dashes, O/0, I/L/1)', async () => {
    expect(normalizeCode(' 7k3m-q9xd 2prt ')).toBe('7K3MQ9XD2PRT')
    expect(await hashCode('10AB-CDEF')).toBe(await hashCode('loab cdef'))
    expect(await hashCode('10AB-CDEF')).not.toBe(await hashCode('10AB-CDEG'))
    expect(await hashCode('X')).toMatch(/^[0-9a-f]{64}$/)
  })
})
