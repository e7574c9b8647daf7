import { correction, generate, mode } from 'lean-qr'
import { describe, expect, it } from 'vitest'
import { encodeQr, type QrMatrix } from './qr-encode.ts'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'

function randomText(length: number, seed: number): string {
  let state = seed
  let text = ''
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31
    text += ALPHABET[state % ALPHABET.length]
  }
  return text
}

function picture(qr: { size: number; get(x: number, y: number): boolean }): string {
  let out = ''
  for (let y = 0; y < qr.size; y++) {
    for (let x = 0; x < qr.size; x++) out += qr.get(x, y) ? '#' : '.'
    out += '\n'
  }
  return out
}

function reference(text: string, mask: number): QrMatrix {
  return generate(mode.bytes(new TextEncoder().encode(text)), {
    minCorrectionLevel: correction.M,
    maxCorrectionLevel: correction.M,
    mask: mask as never,
  })
}

describe('encodeQr', () => {
  it('matches an independent encoder module for module, for every length up to version 10 and every mask', () => {
    for (let length = 1; length <= 213; length += 7) {
      const text = randomText(length, length)
      for (let mask = 0; mask < 8; mask++) {
        expect(picture(encodeQr(text, mask)), `length ${length}, mask ${mask}`).toBe(
          picture(reference(text, mask)),
        )
      }
    }
  })

  it('encodes a member card token as version 5 and picks one of the eight masks', () => {
    const token = `JM1.0000000042.1795368660.${randomText(43, 7)}`
    const qr = encodeQr(token)
    expect(qr.size).toBe(37)
    const matches = [0, 1, 2, 3, 4, 5, 6, 7].filter(
      (mask) => picture(qr) === picture(reference(token, mask)),
    )
    expect(matches).toHaveLength(1)
  })

  it('refuses text that does not fit version 10', () => {
    expect(() => encodeQr('x'.repeat(214))).toThrow(RangeError)
  })
})
