import { eq, sql } from 'drizzle-orm'
import type { SettingsStore } from '../../domain/shop/settings.ts'
import type { Database } from '../database.ts'
import { settings } from '../schema.ts'

export function createSettingsStore(db: Database): SettingsStore {
  const byKey = db
    .select({ value: settings.value })
    .from(settings)
    .where(eq(settings.key, sql.placeholder('key')))
    .prepare()

  async function get(key: string): Promise<unknown> {
    const row = (await byKey.get({ key })) as { value: string } | undefined
    if (!row) return undefined
    try {
      return JSON.parse(row.value) as unknown
    } catch {
      return undefined
    }
  }

  function putWrite(key: string, value: unknown, now: number) {
    const json = JSON.stringify(value)
    return db
      .insert(settings)
      .values({ key, value: json, updatedAt: now })
      .onConflictDoUpdate({ target: settings.key, set: { value: json, updatedAt: now } })
  }

  return {
    get,

    async put(key, value, now) {
      await putWrite(key, value, now)
    },

    putWrite,

    async putIfAbsent(key, value, now) {
      await db
        .insert(settings)
        .values({ key, value: JSON.stringify(value), updatedAt: now })
        .onConflictDoNothing({ target: settings.key })
      return get(key)
    },

    async delete(key) {
      await db.delete(settings).where(eq(settings.key, key))
    },
  }
}
