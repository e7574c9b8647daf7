import type { AlertPrefs, StaffAlertPage } from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import { InvalidRequest } from '../errors.ts'
import type { UnitOfWork } from '../unit-of-work.ts'
import { StaffAlertNotFound } from './errors.ts'
import type { StaffAlertStore } from './ports.ts'

export interface StaffAlertDeps {
  alerts: StaffAlertStore
  uow: UnitOfWork
  now(): number
}

/**
 * Staff alerts (new conversations, low survey scores): the list, resolving one, and each staff
 * member's LINE alert preferences. Changes commit with their audit row.
 */
export function createStaffAlertService(deps: StaffAlertDeps) {
  const { alerts, uow } = deps

  return {
    /** Newest first; the cursor is the last alert's ID. */
    async list(query: {
      status: 'open' | 'all'
      cursor?: string
      limit: number
    }): Promise<StaffAlertPage> {
      let beforeId: number | null = null
      if (query.cursor) {
        if (!/^\d{1,12}$/.test(query.cursor))
          throw new InvalidRequest('cursor: 正しくないカーソルです')
        beforeId = Number(query.cursor)
      }
      const rows = await alerts.list({
        open: query.status === 'open',
        beforeId,
        limit: query.limit + 1,
      })
      const items = rows.slice(0, query.limit)
      const last = items.at(-1)
      return {
        items,
        nextCursor: rows.length > query.limit && last ? String(last.id) : null,
      }
    },

    /** True when this call resolved it; false when it was resolved already. */
    async resolve(actor: StaffActor, id: number): Promise<{ resolved: boolean }> {
      const before = await alerts.find(id)
      if (!before) throw new StaffAlertNotFound()
      if (before.resolvedAt !== null) return { resolved: false }
      const now = deps.now()
      await uow.commit([
        alerts.resolveWrite(id, actor.id, now),
        uow.audit(
          {
            staffId: actor.id,
            action: 'alert.resolve',
            targetType: 'staff_alert',
            targetId: String(id),
            before: { resolvedAt: null },
            after: { resolvedAt: now },
          },
          { onlyIfChanged: true },
        ),
      ])
      const after = await alerts.find(id)
      return { resolved: after?.resolvedAt === now && after.resolvedBy === actor.id }
    },

    prefs: (actor: StaffActor): Promise<AlertPrefs> => alerts.prefs(actor.id),

    /** One's own LINE alert opt-in and quiet hours; turning alerts on starts from now. */
    async savePrefs(actor: StaffActor, prefs: AlertPrefs): Promise<AlertPrefs> {
      const before = await alerts.prefs(actor.id)
      await uow.commit([
        alerts.savePrefsWrite(actor.id, prefs, deps.now()),
        uow.audit({
          staffId: actor.id,
          action: 'alert_prefs.update',
          targetType: 'staff',
          targetId: String(actor.id),
          before,
          after: prefs,
        }),
      ])
      return alerts.prefs(actor.id)
    },

    countOpen: () => alerts.countOpen(),
  }
}

export type StaffAlertService = ReturnType<typeof createStaffAlertService>
