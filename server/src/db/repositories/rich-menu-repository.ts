import { and, asc, eq, gt } from 'drizzle-orm'
import type { TierMembersSource } from '../../domain/richmenu/rich-menu.ts'
import type { Database } from '../database.ts'
import { members, memberTiers, tiers } from '../schema.ts'

/** What per-tier rich menus read: the tiers, and each tier's following members in ID order. */
export function createRichMenuRepository(db: Database): TierMembersSource & {
  tiers(): Promise<{ id: number; name: string }[]>
} {
  return {
    async tiers() {
      return db
        .select({ id: tiers.id, name: tiers.name })
        .from(tiers)
        .orderBy(asc(tiers.minSpendYen))
    },
    async followingLineUserIdsOfTier(tierId, afterMemberId, limit) {
      return db
        .select({ memberId: members.id, lineUserId: members.lineUserId })
        .from(memberTiers)
        .innerJoin(members, eq(members.id, memberTiers.memberId))
        .where(
          and(
            eq(memberTiers.tierId, tierId),
            eq(members.followState, 'following'),
            gt(members.id, afterMemberId),
          ),
        )
        .orderBy(asc(members.id))
        .limit(limit)
    },
    async lineUserIdOf(memberId) {
      const rows = await db
        .select({ lineUserId: members.lineUserId })
        .from(members)
        .where(eq(members.id, memberId))
        .limit(1)
      return rows[0]?.lineUserId ?? null
    },
  }
}
