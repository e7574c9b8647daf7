import type { Role, Staff } from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import { isUniqueFailure } from '../store-failures.ts'
import type { RowRef, UnitOfWork, Write } from '../unit-of-work.ts'
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

/**
 * Staff, invitations and the owner setup code. Reads answer now; `…Write` methods plan one
 * conditional statement for a commit with its audit row (see UnitOfWork).
 */
export interface StaffRepository {
  findByLineUserId(lineUserId: string): Promise<StaffRecord | null>
  findById(id: number): Promise<StaffRecord | null>
  list(): Promise<StaffRecord[]>
  hasOwner(): Promise<boolean>
  /** The staff row (or invite) the latest insert of the same commit created. */
  insertedId(): RowRef
  /**
   * Makes the user an owner, creating the staff row if needed (CLI and sandbox); a null name keeps
   * the existing one (or 'オーナー' for a new row).
   */
  upsertOwnerWrite(lineUserId: string, displayName: string | null, now: number): Write
  /** Changes a row unless it would demote the last owner. */
  changeRoleWrite(id: number, role: Role, now: number): Write
  /** Deletes the row unless it is the last owner. */
  removeWrite(id: number): Write
  removeByLineUserIdWrite(lineUserId: string): Write

  saveOwnerSetupCode(codeHash: string, expiresAt: number, now: number): Promise<void>
  peekOwnerSetupCode(): Promise<{ codeHash: string; expiresAt: number } | null>
  /**
   * Deletes the setup code if it matches, has not expired and no owner exists yet: of any number
   * of concurrent claims exactly one changes a row.
   */
  consumeOwnerSetupCodeWrite(codeHash: string, now: number): Write
  clearOwnerSetupCodeWrite(): Write
  clearOwnerSetupCode(): Promise<void>
  /** Inserts the owner only when the previous write changed a row (the code was consumed). */
  insertOwnerIfConsumedWrite(lineUserId: string, displayName: string, now: number): Write

  createInviteWrite(input: {
    codeHash: string
    role: InviteRole
    createdBy: number
    now: number
    expiresAt: number
  }): Write
  findInvite(
    codeHash: string,
  ): Promise<{ role: InviteRole; expiresAt: number; usedAt: number | null } | null>
  /** Marks a usable invite used: one conditional statement, so one of any rivals wins. */
  consumeInviteWrite(codeHash: string, now: number): Write
  /**
   * Only when the invite was just consumed: the staff row with the invite's role (a LINE user on
   * the staff already fails the commit on UNIQUE), then the invite records who used it.
   */
  joinFromInviteWrites(input: {
    codeHash: string
    lineUserId: string
    displayName: string
    now: number
  }): Write[]
}

export interface StaffDeps {
  staff: StaffRepository
  uow: UnitOfWork
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

/** Refused at once: the LINE user is on the staff already (a UNIQUE failure in a commit too). */
async function commitJoin(writes: Write[], uow: UnitOfWork): Promise<void> {
  try {
    await uow.commit(writes)
  } catch (error) {
    if (isUniqueFailure(error)) throw new AlreadyStaff()
    throw error
  }
}

/** Staff accounts: the first owner, invitations, roles and removal — each change audited. */
export function createStaffService(deps: StaffDeps) {
  const { staff, uow } = deps

  async function requireStaff(id: number): Promise<StaffRecord> {
    const record = await staff.findById(id)
    if (!record) throw new StaffNotFound()
    return record
  }

  return {
    me: (actor: StaffActor) => requireStaff(actor.id),

    list: () => staff.list(),

    /**
     * POST /api/staff/setup: the first owner, exactly once. The code is consumed, the owner
     * created and the claim audited in one commit.
     */
    async claimOwner(
      user: { lineUserId: string; displayName: string },
      code: string,
    ): Promise<StaffRecord> {
      if (await staff.findByLineUserId(user.lineUserId)) throw new AlreadyStaff()
      const codeHash = await hashCode(code)
      const now = deps.now()
      await commitJoin(
        [
          staff.consumeOwnerSetupCodeWrite(codeHash, now),
          staff.insertOwnerIfConsumedWrite(user.lineUserId, user.displayName, now),
          uow.audit(
            {
              staffId: staff.insertedId(),
              action: 'staff.claim_owner',
              targetType: 'staff',
              targetId: staff.insertedId(),
              before: null,
              after: { displayName: user.displayName, role: 'owner' },
            },
            { onlyIfChanged: true },
          ),
        ],
        uow,
      )
      const owner = await staff.findByLineUserId(user.lineUserId)
      if (owner?.role === 'owner') return owner
      if (await staff.hasOwner()) throw new OwnerAlreadyClaimed()
      const stored = await staff.peekOwnerSetupCode()
      if (stored?.codeHash === codeHash && stored.expiresAt <= now) throw new SetupCodeExpired()
      throw new InvalidSetupCode()
    },

    /** POST /api/staff/invites: a single-use code, shown once; only its hash is kept. */
    async createInvite(
      actor: StaffActor,
      role: InviteRole,
    ): Promise<{ code: string; role: InviteRole; expiresAt: number }> {
      const code = newCode(deps.ids, 4)
      const now = deps.now()
      const expiresAt = now + INVITE_TTL_MS
      await uow.commit([
        staff.createInviteWrite({
          codeHash: await hashCode(code),
          role,
          createdBy: actor.id,
          now,
          expiresAt,
        }),
        uow.audit({
          staffId: actor.id,
          action: 'staff.invite',
          targetType: 'invite',
          targetId: staff.insertedId(),
          before: null,
          after: { role, expiresAt },
        }),
      ])
      return { code, role, expiresAt }
    },

    /**
     * POST /api/staff/invites/accept: the signed-in LINE user joins with the invite's role. The
     * invite is consumed, the staff row created and the join audited in one commit.
     */
    async acceptInvite(
      user: { lineUserId: string; memberName: string | null; tokenName: string | null },
      code: string,
    ): Promise<StaffRecord> {
      if (await staff.findByLineUserId(user.lineUserId)) throw new AlreadyStaff()
      const codeHash = await hashCode(code)
      const now = deps.now()
      const invite = await staff.findInvite(codeHash)
      if (!invite) throw new InvalidInvite()
      const displayName = staffDisplayName(user.memberName, user.tokenName, invite.role)
      await commitJoin(
        [
          staff.consumeInviteWrite(codeHash, now),
          ...staff.joinFromInviteWrites({
            codeHash,
            lineUserId: user.lineUserId,
            displayName,
            now,
          }),
          uow.audit(
            {
              staffId: staff.insertedId(),
              action: 'staff.join',
              targetType: 'staff',
              targetId: staff.insertedId(),
              before: null,
              after: { displayName, role: invite.role },
            },
            { onlyIfChanged: true },
          ),
        ],
        uow,
      )
      const joined = await staff.findByLineUserId(user.lineUserId)
      if (joined) return joined
      const found = await staff.findInvite(codeHash)
      if (found?.usedAt != null) throw new InviteUsed()
      if (found && found.expiresAt <= now) throw new InviteExpired()
      throw new InvalidInvite()
    },

    /** PATCH /api/staff/staff/:id (owner). Never leaves the shop without an owner. */
    async changeRole(actor: StaffActor, id: number, role: Role): Promise<StaffRecord> {
      const before = await requireStaff(id)
      if (before.role === role) return before
      await uow.commit([
        staff.changeRoleWrite(id, role, deps.now()),
        uow.audit(
          {
            staffId: actor.id,
            action: 'staff.role',
            targetType: 'staff',
            targetId: String(id),
            before: snapshot(before),
            after: { displayName: before.displayName, role },
          },
          { onlyIfChanged: true },
        ),
      ])
      const after = await requireStaff(id)
      if (after.role !== role) throw new LastOwner()
      return after
    },

    /** DELETE /api/staff/staff/:id (owner). Never removes the last owner. */
    async remove(actor: StaffActor, id: number): Promise<void> {
      const before = await requireStaff(id)
      await uow.commit([
        staff.removeWrite(id),
        uow.audit(
          {
            staffId: actor.id,
            action: 'staff.remove',
            targetType: 'staff',
            targetId: String(id),
            before: snapshot(before),
            after: null,
          },
          { onlyIfChanged: true },
        ),
      ])
      if (await staff.findById(id)) throw new LastOwner()
    },
  }
}

export type StaffService = ReturnType<typeof createStaffService>

/**
 * Makes a LINE user owner directly (the `staff:owner` CLI, the sandbox's demo owner), audited
 * without a staff actor; any pending setup code is dropped because an owner now exists.
 */
export async function appointOwner(
  deps: Pick<StaffDeps, 'staff' | 'uow' | 'now'>,
  lineUserId: string,
  displayName: string | null,
  via: string,
): Promise<StaffRecord> {
  const before = await deps.staff.findByLineUserId(lineUserId)
  await deps.uow.commit([
    deps.staff.upsertOwnerWrite(lineUserId, displayName, deps.now()),
    deps.uow.audit({
      staffId: null,
      action: 'staff.appoint_owner',
      targetType: 'staff',
      targetId: before ? String(before.id) : deps.staff.insertedId(),
      before: before ? snapshot(before) : null,
      after: { displayName: displayName ?? before?.displayName ?? 'オーナー', role: 'owner', via },
    }),
    deps.staff.clearOwnerSetupCodeWrite(),
  ])
  const after = await deps.staff.findByLineUserId(lineUserId)
  if (!after) throw new Error('the owner row was not written')
  return after
}

/**
 * At start. Sandbox: the demo owner (a stand-in user) is made owner. Real channel: a leftover demo
 * owner from sandbox runs on the same database is removed. Then, while no owner exists, a setup
 * code for the first owner (see prepareOwnerSetup).
 */
export async function prepareStaffAtStart(
  deps: Pick<StaffDeps, 'staff' | 'uow' | 'ids' | 'now'>,
  demoOwner: { lineUserId: string; displayName: string } | null,
): Promise<{ code: string; expiresAt: number } | null> {
  if (demoOwner) {
    const current = await deps.staff.findByLineUserId(demoOwner.lineUserId)
    if (current?.role !== 'owner')
      await appointOwner(deps, demoOwner.lineUserId, demoOwner.displayName, 'sandbox')
  } else {
    const leftover = await deps.staff.findByLineUserId(DEMO_OWNER_USER_ID)
    if (leftover) {
      await deps.uow.commit([
        deps.staff.removeByLineUserIdWrite(DEMO_OWNER_USER_ID),
        deps.uow.audit(
          {
            staffId: null,
            action: 'staff.remove',
            targetType: 'staff',
            targetId: String(leftover.id),
            before: snapshot(leftover),
            after: { via: 'sandbox demo owner removed: a LINE channel is configured' },
          },
          { onlyIfChanged: true },
        ),
      ])
    }
  }
  return prepareOwnerSetup(deps)
}
