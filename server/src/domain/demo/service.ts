import { DomainError } from '../errors.ts'
import { CHANNEL_MODE_KEY } from '../shop/channel-mode.ts'
import type { SettingsStore } from '../shop/settings.ts'
import { generateDemoShop, type DemoIdBase, type DemoShop } from './demo-shop.ts'

/** Set in the same commit as the demo's rows: a second seed finds it and stops. */
export const DEMO_SHOP_KEY = 'demo_shop'
export const DEMO_SEED = 20_260_518
export const DEMO_MEMBERS = 2_000

export interface DemoShopStore {
  /** The highest ID in use per table, and the tiers configured. */
  idBase(): Promise<DemoIdBase & { tier: number; tiers: { id: number; minSpendYen: number }[] }>
  /** Every row of the demo shop and the marker setting, in one atomic batch (all or nothing). */
  write(shop: DemoShop, marker: { key: string; value: unknown }, now: number): Promise<void>
}

export class DemoShopRefused extends DomainError {
  constructor(reason: string) {
    super(403, 'demo_refused', `デモ店のデータは入れられません: ${reason}`)
  }
}

export class DemoShopAlreadySeeded extends DomainError {
  constructor() {
    super(409, 'demo_already_seeded', 'デモ店のデータはすでに入っています。')
  }
}

export interface DemoShopResult {
  members: number
  purchases: number
  coupons: number
  responses: number
  conversations: number
  broadcasts: number
  journeyRuns: number
}

/**
 * Fills the sandbox with the demo café. Never on a database that served a real channel: refused
 * when a channel is configured (not the sandbox) or the database remembers a LINE channel
 * (`channel_mode` = 'line', written at the first start with one and never undone).
 */
export function createDemoShopService(deps: {
  store: DemoShopStore
  settings: SettingsStore
  sandbox: boolean
  timeZone: string
  now(): number
  /** Rebuilds what is derived from the rows (KPI rollups, tiers, the segment summary). */
  refreshDerived(): Promise<void>
}) {
  return {
    async seed(options: { seed?: number; members?: number } = {}): Promise<DemoShopResult> {
      if (!deps.sandbox)
        throw new DemoShopRefused(
          'LINE チャネルが設定されています（サンドボックスでのみ使えます）。',
        )
      if ((await deps.settings.get(CHANNEL_MODE_KEY)) === 'line')
        throw new DemoShopRefused(
          'このデータベースは実際の LINE チャネルで使われたことがあります。',
        )
      if ((await deps.settings.get(DEMO_SHOP_KEY)) !== undefined) throw new DemoShopAlreadySeeded()
      const base = await deps.store.idBase()
      const now = deps.now()
      const seed = options.seed ?? DEMO_SEED
      const shop = generateDemoShop({
        seed,
        members: options.members ?? DEMO_MEMBERS,
        now,
        timeZone: deps.timeZone,
        ids: base,
        tiers: base.tiers,
        tierBase: base.tier,
      })
      try {
        await deps.store.write(shop, { key: DEMO_SHOP_KEY, value: { seed, at: now } }, now)
      } catch (error) {
        // A concurrent seed committed first (the marker's key is unique): that one stands.
        if ((await deps.settings.get(DEMO_SHOP_KEY)) !== undefined)
          throw new DemoShopAlreadySeeded()
        throw error
      }
      await deps.refreshDerived()
      return {
        members: shop.members.length,
        purchases: shop.purchases.length,
        coupons: shop.coupons.length,
        responses: shop.responses.length,
        conversations: shop.conversations.length,
        broadcasts: shop.broadcasts.length,
        journeyRuns: shop.runs.length,
      }
    },
  }
}

export type DemoShopService = ReturnType<typeof createDemoShopService>
