import { randomBytes, randomUUID } from 'node:crypto'

export const userIdPattern = /^U[0-9a-f]{32}$/
export const chatIdPattern = /^[UCR][0-9a-f]{32}$/
export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export const newRequestId = (): string => randomUUID()
export const randomHex = (bytes: number): string => randomBytes(bytes).toString('hex')
export const newUserId = (): string => `U${randomHex(16)}`
export const newRichMenuId = (): string => `richmenu-${randomHex(16)}`
export const randomToken = (bytes = 24): string => randomBytes(bytes).toString('base64url')

const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** 26-character ULID: 48-bit millisecond time then 80 random bits, Crockford base32. */
export function ulid(time: number): string {
  let head = ''
  let t = Math.max(0, Math.floor(time))
  for (let i = 0; i < 10; i++) {
    head = crockford[t % 32] + head
    t = Math.floor(t / 32)
  }
  let tail = ''
  for (const byte of randomBytes(16)) tail += crockford[byte & 31]
  return head + tail
}

/** Numeric message IDs like LINE's, unique per stand-in instance. */
export function messageIdSequence(): () => string {
  let next = 0
  const prefix = String(5_000_000 + Math.floor(Math.random() * 999_999))
  return () => prefix + String(++next).padStart(11, '0')
}
