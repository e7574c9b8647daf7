import {
  DEFAULT_MESSAGING_SETTINGS,
  MessagingSettingsSchema,
  type MessagingSettings,
} from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import type { UnitOfWork } from '../unit-of-work.ts'
import type { SettingsStore } from './settings.ts'

/**
 * The settings key of who may be messaged and the automatic pushes' switches. The segment and
 * broadcast SQL reads `marketingDefault` from this row in the statement itself
 * (db/segments/reach.ts), so a change holds everywhere at once.
 */
export const MESSAGING_SETTINGS_KEY = 'messaging'

/** The stored messaging settings; fields not stored (or nothing valid) read as their defaults. */
export async function readMessagingSettings(store: SettingsStore): Promise<MessagingSettings> {
  const stored = MessagingSettingsSchema.safeParse((await store.get(MESSAGING_SETTINGS_KEY)) ?? {})
  return stored.success ? stored.data : { ...DEFAULT_MESSAGING_SETTINGS }
}

export interface MessagingSettingsDeps {
  settings: SettingsStore
  uow: UnitOfWork
  now(): number
}

/** GET/PUT /api/staff/settings/messaging: every role reads; owner and admin change (audited). */
export function createMessagingSettingsService(deps: MessagingSettingsDeps) {
  return {
    read: () => readMessagingSettings(deps.settings),

    async update(actor: StaffActor, next: MessagingSettings): Promise<MessagingSettings> {
      const before = await readMessagingSettings(deps.settings)
      await deps.uow.commit([
        deps.settings.putWrite(MESSAGING_SETTINGS_KEY, next, deps.now()),
        deps.uow.audit({
          staffId: actor.id,
          action: 'messaging_settings.update',
          targetType: 'settings',
          targetId: MESSAGING_SETTINGS_KEY,
          before,
          after: next,
        }),
      ])
      return next
    },
  }
}

export type MessagingSettingsService = ReturnType<typeof createMessagingSettingsService>
