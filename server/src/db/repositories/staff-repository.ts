import { and, asc, eq, gt, isNull, ne, or, sql } from 'drizzle-orm'
import type { StaffRecord, StaffRepository } from '../../domain/staff/staff.ts'
import type { Database } from '../database.ts'
import { insertSelectList } from '../insert-select.ts'
import { rowRef } from '../row-ref.ts'
import { settings, staff, staffInvites } from '../schema.ts'

const OWNER_SETUP_KEY = 'owner_setup'

const staffColumns = {
  id: staff.id,
  lineUserId: staff.lineUserId,
  displayName: staff.displayName,
  role: staff.role,
  invitedBy: staff.invitedBy,
  createdAt: staff.createdAt,
}

/** True while another owner remains: the guard on every statement that could drop an owner. */
const anotherOwnerRemains = sql`(select count(*) from staff where role = 'owner') > 1`

export function createStaffRepository(db: Database): StaffRepository {
  const byLineUserId = db
    .select(staffColumns)
    .from(staff)
    .where(eq(staff.lineUserId, sql.placeholder('lineUserId')))
    .prepare()

  async function findById(id: number): Promise<StaffRecord | null> {
    const row = await db.select(staffColumns).from(staff).where(eq(staff.id, id)).get()
    return (row as StaffRecord | undefined) ?? null
  }

  return {
    async findByLineUserId(lineUserId) {
      return ((await byLineUserId.get({ lineUserId })) as StaffRecord | undefined) ?? null
    },

    findById,

    async list() {
      return (await db
        .select(staffColumns)
        .from(staff)
        .orderBy(
          sql`case ${staff.role} when 'owner' then 0 when 'admin' then 1 else 2 end`,
          asc(staff.createdAt),
          asc(staff.id),
        )) as StaffRecord[]
    },

    async hasOwner() {
      const row = await db
        .select({ id: staff.id })
        .from(staff)
        .where(eq(staff.role, 'owner'))
        .limit(1)
        .get()
      return row !== undefined
    },

    insertedId: () => rowRef(sql`last_insert_rowid()`),

    upsertOwnerWrite(lineUserId, displayName, now) {
      return db
        .insert(staff)
        .values({
          lineUserId,
          displayName: displayName ?? 'オーナー',
          role: 'owner',
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoUpdate({
          target: staff.lineUserId,
          set: {
            role: 'owner',
            displayName: displayName ?? sql`${staff.displayName}`,
            updatedAt: now,
          },
        })
    },

    changeRoleWrite(id, role, now) {
      return db
        .update(staff)
        .set({ role, updatedAt: now })
        .where(
          role === 'owner'
            ? eq(staff.id, id)
            : and(eq(staff.id, id), or(ne(staff.role, 'owner'), anotherOwnerRemains)),
        )
    },

    removeWrite(id) {
      return db
        .delete(staff)
        .where(and(eq(staff.id, id), or(ne(staff.role, 'owner'), anotherOwnerRemains)))
    },

    removeByLineUserIdWrite(lineUserId) {
      return db.delete(staff).where(eq(staff.lineUserId, lineUserId))
    },

    async saveOwnerSetupCode(codeHash, expiresAt, now) {
      const value = JSON.stringify({ codeHash, expiresAt })
      await db
        .insert(settings)
        .values({ key: OWNER_SETUP_KEY, value, updatedAt: now })
        .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: now } })
    },

    async peekOwnerSetupCode() {
      const row = await db
        .select({ value: settings.value })
        .from(settings)
        .where(eq(settings.key, OWNER_SETUP_KEY))
        .get()
      if (!row) return null
      try {
        const { codeHash, expiresAt } = JSON.parse(row.value) as Record<string, unknown>
        return typeof codeHash === 'string' && typeof expiresAt === 'number'
          ? { codeHash, expiresAt }
          : null
      } catch {
        return null
      }
    },

    consumeOwnerSetupCodeWrite(codeHash, now) {
      return db
        .delete(settings)
        .where(
          and(
            eq(settings.key, OWNER_SETUP_KEY),
            sql`json_extract(${settings.value}, '$.codeHash') = ${codeHash}`,
            sql`json_extract(${settings.value}, '$.expiresAt') > ${now}`,
            sql`not exists (select 1 from staff where role = 'owner')`,
          ),
        )
    },

    clearOwnerSetupCodeWrite() {
      return db.delete(settings).where(eq(settings.key, OWNER_SETUP_KEY))
    },

    async clearOwnerSetupCode() {
      await db.delete(settings).where(eq(settings.key, OWNER_SETUP_KEY))
    },

    insertOwnerIfConsumedWrite(lineUserId, displayName, now) {
      const select = insertSelectList(staff, {
        lineUserId,
        displayName,
        role: 'owner',
        createdAt: now,
        updatedAt: now,
      })
      return db.insert(staff).select(sql`${select} WHERE changes() > 0`)
    },

    createInviteWrite({ codeHash, role, createdBy, now, expiresAt }) {
      return db
        .insert(staffInvites)
        .values({ codeHash, role, createdBy, createdAt: now, expiresAt })
    },

    async findInvite(codeHash) {
      const row = await db
        .select({
          role: staffInvites.role,
          expiresAt: staffInvites.expiresAt,
          usedAt: staffInvites.usedAt,
        })
        .from(staffInvites)
        .where(and(eq(staffInvites.codeHash, codeHash), isNull(staffInvites.revokedAt)))
        .get()
      return row ?? null
    },

    consumeInviteWrite(codeHash, now) {
      return db
        .update(staffInvites)
        .set({ usedAt: now })
        .where(
          and(
            eq(staffInvites.codeHash, codeHash),
            isNull(staffInvites.usedAt),
            isNull(staffInvites.revokedAt),
            gt(staffInvites.expiresAt, now),
          ),
        )
    },

    joinFromInviteWrites({ codeHash, lineUserId, displayName, now }) {
      return [
        db.insert(staff).select(
          sql`${insertSelectList(staff, {
            lineUserId,
            displayName,
            role: sql`${staffInvites.role}`,
            invitedBy: sql`${staffInvites.createdBy}`,
            createdAt: now,
            updatedAt: now,
          })} FROM ${staffInvites} WHERE ${staffInvites.codeHash} = ${codeHash} AND changes() > 0`,
        ),
        db
          .update(staffInvites)
          .set({ usedBy: sql`last_insert_rowid()` })
          .where(and(eq(staffInvites.codeHash, codeHash), sql`changes() > 0`)),
      ]
    },
  }
}
