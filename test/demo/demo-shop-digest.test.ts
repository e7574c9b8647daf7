import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { generateDemoShop, type DemoShopInput } from '../../server/src/domain/demo/demo-shop.ts'

/**
 * The demo shop is a pure function of its input: the same seed gives the same rows, byte for byte.
 * The digests below were taken from the generator before it was split into one module per part of
 * the shop; any change to what it generates (an extra draw from the random stream, a reordered
 * column, a changed row) changes them.
 */

const NOW = Date.parse('2026-12-07T10:00:00+09:00')
const IDS = {
  member: 0,
  purchase: 0,
  ledger: 0,
  template: 0,
  coupon: 0,
  survey: 0,
  version: 0,
  response: 0,
  answer: 0,
  conversation: 0,
  chat: 0,
  broadcast: 0,
  journey: 0,
  run: 0,
  stepLog: 0,
}

function digest(input: DemoShopInput): string {
  return createHash('sha256')
    .update(JSON.stringify(generateDemoShop(input)))
    .digest('hex')
}

// 2,000 guests take a few seconds; more on a loaded machine.
describe('generateDemoShop', { timeout: 90_000 }, () => {
  it('gives the same shop for the same seed (an empty sandbox)', () => {
    const input: DemoShopInput = {
      seed: 20261207,
      members: 2000,
      now: NOW,
      timeZone: 'Asia/Tokyo',
      ids: IDS,
      tiers: [],
      tierBase: 0,
    }
    expect(digest(input)).toBe('321367ae466dbd05c88a59eac21eb7e615138d829da558e433a0eae868e7a437')
  })

  it('gives the same shop for the same seed (IDs after existing rows, tiers kept)', () => {
    const ids = Object.fromEntries(
      Object.keys(IDS).map((k, i) => [k, 10 * (i + 1)]),
    ) as unknown as DemoShopInput['ids']
    const input: DemoShopInput = {
      seed: 7,
      members: 300,
      now: NOW + 13 * 3_600_000,
      timeZone: 'Asia/Tokyo',
      ids,
      tiers: [
        { id: 4, minSpendYen: 5_000 },
        { id: 9, minSpendYen: 20_000 },
      ],
      tierBase: 9,
    }
    expect(digest(input)).toBe('409dda2c6b97195f0c3185a5abe65aaf1dd04424c84762f4bc287a899dbd9637')
  })

  it('gives another shop for another seed', () => {
    const input = (seed: number): DemoShopInput => ({
      seed,
      members: 50,
      now: NOW,
      timeZone: 'Asia/Tokyo',
      ids: IDS,
      tiers: [],
      tierBase: 0,
    })
    expect(digest(input(1))).not.toBe(digest(input(2)))
  })
})
