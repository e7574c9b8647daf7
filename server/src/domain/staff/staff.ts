import type { Role, Staff } from '@joren/shared'
import type { AuditLog } from '../audit/audit.ts'
import type { Ids } from '../ports.ts'
import { hashCode, newCode } from './codes.ts'
import {
  AlreadyStaff,
  InvalidInvite,
  InvalidSetupCode,
  InviteExpired,
  InviteUsed,
  LastOwner,
  OwnerAlreadyClaimed,
  SetupCodeExpired,
  StaffNotFound,
} from './errors.ts'

export interface StaffRecord {
  id: number
  lineUserId: string
  displayName: string
  role: Role
  invitedBy: number | null
  createdAt: number
}

export type InviteRole = 'admin' | 'staff'

export interface StaffRepository {
  findByLineUserId(lineUserId: string): Promise<StaffRecord | null>
  findById(id: number): Promise<StaffRecord | null>
  list(): Promise<StaffRecord[]>
  hasOwner(): Promise<boolean>
  /** Null when that LINE user is on the staff already (unique line_user_id). */
  insert(input: {
    lineUserId: string
    displayName: string
    role: Role
    invitedBy: number | null
    now: number
  }): Promise<StaffRecord | null>
  /**
   * Makes the user an owner, creating the staff row if needed (CLI and sandbox); a null name keeps
   * the existing one (or 'オーナー' for a new row).
   */
  upsertOwner(lineUserId: string, displayName: string | null, now: number): Promise<StaffRecord>
  /** One conditional statement: refuses to demote the last owner. */
  changeRole(id: number, role: Role, now: number): Promise<StaffRecord | 'not_found' | 'last_owner'>
  /** One conditional statement: refuses to remove the last owner. */
  remove(id: number): Promise<StaffRecord | 'not_found' | 'last_owner'>
  removeByLineUserId(lineUserId: string): Promise<StaffRecord | null>

  saveOwnerSetupCode(codeHash: string, expiresAt: number, now: number): Promise<void>
  peekOwnerSetupCode(): Promise<{ codeHash: string; expiresAt: number } | null>
  /**
   * Deletes the setup code if it matches, has not expired and no owner exists yet, in one
   * statement: of any number of concurrent claims exactly one gets true.
   */
  consumeOwnerSetupCode(codeHash: string, now: number): Promise<boolean>
  clearOwnerSetupCode(): Promise<void>

  createInvite(input: {
    codeHash: string
    role: InviteRole
    createdBy: number
    now: number
    expiresAt: number
  }): Promise<{ id: number }>
  findInvite(codeHash: string): Promise<{ expiresAt: number; usedAt: number | null } | null>
  /** Marks a usable invite used in one conditional statement; null for everyone but the winner. */
  consumeInvite(
    codeHash: string,
    now: number,
  ): Promise<{ id: number; role: InviteRole; createdBy: number } | null>
  completeInvite(inviteId: number, staffId: number): Promise<void>
  /** Gives an invite back when the staff row could not be created after consuming it. */
  releaseInvite(inviteId: number): Promise<void>
}

export interface StaffDeps {
  staff: StaffRepository
  audit: AuditLog
  ids: Ids
  now(): number
}

export const OWNER_SETUP_TTL_MS = 24 * 60 * 60 * 1000
export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000

/** A fixed stand-in user: the sandbox's demo owner. Removed when a real channel is configured. */
export const DEMO_OWNER_USER_ID = 'U0000000000000000000000000000de01'
export const DEMO_OWNER_NAME = 'デモ店長'

export function toStaff(record: StaffRecord): Staff {
  return {
    id: record.id,
    displayName: record.displayName,
    role: record.role,
    createdAt: record.createdAt,
  }
}

/** What the audit log keeps about a staff member (no LINE user ID). */
function snapshot(record: StaffRecord) {
  return { displayName: record.displayName, role: record.role }
}

/** The name a new staff member is shown under: the member row's, the token's, or the role. */
export function staffDisplayName(
  memberName: string | null | undefined,
  tokenName: string | null,
  role: Role,
): string {
  const name = memberName?.trim() || tokenName?.trim()
  if (name) return name.slice(0, 50)
  return role === 'owner' ? 'オーナー' : role === 'admin' ? '管理者' : 'スタッフ'
}

/**
 * At start: while no owner exists, a fresh one-time setup code (24 h) replaces any earlier one and
 * is returned for the operator's console; once an owner exists, any leftover code is removed.
 */
export async function prepareOwnerSetup(
  deps: Pick<StaffDeps, 'staff' | 'ids' | 'now'>,
): Promise<{ code: string; expiresAt: number } | null> {
  if (await deps.staff.hasOwner()) {
    await deps.staff.clearOwnerSetupCode()
    return null
  }
  const code = newCode(deps.ids, 3)
  const expiresAt = deps.now() + OWNER_SETUP_TTL_MS
  await deps.staff.saveOwnerSetupCode(await hashCode(code), expiresAt, deps.now())
  return { code, expiresAt }
}

/** POST /api/staff/setup: the first owner, exactly once. */
export async function claimOwner(
  deps: StaffDeps,
  user: { lineUserId: string; displayName: string },
  code: string,
): Promise<StaffRecord> {
  if (await deps.staff.findByLineUserId(user.lineUserId)) throw new AlreadyStaff()
  const codeHash = await hashCode(code)
  const now = deps.now()
  if (!(await deps.staff.consumeOwnerSetupCode(codeHash, now))) {
    if (await deps.staff.hasOwner()) throw new OwnerAlreadyClaimed()
    const stored = await deps.staff.peekOwnerSetupCode()
    if (stored?.codeHash === codeHash && stored.expiresAt <= now) throw new SetupCodeExpired()
    throw new InvalidSetupCode()
  }
  const owner = await deps.staff.insert({ ...user, role: 'owner', invitedBy: null, now })
  if (!owner) throw new AlreadyStaff()
  await deps.audit.record(
    {
      staffId: owner.id,
      action: 'staff.claim_owner',
      targetType: 'staff',
      targetId: String(owner.id),
      before: null,
      after: snapshot(owner),
    },
    now,
  )
  return owner
}

/** POST /api/staff/invites: a single-use code, shown once; only its hash is kept. */
export async function createInvite(
  deps: StaffDeps,
  by: { id: number },
  role: InviteRole,
): Promise<{ code: string; role: InviteRole; expiresAt: number }> {
  const code = newCode(deps.ids, 4)
  const now = deps.now()
  const expiresAt = now + INVITE_TTL_MS
  const invite = await deps.staff.createInvite({
    codeHash: await hashCode(code),
    role,
    createdBy: by.id,
    now,
    expiresAt,
  })
  await deps.audit.record(
    {
      staffId: by.id,
      action: 'staff.invite',
      targetType: 'invite',
      targetId: String(invite.id),
      before: null,
      after: { role, expiresAt },
    },
    now,
  )
  return { code, role, expiresAt }
}

/** POST /api/staff/invites/accept: the signed-in LINE user joins with the invite's role. */
export async function acceptInvite(
  deps: StaffDeps,
  user: { lineUserId: string; memberName: string | null; tokenName: string | null },
  code: string,
): Promise<StaffRecord> {
  if (await deps.staff.findByLineUserId(user.lineUserId)) throw new AlreadyStaff()
  const codeHash = await hashCode(code)
  const now = deps.now()
  const invite = await deps.staff.consumeInvite(codeHash, now)
  if (!invite) {
    const found = await deps.staff.findInvite(codeHash)
    if (found?.usedAt != null) throw new InviteUsed()
    if (found && found.expiresAt <= now) throw new InviteExpired()
    throw new InvalidInvite()
  }
  const created = await deps.staff.insert({
    lineUserId: user.lineUserId,
    displayName: staffDisplayName(user.memberName, user.tokenName, invite.role),
    role: invite.role,
    invitedBy: invite.createdBy,
    now,
  })
  if (!created) {
    await deps.staff.releaseInvite(invite.id)
    throw new AlreadyStaff()
  }
  await deps.staff.completeInvite(invite.id, created.id)
  await deps.audit.record(
    {
      staffId: created.id,
      action: 'staff.join',
      targetType: 'staff',
      targetId: String(created.id),
      before: null,
      after: { ...snapshot(created), inviteId: invite.id, invitedBy: invite.createdBy },
    },
    now,
  )
  return created
}

/** PATCH /api/staff/staff/:id (owner). Never leaves the shop without an owner. */
export async function changeRole(
  deps: StaffDeps,
  by: { id: number },
  id: number,
  role: Role,
): Promise<StaffRecord> {
  const before = await deps.staff.findById(id)
  if (!before) throw new StaffNotFound()
  if (before.role === role) return before
  const after = await deps.staff.changeRole(id, role, deps.now())
  if (after === 'not_found') throw new StaffNotFound()
  if (after === 'last_owner') throw new LastOwner()
  await deps.audit.record(
    {
      staffId: by.id,
      action: 'staff.role',
      targetType: 'staff',
      targetId: String(id),
      before: snapshot(before),
      after: snapshot(after),
    },
    deps.now(),
  )
  return after
}

/** DELETE /api/staff/staff/:id (owner). Never removes the last owner. */
export async function removeStaff(deps: StaffDeps, by: { id: number }, id: number): Promise<void> {
  const removed = await deps.staff.remove(id)
  if (removed === 'not_found') throw new StaffNotFound()
  if (removed === 'last_owner') throw new LastOwner()
  await deps.audit.record(
    {
      staffId: by.id,
      action: 'staff.remove',
      targetType: 'staff',
      targetId: String(id),
      before: snapshot(removed),
      after: null,
    },
    deps.now(),
  )
}

/**
 * Makes a LINE user owner directly (the `staff:owner` CLI), audited without a staff actor; any
 * pending setup code is dropped because an owner now exists.
 */
export async function appointOwner(
  deps: Pick<StaffDeps, 'staff' | 'audit' | 'now'>,
  lineUserId: string,
  displayName: string | null,
  via: string,
): Promise<StaffRecord> {
  const before = await deps.staff.findByLineUserId(lineUserId)
  const after = await deps.staff.upsertOwner(lineUserId, displayName, deps.now())
  await deps.staff.clearOwnerSetupCode()
  await deps.audit.record(
    {
      staffId: null,
      action: 'staff.appoint_owner',
      targetType: 'staff',
      targetId: String(after.id),
      before: before ? snapshot(before) : null,
      after: { ...snapshot(after), via },
    },
    deps.now(),
  )
  return after
}

/**
 * At start. Sandbox: the demo owner (a stand-in user) is made owner. Real channel: a leftover demo
 * owner from sandbox runs on the same database is removed. Then, while no owner exists, a setup
 * code for the first owner (see prepareOwnerSetup).
 */
export async function prepareStaffAtStart(
  deps: Pick<StaffDeps, 'staff' | 'audit' | 'ids' | 'now'>,
  demoOwner: { lineUserId: string; displayName: string } | null,
): Promise<{ code: string; expiresAt: number } | null> {
  if (demoOwner) {
    const current = await deps.staff.findByLineUserId(demoOwner.lineUserId)
    if (current?.role !== 'owner')
      await appointOwner(deps, demoOwner.lineUserId, demoOwner.displayName, 'sandbox')
  } else {
    const removed = await deps.staff.removeByLineUserId(DEMO_OWNER_USER_ID)
    if (removed) {
      await deps.audit.record(
        {
          staffId: null,
          action: 'staff.remove',
          targetType: 'staff',
          targetId: String(removed.id),
          before: snapshot(removed),
          after: { via: 'sandbox demo owner removed: a LINE channel is configured' },
        },
        deps.now(),
      )
    }
  }
  return prepareOwnerSetup(deps)
}
