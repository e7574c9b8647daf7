import type { MemberListItem, Profile } from '@joren/shared'
import { and, asc, count, desc, eq, gte, inArray, lt, ne, or, sql, type SQL } from 'drizzle-orm'
import type { MemberDirectory } from '../../domain/members/directory.ts'
import type { Database } from '../database.ts'
import { rowRef } from '../row-ref.ts'
import { memberNotes, memberProfiles, members, memberTags, staff, tags } from '../schema.ts'
import { reachFloor, REACH_STATE } from '../segments/reach.ts'

/** D1 binds at most 100 parameters per statement. */
const IN_CHUNK = 90

/** LIKE pattern matching the text anywhere, with the user's % and _ taken literally. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

export function createMemberDirectory(db: Database): MemberDirectory {
  async function tagsFor(memberIds: number[]) {
    const byMember = new Map<number, { id: number; name: string }[]>()
    for (let i = 0; i < memberIds.length; i += IN_CHUNK) {
      const rows = await db
        .select({ memberId: memberTags.memberId, id: tags.id, name: tags.name })
        .from(memberTags)
        .innerJoin(tags, eq(tags.id, memberTags.tagId))
        .where(inArray(memberTags.memberId, memberIds.slice(i, i + IN_CHUNK)))
        .orderBy(asc(tags.name))
      for (const { memberId, id, name } of rows) {
        const list = byMember.get(memberId) ?? []
        list.push({ id, name })
        byMember.set(memberId, list)
      }
    }
    return byMember
  }

  async function findTag(id: number) {
    const row = await db
      .select({ id: tags.id, name: tags.name })
      .from(tags)
      .where(eq(tags.id, id))
      .get()
    return row ?? null
  }

  return {
    async list(query) {
      const conditions: SQL[] = []
      const q = query.q?.normalize('NFKC').trim()
      if (q) {
        const byName = sql`${members.displayName} like ${containsPattern(q)} escape '\\'`
        // Digits: also a member number prefix, as a range so the unique index is used.
        conditions.push(
          /^\d{1,10}$/.test(q)
            ? (or(
                byName,
                and(gte(members.memberNumber, q), lt(members.memberNumber, `${q}:`)),
              ) as SQL)
            : byName,
        )
      }
      if (query.blocked !== undefined)
        conditions.push(eq(members.followState, query.blocked ? 'blocked' : 'following'))
      if (query.followedSinceMs !== undefined)
        conditions.push(gte(members.followedAt, query.followedSinceMs))
      if (query.tag !== undefined)
        conditions.push(
          sql`exists (select 1 from ${memberTags} where ${memberTags.memberId} = ${members.id} and ${memberTags.tagId} = ${query.tag})`,
        )
      if (query.cursor) conditions.push(lt(members.id, Number.parseInt(query.cursor, 36)))

      const rows = await db
        .select({
          id: members.id,
          memberNumber: members.memberNumber,
          displayName: members.displayName,
          followState: members.followState,
          followedAt: members.followedAt,
        })
        .from(members)
        .where(conditions.length ? and(...conditions) : undefined)
        .orderBy(desc(members.id))
        .limit(query.limit + 1)
      const page = rows.slice(0, query.limit)
      const tagMap = await tagsFor(page.map((r) => r.id))
      const items: MemberListItem[] = page.map(({ id, ...row }) => ({
        ...row,
        tags: tagMap.get(id) ?? [],
      }))
      const last = page.at(-1)
      return { items, nextCursor: rows.length > query.limit && last ? last.id.toString(36) : null }
    },

    async detail(memberNumber) {
      const row = await db
        .select()
        .from(members)
        .leftJoin(memberProfiles, eq(memberProfiles.memberId, members.id))
        .where(eq(members.memberNumber, memberNumber))
        .get()
      if (!row) return null
      const { members: m, member_profiles: p } = row
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

    async listTags() {
      return db
        .select({ id: tags.id, name: tags.name, memberCount: count(memberTags.memberId) })
        .from(tags)
        .leftJoin(memberTags, eq(memberTags.tagId, tags.id))
        .groupBy(tags.id)
        .orderBy(asc(tags.name))
    },

    findTag,

    async findTagByName(name) {
      const row = await db
        .select({ id: tags.id, name: tags.name })
        .from(tags)
        .where(eq(tags.name, name))
        .get()
      return row ?? null
    },

    createTagWrite(name, now) {
      return db.insert(tags).values({ name, createdAt: now })
    },

    renameTagWrite(id, name) {
      return db
        .update(tags)
        .set({ name })
        .where(and(eq(tags.id, id), ne(tags.name, name)))
    },

    deleteTagWrites(id) {
      return [
        db.delete(memberTags).where(eq(memberTags.tagId, id)),
        db.delete(tags).where(eq(tags.id, id)),
      ]
    },

    addTagWrite(memberId, tagId, now) {
      return db.insert(memberTags).values({ memberId, tagId, createdAt: now }).onConflictDoNothing()
    },

    removeTagWrite(memberId, tagId) {
      return db
        .delete(memberTags)
        .where(and(eq(memberTags.memberId, memberId), eq(memberTags.tagId, tagId)))
    },
  }
}

/** Whether a member who never chose gets marketing messages (the shop's default). */
async function undecidedReceives(db: Database): Promise<boolean> {
  const [row] = await db.all<{ floor: number }>(sql`SELECT ${reachFloor()} AS floor`)
  return Number(row?.floor) <= REACH_STATE.undecided
}
