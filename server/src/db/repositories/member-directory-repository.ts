import type { MemberListItem, MemberSortKey, Profile } from '@joren/shared'
import { and, asc, count, desc, eq, gte, inArray, lt, ne, or, sql, type SQL } from 'drizzle-orm'
import { InvalidCursor, type MemberDirectory } from '../../domain/members/directory.ts'
import type { Database } from '../database.ts'
import { rowRef } from '../row-ref.ts'
import {
  memberNotes,
  memberProfiles,
  memberRfm,
  members,
  memberTags,
  staff,
  tags,
  tiers,
} from '../schema.ts'
import { reachFloor, REACH_STATE } from '../segments/reach.ts'

/** D1 binds at most 100 parameters per statement. */
const IN_CHUNK = 90

/**
 * The member list's orders. Each key is the leading column of an index on member_rfm whose last
 * column is member_id (for `joined`, the members' own rowid), so "ORDER BY key, id LIMIT n" after
 * a keyset seek reads n index entries at any depth. Last visit is `coalesce(…, -1)` (the indexed
 * expression): members who never bought sort after everyone in descending order.
 */
function listOrder(sort: MemberSortKey, dir: 'asc' | 'desc') {
  const key = sql.raw(
    {
      joined: 'members.id',
      lastVisit: 'coalesce(member_rfm.last_purchase_at, -1)',
      visits: 'member_rfm.purchase_count',
      spend: 'member_rfm.spend_total_yen',
      points: 'member_rfm.points_balance',
      tier: 'member_rfm.tier_rank',
    }[sort],
  )
  const id = sql.raw(sort === 'joined' ? 'members.id' : 'member_rfm.member_id')
  const d = sql.raw(dir === 'desc' ? 'DESC' : 'ASC')
  const cmp = sql.raw(dir === 'desc' ? '<' : '>')
  return {
    key,
    by: sort === 'joined' ? sql`${key} ${d}` : sql`${key} ${d}, ${id} ${d}`,
    /** Rows strictly after the cursor's (key, id) in this order: one row-value seek. */
    after(cursor: { key: number; id: number }): SQL {
      return sort === 'joined'
        ? sql`${members.id} ${cmp} ${cursor.id}`
        : sql`(${key}, ${id}) ${cmp} (${cursor.key}, ${cursor.id})`
    },
  }
}

interface ListRow extends Omit<MemberListItem, 'tags'> {
  id: number
  key: number
}

/**
 * A page cursor: the last row's sort key and member ID, base 36, the key signed ("-1_2s"). A
 * letter never marks the sign: "n5c" is 30,000, not a negative number.
 */
function encodeListCursor(key: number, id: number): string {
  return `${key.toString(36)}_${id.toString(36)}`
}

function decodeListCursor(cursor: string): { key: number; id: number } {
  const [k = '', i = ''] = cursor.includes('_') ? cursor.split('_') : ['0', cursor]
  if (!/^-?[0-9a-z]{1,11}$/.test(k) || !/^[0-9a-z]{1,11}$/.test(i)) throw new InvalidCursor()
  const key = Number.parseInt(k, 36)
  const id = Number.parseInt(i, 36)
  if (!Number.isSafeInteger(key) || !Number.isSafeInteger(id)) throw new InvalidCursor()
  return { key, id }
}

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
      const numberSearch = q !== undefined && /^\d{1,10}$/.test(q)
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
      const order = listOrder(query.sort, query.dir)
      if (query.cursor) conditions.push(order.after(decodeListCursor(query.cursor)))
      // The order's index drives the walk (CROSS JOIN fixes the outer table in SQLite), so a page
      // reads limit + 1 matching entries and stops; only a member-number search, which finds a
      // handful of rows through its own index, is left to the planner.
      const join = sql.raw(numberSearch ? 'JOIN' : 'CROSS JOIN')
      const from =
        query.sort === 'joined'
          ? sql`members ${join} member_rfm ON member_rfm.member_id = members.id`
          : sql`member_rfm ${join} members ON members.id = member_rfm.member_id`
      const where = conditions.length ? sql`WHERE ${and(...conditions)}` : sql``
      const rows: ListRow[] = await db.all<ListRow>(
        sql`SELECT members.id AS id, members.member_number AS memberNumber,
            members.display_name AS displayName, members.follow_state AS followState,
            members.followed_at AS followedAt, tiers.name AS tierName,
            member_rfm.points_balance AS points, member_rfm.last_purchase_at AS lastVisitAt,
            member_rfm.purchase_count AS visits, member_rfm.spend_total_yen AS spendYen,
            ${order.key} AS key
          FROM ${from}
          LEFT JOIN tiers ON tiers.id = member_rfm.tier_id
          ${where}
          ORDER BY ${order.by}
          LIMIT ${query.limit + 1}`,
      )
      const page = rows.slice(0, query.limit)
      const tagMap = await tagsFor(page.map((r) => r.id))
      const items: MemberListItem[] = page.map(({ id, key: _key, ...row }) => ({
        ...row,
        tags: tagMap.get(id) ?? [],
      }))
      const last = page.at(-1)
      return {
        items,
        nextCursor:
          rows.length > query.limit && last ? encodeListCursor(Number(last.key), last.id) : null,
      }
    },

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
