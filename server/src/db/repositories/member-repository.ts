import { eq, sql } from 'drizzle-orm'
import type { Member, MemberRepository } from '../../domain/members/members.ts'
import type { Database } from '../database.ts'
import { members } from '../schema.ts'

const memberColumns = {
  id: members.id,
  lineUserId: members.lineUserId,
  memberNumber: members.memberNumber,
  displayName: members.displayName,
  language: members.language,
  followState: members.followState,
  followStateAt: members.followStateAt,
  blockedAt: members.blockedAt,
  createdAt: members.createdAt,
}

export function createMemberRepository(db: Database): MemberRepository {
  const byLineUserId = db
    .select(memberColumns)
    .from(members)
    .where(eq(members.lineUserId, sql.placeholder('lineUserId')))
    .prepare()

  async function find(lineUserId: string) {
    const row = (await byLineUserId.get({ lineUserId })) as
      | (Member & { followStateAt: number; blockedAt: number | null; createdAt: number })
      | undefined
    return row ?? null
  }

  return {
    async findByLineUserId(lineUserId) {
      const row = await find(lineUserId)
      return row ? toMember(row) : null
    },

    async recordFollowState({ lineUserId, state, at, profile, memberNumber, now }) {
      const before = await find(lineUserId)
      const following = state === 'following'
      const rows = await db
        .insert(members)
        .values({
          lineUserId,
          memberNumber,
          displayName: profile?.displayName ?? null,
          pictureUrl: profile?.pictureUrl ?? null,
          statusMessage: profile?.statusMessage ?? null,
          language: profile?.language ?? null,
          followState: state,
          followStateAt: at,
          firstFollowedAt: following ? at : null,
          followedAt: following ? at : null,
          blockedAt: following ? null : at,
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoUpdate({
          target: members.lineUserId,
          // Only an event at least as new as the one that set the current state changes it.
          setWhere: sql`${members.followStateAt} <= ${at}`,
          set: {
            followState: state,
            followStateAt: at,
            displayName: sql`coalesce(excluded.display_name, ${members.displayName})`,
            pictureUrl: sql`coalesce(excluded.picture_url, ${members.pictureUrl})`,
            statusMessage: sql`coalesce(excluded.status_message, ${members.statusMessage})`,
            language: sql`coalesce(excluded.language, ${members.language})`,
            firstFollowedAt: following
              ? sql`coalesce(${members.firstFollowedAt}, ${at})`
              : sql`${members.firstFollowedAt}`,
            followedAt: following ? at : sql`${members.followedAt}`,
            blockedAt: following ? null : at,
            updatedAt: now,
          },
        })
        .returning(memberColumns)
      const member = rows[0] ?? (await find(lineUserId))
      if (!member) throw new Error(`member ${lineUserId} vanished while recording follow state`)
      return {
        member: toMember(member),
        existed: before !== null,
        wasBlocked: before?.followState === 'blocked',
      }
    },
  }
}

function toMember(row: Member): Member {
  return {
    id: row.id,
    lineUserId: row.lineUserId,
    memberNumber: row.memberNumber,
    displayName: row.displayName,
    language: row.language,
    followState: row.followState,
  }
}
