import {
  DEFAULT_STAMP_CARD,
  StampCardSettingsSchema,
  type LoyaltyMode,
  type StampCardSettings,
} from '@joren/shared'
import type { SettingsStore } from './settings.ts'

/** The settings key of the stamp card, which also says whether the shop runs points, stamps or both. */
export const STAMP_CARD_SETTING = 'stamp_card'

export async function readStampSettings(settings: SettingsStore): Promise<StampCardSettings> {
  const parsed = StampCardSettingsSchema.safeParse(await settings.get(STAMP_CARD_SETTING))
  return parsed.success ? parsed.data : DEFAULT_STAMP_CARD
}

/** Points, stamps or both: the purchase grants points unless the shop uses stamps only. */
export async function loyaltyMode(settings: SettingsStore): Promise<LoyaltyMode> {
  return (await readStampSettings(settings)).mode
}
