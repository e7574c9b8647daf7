import type {
  MemberDetail,
  MemberListItem,
  MembersExportQuery,
  MembersPage,
  MembersQuery,
  Tag,
} from '@joren/shared'
import { csvLine, UTF8_BOM } from '../csv.ts'
import { shopDateTime } from '../time.ts'
import type { StaffActor } from '../audit/audit.ts'
import { DomainError } from '../errors.ts'
import { isUniqueFailure } from '../store-failures.ts'
import { startOfDayInZone } from '../time.ts'
import type { RowRef, UnitOfWork, Write } from '../unit-of-work.ts'

/** What the staff console reads and changes about members, tags and notes. */
export interface MemberDirectory {
  list(query: MembersQuery & { followedSinceMs?: number }): Promise<MembersPage>
  detail(memberNumber: string): Promise<(MemberDetail & { id: number }) | null>
  listTags(): Promise<Tag[]>
  findTag(id: number): Promise<Tag | null>
  findTagByName(name: string): Promise<Tag | null>
  addNoteWrite(memberId: number, staffId: number, body: string, now: number): Write
  /** The newest note this staff member wrote about the member. */
  latestNoteId(memberId: number, staffId: number): Promise<number | null>
  /** The row the previous write inserted (a note or a tag) inside the same commit. */
  insertedId(): RowRef
  /** Fails the commit on a taken name (UNIQUE). */
  createTagWrite(name: string, now: number): Write
  /** Fails the commit on a taken name (UNIQUE). */
  renameTagWrite(id: number, name: string): Write
  /** The tag and its memberships; the last write changed a row only when the tag existed. */
  deleteTagWrites(id: number): Write[]
  /** Changes a row only when the member did not have the tag. */
  addTagWrite(memberId: number, tagId: number, now: number): Write
  /** Changes a row only when the member had the tag. */
  removeTagWrite(memberId: number, tagId: number): Write
}

export class MemberNotFound extends DomainError {
  constructor() {
    super(404, 'member_not_found', '会員が見つかりません。会員番号を確認してください。')
  }
}

/** Rows read per page while exporting: small enough for D1's limits, large enough to be quick. */
const EXPORT_PAGE = 500

export const MEMBER_CSV_HEADER = [
  '会員番号',
  '表示名',
  '状態',
  'ランク',
  'ポイント',
  '最終来店',
  '来店回数',
  '累計購入額（円）',
  '友だち追加日',
  'タグ',
]

/** One member as a CSV row; dates in the shop's time zone. */
export function memberCsvFields(m: MemberListItem, timeZone: string): string[] {
  const at = (ms: number | null) => (ms === null ? '' : shopDateTime(ms, timeZone))
  return [
    m.memberNumber,
    m.displayName ?? '',
    m.followState === 'following' ? '友だち' : 'ブロック',
    m.tierName ?? '',
    String(m.points),
    at(m.lastVisitAt),
    String(m.visits),
    String(m.spendYen),
    at(m.followedAt),
    m.tags.map((t) => t.name).join(' / '),
  ]
}

export class InvalidCursor extends DomainError {
  constructor() {
    super(400, 'invalid_cursor', 'ページの指定が正しくありません。一覧を読み込み直してください。')
  }
}

export class TagNotFound extends DomainError {
  constructor() {
    super(404, 'tag_not_found', 'タグが見つかりません。')
  }
}

export class TagNameTaken extends DomainError {
  constructor(name: string) {
    super(409, 'tag_exists', `「${name}」という名前のタグはすでにあります。`)
  }
}

export interface DirectoryDeps {
  directory: MemberDirectory
  uow: UnitOfWork
  now(): number
  /** The shop's time zone: "followed since" is a shop-local day. */
  timeZone: string
}

/**
 * The member directory's commands and queries (staff console). Every change commits with its
 * audit row: if either fails, neither is stored.
 */
export function createMemberDirectoryService(deps: DirectoryDeps) {
  const { directory, uow } = deps

  function withFollowedSince<Q extends MembersExportQuery>(query: Q) {
    const followedSinceMs = query.followedSince
      ? startOfDayInZone(query.followedSince, deps.timeZone)
      : undefined
    return { ...query, followedSinceMs }
  }

  async function requireMember(memberNumber: string) {
    const member = await directory.detail(memberNumber)
    if (!member) throw new MemberNotFound()
    return member
  }

  async function requireTag(id: number): Promise<Tag> {
    const tag = await directory.findTag(id)
    if (!tag) throw new TagNotFound()
    return tag
  }

  /** A taken name is refused up front, and by the UNIQUE index if a rival commits first. */
  async function commitNamed(name: string, writes: Write[]): Promise<void> {
    try {
      await uow.commit(writes)
    } catch (error) {
      if (isUniqueFailure(error)) throw new TagNameTaken(name)
      throw error
    }
  }

  return {
    list(query: MembersQuery) {
      return directory.list(withFollowedSince(query))
    },

    /**
     * The list's current filter and order as CSV for Excel (UTF-8 with a byte-order mark, CRLF,
     * RFC 4180 quoting), read page by page with the list's keyset so a million members never sit
     * in memory. The export is audited (who, which filter) before the first byte leaves.
     */
    async exportCsv(
      actor: StaffActor,
      query: MembersExportQuery,
    ): Promise<{ fileName: string; chunks: AsyncIterable<string> }> {
      const now = deps.now()
      await uow.commit([
        uow.audit({
          staffId: actor.id,
          action: 'member_list.export',
          targetType: 'members',
          targetId: null,
          before: null,
          after: { ...query },
        }),
      ])
      const base = withFollowedSince({ ...query, limit: EXPORT_PAGE })
      const timeZone = deps.timeZone
      async function* chunks(): AsyncGenerator<string> {
        yield UTF8_BOM + csvLine(MEMBER_CSV_HEADER)
        let cursor: string | undefined
        do {
          const page = await directory.list({ ...base, cursor })
          yield page.items.map((m) => csvLine(memberCsvFields(m, timeZone))).join('')
          cursor = page.nextCursor ?? undefined
        } while (cursor)
      }
      const day = shopDateTime(now, timeZone).slice(0, 10).replace(/\D/g, '')
      return { fileName: `members-${day}.csv`, chunks: chunks() }
    },

    /** One member as staff see them (no internal ID). */
    async detail(memberNumber: string): Promise<MemberDetail> {
      const { id: _id, ...member } = await requireMember(memberNumber)
      return member
    },

    listTags: () => directory.listTags(),

    /** Returns the new note's ID. */
    async addNote(actor: StaffActor, memberNumber: string, body: string): Promise<number> {
      const member = await requireMember(memberNumber)
      await uow.commit([
        directory.addNoteWrite(member.id, actor.id, body, deps.now()),
        uow.audit({
          staffId: actor.id,
          action: 'member.note.add',
          targetType: 'member',
          targetId: memberNumber,
          before: null,
          after: { body },
        }),
      ])
      const id = await directory.latestNoteId(member.id, actor.id)
      if (id === null) throw new Error('note committed but not found')
      return id
    },

    async createTag(actor: StaffActor, name: string): Promise<Tag> {
      if (await directory.findTagByName(name)) throw new TagNameTaken(name)
      await commitNamed(name, [
        directory.createTagWrite(name, deps.now()),
        uow.audit({
          staffId: actor.id,
          action: 'tag.create',
          targetType: 'tag',
          targetId: directory.insertedId(),
          before: null,
          after: { name },
        }),
      ])
      const tag = await directory.findTagByName(name)
      if (!tag) throw new TagNotFound()
      return tag
    },

    async renameTag(actor: StaffActor, id: number, name: string): Promise<Tag> {
      const before = await requireTag(id)
      const taken = await directory.findTagByName(name)
      if (taken && taken.id !== id) throw new TagNameTaken(name)
      await commitNamed(name, [
        directory.renameTagWrite(id, name),
        uow.audit(
          {
            staffId: actor.id,
            action: 'tag.rename',
            targetType: 'tag',
            targetId: String(id),
            before,
            after: { id, name },
          },
          { onlyIfChanged: true },
        ),
      ])
      return requireTag(id)
    },

    async deleteTag(actor: StaffActor, id: number): Promise<void> {
      const before = await requireTag(id)
      await uow.commit([
        ...directory.deleteTagWrites(id),
        uow.audit(
          {
            staffId: actor.id,
            action: 'tag.delete',
            targetType: 'tag',
            targetId: String(id),
            before,
            after: null,
          },
          { onlyIfChanged: true },
        ),
      ])
    },

    /** Adds or removes a tag; the audit row is written only when the membership changed. */
    async tagMember(
      actor: StaffActor,
      memberNumber: string,
      tagId: number,
      on: boolean,
    ): Promise<void> {
      const member = await requireMember(memberNumber)
      const tag = await requireTag(tagId)
      await uow.commit([
        on
          ? directory.addTagWrite(member.id, tagId, deps.now())
          : directory.removeTagWrite(member.id, tagId),
        uow.audit(
          {
            staffId: actor.id,
            action: on ? 'member.tag.add' : 'member.tag.remove',
            targetType: 'member',
            targetId: memberNumber,
            before: on ? null : { tag: tag.name },
            after: on ? { tag: tag.name } : null,
          },
          { onlyIfChanged: true },
        ),
      ])
    },
  }
}

export type MemberDirectoryService = ReturnType<typeof createMemberDirectoryService>
