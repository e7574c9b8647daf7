import type { Profile } from '@joren/shared'
import { and, desc, eq, sql } from 'drizzle-orm'
import type { MemberDirectory } from '../../../domain/members/directory.ts'
import type { Database } from '../../database.ts'
import { rowRef } from '../../row-ref.ts'
import { memberNotes, memberProfiles, memberRfm, members, staff, tiers } from '../../schema.ts'
import { reachFloor, REACH_STATE } from '../../segments/reach.ts'
import type { TagsFor } from './tags.ts'

/** One member's page (profile, figures, tags, notes) and staff notes. */
export function createMemberDetail(
  db: Database,
  tagsFor: TagsFor,
): Pick<MemberDirectory, 'detail' | 'addNoteWrite' | 'latestNoteId' | 'insertedId'> {
  return {
    async detail(memberNumber) {
      const row = await db
        .select()
        .from(members)
        .leftJoin(memberProfiles, eq(memberProfiles.memberId, members.id))
        .leftJoin(memberRfm, eq(memberRfm.memberId, members.id))
        .leftJoin(tiers, eq(tiers.id, memberRfm.tierId))
        .where(eq(members.memberNumber, memberNumber))
        .get()
      if (!row) return null
      const { members: m, member_profiles: p, member_rfm: r, tiers: t } = row
      const notes = await db
        .select({
          id: memberNotes.id,
          body: memberNotes.body,
          staffName: staff.displayName,
          createdAt: memberNotes.createdAt,
        })
        .from(memberNotes)
        .leftJoin(staff, eq(staff.id, memberNotes.staffId))
        .where(eq(memberNotes.memberId, m.id))
        .orderBy(desc(memberNotes.createdAt), desc(memberNotes.id))
        .limit(100)
      const profile: Profile | null = p
        ? {
            birthday: p.birthday,
            gender: p.gender,
            prefecture: p.prefecture as Profile['prefecture'],
            interests: JSON.parse(p.interests) as string[],
            marketingConsent:
              p.marketingChoice === null ? await undecidedReceives(db) : p.marketingChoice === 'in',
            marketingChoice: p.marketingChoice,
            updatedAt: p.updatedAt,
          }
        : null
      return {
        id: m.id,
        memberNumber: m.memberNumber,
        displayName: m.displayName,
        pictureUrl: m.pictureUrl,
        language: m.language,
        followState: m.followState,
        followedAt: m.followedAt,
        firstFollowedAt: m.firstFollowedAt,
        blockedAt: m.blockedAt,
        tags: (await tagsFor([m.id])).get(m.id) ?? [],
        tierName: t?.name ?? null,
        points: r?.pointsBalance ?? 0,
        lastVisitAt: r?.lastPurchaseAt ?? null,
        visits: r?.purchaseCount ?? 0,
        spendYen: r?.spendTotalYen ?? 0,
        profile,
        notes,
        erasedAt: m.erasedAt,
      }
    },

    addNoteWrite(memberId, staffId, body, now) {
      return db.insert(memberNotes).values({ memberId, staffId, body, createdAt: now })
    },

    async latestNoteId(memberId, staffId) {
      const row = await db
        .select({ id: sql<number | null>`max(${memberNotes.id})` })
        .from(memberNotes)
        .where(and(eq(memberNotes.memberId, memberId), eq(memberNotes.staffId, staffId)))
        .get()
      return row?.id ?? null
    },

    insertedId: () => rowRef(sql`last_insert_rowid()`),
  }
}

/** Whether a member who never chose gets marketing messages (the shop's default). */
async function undecidedReceives(db: Database): Promise<boolean> {
  const [row] = await db.all<{ floor: number }>(sql`SELECT ${reachFloor()} AS floor`)
  return Number(row?.floor) <= REACH_STATE.undecided
}
