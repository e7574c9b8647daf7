import { and, asc, count, eq, inArray, ne } from 'drizzle-orm'
import type { MemberDirectory } from '../../../domain/members/directory.ts'
import type { Database } from '../../database.ts'
import { memberTags, tags } from '../../schema.ts'

/** D1 binds at most 100 parameters per statement. */
const IN_CHUNK = 90

/**
 * Members' tags per member (`tagsFor`, read by the list and the detail), and the tags
 * themselves.
 */
export function createMemberTags(db: Database) {
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
  const store: Pick<
    MemberDirectory,
    | 'listTags'
    | 'findTag'
    | 'findTagByName'
    | 'createTagWrite'
    | 'renameTagWrite'
    | 'deleteTagWrites'
    | 'addTagWrite'
    | 'removeTagWrite'
  > = {
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
  return { tagsFor, store }
}

export type TagsFor = ReturnType<typeof createMemberTags>['tagsFor']
