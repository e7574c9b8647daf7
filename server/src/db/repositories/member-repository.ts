import { eq, sql } from 'drizzle-orm'
import type { Member, MemberRepository } from '../../domain/members/members.ts'
import type { UnitOfWork, Write } from '../../domain/unit-of-work.ts'
import type { Database } from '../database.ts'
import { rowRef } from '../row-ref.ts'
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
  firstFollowedAt: members.firstFollowedAt,
  createdAt: members.createdAt,
}

/**
 * Members and their follow state. A follow or unfollow from a webhook event commits with its
 * domain event (member.followed / member.unfollowed) in one batch.
 */
export function createMemberRepository(db: Database, uow: UnitOfWork): MemberRepository {
  const byLineUserId = db
    .select(memberColumns)
    .from(members)
    .where(eq(members.lineUserId, sql.placeholder('lineUserId')))
    .prepare()

  const byId = db
    .select(memberColumns)
    .from(members)
    .where(eq(members.id, sql.placeholder('id')))
    .prepare()

  async function find(lineUserId: string) {
    const row = (await byLineUserId.get({ lineUserId })) as
      | (Member & {
          followStateAt: number
          blockedAt: number | null
          firstFollowedAt: number | null
          createdAt: number
        })
      | undefined
    return row ?? null
  }

  return {
    async findByLineUserId(lineUserId) {
      const row = await find(lineUserId)
      return row ? toMember(row) : null
    },

    async findById(id) {
      const row = (await byId.get({ id })) as Member | undefined
      return row ? toMember(row) : null
    },

    async recordFollowState({ lineUserId, state, at, profile, memberNumber, now, cause }) {
      const before = await find(lineUserId)
      const following = state === 'following'
      const upsert = db
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
      const writes: Write[] = [upsert]
      if (cause.kind === 'webhook') {
        // Only when the upsert changed the row: an older event arriving late records nothing.
        const memberId = rowRef(
          sql`(select ${members.id} from ${members} where ${members.lineUserId} = ${lineUserId})`,
        )
        writes.push(
          following
            ? uow.event(
                {
                  type: 'member.followed',
                  memberId,
                  data: {
                    firstFollow: before === null || before.firstFollowedAt === null,
                    refollow: before?.followState === 'blocked',
                    standby: cause.standby,
                    ...(cause.unblocked ? { unblocked: true } : {}),
                  },
                  occurredAt: at,
                  dedupeKey: cause.eventKey,
                },
                { onlyIfChanged: true },
              )
            : uow.event(
                {
                  type: 'member.unfollowed',
                  memberId,
                  data: {},
                  occurredAt: at,
                  dedupeKey: cause.eventKey,
                },
                { onlyIfChanged: true },
              ),
        )
      }
      await uow.commit(writes)
      const member = await find(lineUserId)
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
