/**
 * A small QR code encoder for the member card (ISO/IEC 18004): byte mode, error correction level
 * M, versions 1–10 (up to 213 bytes; a card token is ~70), mask chosen by the standard's penalty
 * rules. About 1 KB gzip, half of the smallest library, on the card's critical path. Checked
 * module for module against lean-qr in qr-encode.test.ts.
 */

/** A square of modules; `get(x, y)` is true for a dark module. */
export interface QrMatrix {
  size: number
  get(x: number, y: number): boolean
}

// Level M, versions 1–10: error correction codewords per block, and the number of blocks.
const EC_PER_BLOCK = [10, 16, 26, 18, 24, 16, 18, 22, 22, 26]
const BLOCKS = [1, 1, 1, 2, 2, 4, 4, 4, 5, 5]

// GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1.
const EXP = new Uint8Array(512)
const LOG = new Uint8Array(256)
for (let i = 0, x = 1; i < 255; i++, x = (x << 1) ^ (x & 128 ? 0x11d : 0)) {
  EXP[i] = EXP[i + 255] = x
  LOG[x] = i
}
const multiply = (a: number, b: number) => (a && b ? EXP[LOG[a]! + LOG[b]!]! : 0)

/** Reed–Solomon error correction codewords for one block. */
function errorCorrection(data: Uint8Array, degree: number): Uint8Array {
  const divisor = new Uint8Array(degree)
  divisor[degree - 1] = 1
  for (let i = 0, root = 1; i < degree; i++, root = multiply(root, 2)) {
    for (let j = 0; j < degree; j++) {
      divisor[j] = multiply(divisor[j]!, root) ^ (divisor[j + 1] ?? 0)
    }
  }
  const rest = new Uint8Array(degree)
  for (const byte of data) {
    const factor = byte ^ rest[0]!
    rest.copyWithin(0, 1)
    rest[degree - 1] = 0
    for (let i = 0; i < degree; i++) rest[i]! ^= multiply(divisor[i]!, factor)
  }
  return rest
}

/** Data modules in a version: everything but the function patterns, in whole codewords. */
function codewordCount(version: number): number {
  let modules = (16 * version + 128) * version + 64
  if (version >= 2) {
    const align = Math.floor(version / 7) + 2
    modules -= (25 * align - 10) * align - 55
    if (version >= 7) modules -= 36
  }
  return modules >> 3
}

/** The message: mode, length, bytes, terminator and padding, split into blocks with their EC. */
function codewords(bytes: Uint8Array, version: number): number[] {
  const ec = EC_PER_BLOCK[version - 1]!
  const blocks = BLOCKS[version - 1]!
  const total = codewordCount(version)
  const capacity = total - ec * blocks
  const bits: number[] = []
  const put = (value: number, length: number) => {
    for (let i = length - 1; i >= 0; i--) bits.push((value >>> i) & 1)
  }
  put(4, 4)
  put(bytes.length, version < 10 ? 8 : 16)
  bytes.forEach((byte) => put(byte, 8))
  put(0, Math.min(4, capacity * 8 - bits.length))
  put(0, -bits.length & 7)
  // Then pad codewords 0xEC, 0x11, 0xEC, … up to the capacity.
  const used = bits.length / 8
  const data = new Uint8Array(capacity)
  for (let i = 0; i < capacity; i++) {
    data[i] =
      i < used ? parseInt(bits.slice(i * 8, i * 8 + 8).join(''), 2) : (i - used) % 2 ? 0x11 : 0xec
  }
  const short = blocks - (total % blocks)
  const shortLength = Math.floor(total / blocks) - ec
  const dataBlocks: Uint8Array[] = []
  for (let b = 0, at = 0; b < blocks; b++) {
    const length = shortLength + (b < short ? 0 : 1)
    dataBlocks.push(data.subarray(at, (at += length)))
  }
  const out: number[] = []
  for (let i = 0; i <= shortLength; i++)
    dataBlocks.forEach((block) => i < block.length && out.push(block[i]!))
  const ecBlocks = dataBlocks.map((block) => errorCorrection(block, ec))
  for (let i = 0; i < ec; i++) ecBlocks.forEach((block) => out.push(block[i]!))
  return out
}

const MASKS: ((x: number, y: number) => boolean)[] = [
  (x, y) => (x + y) % 2 === 0,
  (_, y) => y % 2 === 0,
  (x) => x % 3 === 0,
  (x, y) => (x + y) % 3 === 0,
  (x, y) => (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0,
  (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
  (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
  (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
]

/** Encodes `text` (UTF-8) at level M in the smallest version that holds it, or throws. */
export function encodeQr(text: string, forceMask?: number): QrMatrix {
  const bytes = new TextEncoder().encode(text)
  let version = 1
  while (
    4 + (version < 10 ? 8 : 16) + bytes.length * 8 >
    (codewordCount(version) - EC_PER_BLOCK[version - 1]! * BLOCKS[version - 1]!) * 8
  ) {
    if (++version > 10) throw new RangeError('too long for a member card QR code')
  }
  const size = version * 4 + 17
  const dark = new Uint8Array(size * size)
  const fixed = new Uint8Array(size * size)
  const set = (x: number, y: number, on: boolean | number) => {
    dark[y * size + x] = on ? 1 : 0
    fixed[y * size + x] = 1
  }

  for (let i = 0; i < size; i++) {
    set(6, i, i % 2 === 0)
    set(i, 6, i % 2 === 0)
  }
  const finder = (cx: number, cy: number) => {
    for (let dy = -4; dy <= 4; dy++) {
      for (let dx = -4; dx <= 4; dx++) {
        const x = cx + dx
        const y = cy + dy
        const ring = Math.max(Math.abs(dx), Math.abs(dy))
        if (x >= 0 && x < size && y >= 0 && y < size) set(x, y, ring !== 2 && ring !== 4)
      }
    }
  }
  finder(3, 3)
  finder(size - 4, 3)
  finder(3, size - 4)
  if (version > 1) {
    const count = Math.floor(version / 7) + 2
    const step = Math.ceil((version * 4 + 4) / (count * 2 - 2)) * 2
    const at = [6]
    for (let p = size - 7; at.length < count; p -= step) at.splice(1, 0, p)
    for (const [i, ax] of at.entries()) {
      for (const [j, ay] of at.entries()) {
        if ((i === 0 && j === 0) || (i === 0 && j === count - 1) || (i === count - 1 && j === 0))
          continue
        for (let dy = -2; dy <= 2; dy++) {
          for (let dx = -2; dx <= 2; dx++)
            set(ax + dx, ay + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1)
        }
      }
    }
  }
  const format = (mask: number) => {
    // Level M is 00; BCH(15, 5) with the standard's mask.
    let rest = mask
    for (let i = 0; i < 10; i++) rest = (rest << 1) ^ ((rest >>> 9) * 0x537)
    const bits = ((mask << 10) | rest) ^ 0x5412
    const bit = (i: number) => (bits >>> i) & 1
    for (let i = 0; i <= 5; i++) set(8, i, bit(i))
    set(8, 7, bit(6))
    set(8, 8, bit(7))
    set(7, 8, bit(8))
    for (let i = 9; i < 15; i++) set(14 - i, 8, bit(i))
    for (let i = 0; i < 8; i++) set(size - 1 - i, 8, bit(i))
    for (let i = 8; i < 15; i++) set(8, size - 15 + i, bit(i))
    set(8, size - 8, 1)
  }
  format(0)
  if (version >= 7) {
    let rest = version
    for (let i = 0; i < 12; i++) rest = (rest << 1) ^ ((rest >>> 11) * 0x1f25)
    const bits = (version << 12) | rest
    for (let i = 0; i < 18; i++) {
      const on = (bits >>> i) & 1
      set(size - 11 + (i % 3), Math.floor(i / 3), on)
      set(Math.floor(i / 3), size - 11 + (i % 3), on)
    }
  }

  // Codewords in the two-column zigzag, from the bottom right.
  const data = codewords(bytes, version)
  let n = 0
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5
    for (let v = 0; v < size; v++) {
      for (let j = 0; j < 2; j++) {
        const x = right - j
        const y = (right + 1) & 2 ? v : size - 1 - v
        if (!fixed[y * size + x] && n < data.length * 8) {
          dark[y * size + x] = (data[n >>> 3]! >>> (7 - (n & 7))) & 1
          n++
        }
      }
    }
  }

  const masked = (mask: number) => {
    const out = dark.slice()
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++)
        if (!fixed[y * size + x] && MASKS[mask]!(x, y)) out[y * size + x]! ^= 1
    }
    return out
  }
  let best = forceMask ?? 0
  if (forceMask === undefined) {
    let lowest = Infinity
    for (let mask = 0; mask < 8; mask++) {
      format(mask)
      const score = penalty(masked(mask), size)
      if (score < lowest) [lowest, best] = [score, mask]
    }
  }
  format(best)
  const modules = masked(best)
  return {
    size,
    get: (x, y) => x >= 0 && y >= 0 && x < size && y < size && modules[y * size + x] === 1,
  }
}

/** The standard's four penalty rules: runs, 2×2 blocks, finder look-alikes, dark balance. */
function penalty(m: Uint8Array, size: number): number {
  let score = 0
  let lines = ''
  for (let a = 0; a < size; a++) {
    let row = ''
    let column = ''
    for (let b = 0; b < size; b++) {
      const here = m[a * size + b]
      row += here
      column += m[b * size + a]
      if (a && b && here === m[a * size + b - 1] && here === m[(a - 1) * size + b]) {
        if (here === m[(a - 1) * size + b - 1]) score += 3
      }
    }
    lines += `${row},${column},`
  }
  for (const run of lines.match(/0{5,}|1{5,}/g) ?? []) score += run.length - 2
  score += 40 * (lines.match(/(?=00001011101|10111010000)/g)?.length ?? 0)
  // Every module is in one row and one column: the count is twice the dark modules.
  const twiceDark = lines.split('1').length - 1
  const total = size * size
  return score + 10 * (Math.ceil(Math.abs(twiceDark * 10 - total * 10) / total) - 1)
}
