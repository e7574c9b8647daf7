import type { MemberListItem, MemberSortKey } from '@joren/shared'
import { and, eq, gte, lt, or, sql, type SQL } from 'drizzle-orm'
import { InvalidCursor, type MemberDirectory } from '../../../domain/members/directory.ts'
import type { Database } from '../../database.ts'
import { members, memberTags } from '../../schema.ts'
import type { TagsFor } from './tags.ts'

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
/** The member list: search, filters, the sort orders and keyset pages. */
export function createMemberList(db: Database, tagsFor: TagsFor): Pick<MemberDirectory, 'list'> {
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
  }
}
