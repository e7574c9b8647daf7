import { ShopSettingsSchema, type Category, type ShopSettings } from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import type { UnitOfWork, Write } from '../unit-of-work.ts'

/** Shop-wide settings, one JSON value per key (the `settings` table). */
export interface SettingsStore {
  /** The parsed JSON value, or undefined when the key is not set. */
  get(key: string): Promise<unknown>
  put(key: string, value: unknown, now: number): Promise<void>
  /** The same, planned for a commit with other writes (e.g. its audit row). */
  putWrite(key: string, value: unknown, now: number): Write
  /** Stores the value unless the key is set already, and returns what is stored (first wins). */
  putIfAbsent(key: string, value: unknown, now: number): Promise<unknown>
  delete(key: string): Promise<void>
}

export const SHOP_SETTINGS_KEY = 'shop'

export const DEFAULT_CATEGORIES: Category[] = [
  { id: 'food', label: 'フード' },
  { id: 'drink', label: 'ドリンク' },
  { id: 'sweets', label: 'スイーツ' },
  { id: 'goods', label: '雑貨' },
  { id: 'event', label: 'イベント' },
]

export function defaultShopSettings(sandbox: boolean): ShopSettings {
  return {
    name: sandbox ? 'Joren デモ店' : 'マイショップ',
    categories: DEFAULT_CATEGORIES.map((c) => ({ ...c })),
  }
}

/** The stored settings, or the defaults when none (or nothing valid) is stored. */
export async function readShopSettings(
  store: SettingsStore,
  sandbox: boolean,
): Promise<ShopSettings> {
  const stored = ShopSettingsSchema.safeParse(await store.get(SHOP_SETTINGS_KEY))
  return stored.success ? stored.data : defaultShopSettings(sandbox)
}

export interface ShopSettingsDeps {
  settings: SettingsStore
  uow: UnitOfWork
  sandbox: boolean
  now(): number
}

/** The shop's settings: read by every role, changed by owner and admin (audited). */
export function createShopSettingsService(deps: ShopSettingsDeps) {
  return {
    read: () => readShopSettings(deps.settings, deps.sandbox),

    /** Replaces the shop name, categories and business hours; audited with before and after. */
    async update(actor: StaffActor, next: ShopSettings): Promise<ShopSettings> {
      const before = await readShopSettings(deps.settings, deps.sandbox)
      // A screen that edits only the name and categories leaves the business hours as they were.
      if (next.businessHours === undefined && before.businessHours !== undefined)
        next = { ...next, businessHours: before.businessHours }
      if (next.dormantDays === undefined && before.dormantDays !== undefined)
        next = { ...next, dormantDays: before.dormantDays }
      await deps.uow.commit([
        deps.settings.putWrite(SHOP_SETTINGS_KEY, next, deps.now()),
        deps.uow.audit({
          staffId: actor.id,
          action: 'settings.update',
          targetType: 'settings',
          targetId: SHOP_SETTINGS_KEY,
          before,
          after: next,
        }),
      ])
      return next
    },
  }
}

export type ShopSettingsService = ReturnType<typeof createShopSettingsService>
