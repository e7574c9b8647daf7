import type { Role } from '@joren/shared'
import { newMemberNumber, type Member, type MemberRepository } from '../members/members.ts'
import type { Messenger } from '../messaging/messenger.ts'
import type { Clock, Ids } from '../ports.ts'
import type { StaffRepository } from '../staff/staff.ts'
import {
  AuthenticationFailed,
  AuthUnavailable,
  ForbiddenRole,
  LoginNotConfigured,
  NotFriend,
  NotStaff,
} from './errors.ts'
import {
  JwksUnavailable,
  type BotInfo,
  type IdTokenVerifier,
  type VerifiedIdToken,
} from './id-token.ts'

/** A member signed in through a verified LIFF ID token (the user is the token's `sub`). */
export interface MemberPrincipal {
  memberId: number
  lineUserId: string
  memberNumber: string
}

/** A staff member signed in through a verified LIFF ID token, with their role. */
export interface StaffPrincipal {
  id: number
  lineUserId: string
  displayName: string
  role: Role
}

export interface SignInDeps {
  /** Null when LINE_LOGIN_CHANNEL_ID is unset: member and staff sign-in answer 503. */
  idTokens: IdTokenVerifier | null
  members: MemberRepository
  staff: Pick<StaffRepository, 'findByLineUserId'>
  messenger: Pick<Messenger, 'getProfile'>
  botInfo: BotInfo
  clock: Clock
  ids: Ids
}

/** How long a "not a friend" answer from LINE is trusted before asking again. */
const NOT_FRIEND_TTL_MS = 60_000
const NOT_FRIEND_CACHE_MAX = 10_000

/** The scheme is case-insensitive (RFC 7235); no scheme or an empty token is `missing_token`. */
const BEARER = /^Bearer(?:\s+(.*))?$/i

/**
 * Who is calling: LIFF ID tokens verified against LINE's keys, then the member or staff member
 * behind the token's `sub`. Nothing is read from or written to the database before the token
 * checks out.
 */
export function createSignIn(deps: SignInDeps) {
  const notFriendUntil = new Map<string, number>()

  /**
   * A friend who added the account before Joren ran has no member row and will send no follow
   * event. LINE answers the profile only for current friends, so a profile means: make the
   * member. Strangers' 404s are remembered for a minute so they cannot make us call LINE per
   * request.
   */
  async function onboardExistingFriend(lineUserId: string): Promise<Member | null> {
    const now = deps.clock.now()
    if ((notFriendUntil.get(lineUserId) ?? 0) > now) return null
    const profile = await deps.messenger.getProfile(lineUserId)
    if (!profile) {
      if (notFriendUntil.size >= NOT_FRIEND_CACHE_MAX) notFriendUntil.clear()
      notFriendUntil.set(lineUserId, now + NOT_FRIEND_TTL_MS)
      return null
    }
    const { member } = await deps.members.recordFollowState({
      lineUserId,
      state: 'following',
      at: now,
      profile,
      memberNumber: newMemberNumber(deps.ids.randomInt),
      now,
      cause: { kind: 'existing_friend' },
    })
    return member
  }

  return {
    /** `Authorization: Bearer <LIFF ID token>` → the verified token (401 / 503 otherwise). */
    async verify(authorization: string | undefined): Promise<VerifiedIdToken> {
      if (!deps.idTokens) throw new LoginNotConfigured()
      const token = BEARER.exec(authorization?.trim() ?? '')?.[1]
      if (!token) throw new AuthenticationFailed('missing_token')
      if (/\s/.test(token)) throw new AuthenticationFailed('malformed_token')
      let result
      try {
        result = await deps.idTokens.verify(token)
      } catch (error) {
        if (error instanceof JwksUnavailable) throw new AuthUnavailable()
        throw error
      }
      if (!result.ok) throw new AuthenticationFailed(result.code)
      return result.token
    },

    /** The member behind a verified token, who must follow the account (403 `not_friend`). */
    async member(lineUserId: string): Promise<MemberPrincipal> {
      const member =
        (await deps.members.findByLineUserId(lineUserId)) ??
        (await onboardExistingFriend(lineUserId))
      if (!member || member.followState !== 'following')
        throw new NotFriend(await deps.botInfo.addFriendUrl())
      return {
        memberId: member.id,
        lineUserId: member.lineUserId,
        memberNumber: member.memberNumber,
      }
    },

    /** The staff member behind a verified token, with one of `roles` (any when none given). */
    async staff(lineUserId: string, roles: readonly Role[]): Promise<StaffPrincipal> {
      const record = await deps.staff.findByLineUserId(lineUserId)
      if (!record) throw new NotStaff()
      if (roles.length > 0 && !roles.includes(record.role)) throw new ForbiddenRole()
      return {
        id: record.id,
        lineUserId: record.lineUserId,
        displayName: record.displayName,
        role: record.role,
      }
    },

    /** The signed-in LINE user's member row, if any (staff sign-up names them after it). */
    async memberName(lineUserId: string): Promise<string | null> {
      return (await deps.members.findByLineUserId(lineUserId))?.displayName ?? null
    },
  }
}

export type SignIn = ReturnType<typeof createSignIn>
