import type { MemberDetail, MembersPage, MembersQuery, Tag } from '@joren/shared'
import type { AuditLog } from '../audit/audit.ts'
import { DomainError } from '../errors.ts'

/** What the staff console reads and changes about members, tags and notes. */
export interface MemberDirectory {
  list(query: MembersQuery & { followedSinceMs?: number }): Promise<MembersPage>
  detail(memberNumber: string): Promise<(MemberDetail & { id: number }) | null>
  addNote(memberId: number, staffId: number, body: string, now: number): Promise<number>
  listTags(): Promise<Tag[]>
  findTag(id: number): Promise<Tag | null>
  /** Null when the name is taken. */
  createTag(name: string, now: number): Promise<Tag | null>
  /** Null when the name is taken by another tag. */
  renameTag(id: number, name: string): Promise<Tag | null>
  deleteTag(id: number): Promise<boolean>
  /** True when the member did not have the tag before. */
  addTag(memberId: number, tagId: number, now: number): Promise<boolean>
  /** True when the member had the tag. */
  removeTag(memberId: number, tagId: number): Promise<boolean>
}

export class MemberNotFound extends DomainError {
  constructor() {
    super(404, 'member_not_found', '会員が見つかりません。会員番号を確認してください。')
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
  audit: AuditLog
  now(): number
}

export async function requireMember(deps: DirectoryDeps, memberNumber: string) {
  const member = await deps.directory.detail(memberNumber)
  if (!member) throw new MemberNotFound()
  return member
}

export async function createTag(deps: DirectoryDeps, staffId: number, name: string): Promise<Tag> {
  const tag = await deps.directory.createTag(name, deps.now())
  if (!tag) throw new TagNameTaken(name)
  await deps.audit.record(
    {
      staffId,
      action: 'tag.create',
      targetType: 'tag',
      targetId: String(tag.id),
      before: null,
      after: tag,
    },
    deps.now(),
  )
  return tag
}

export async function renameTag(deps: DirectoryDeps, staffId: number, id: number, name: string) {
  const before = await deps.directory.findTag(id)
  if (!before) throw new TagNotFound()
  const after = await deps.directory.renameTag(id, name)
  if (!after) throw new TagNameTaken(name)
  await deps.audit.record(
    { staffId, action: 'tag.rename', targetType: 'tag', targetId: String(id), before, after },
    deps.now(),
  )
  return after
}

export async function deleteTag(deps: DirectoryDeps, staffId: number, id: number): Promise<void> {
  const before = await deps.directory.findTag(id)
  if (!before || !(await deps.directory.deleteTag(id))) throw new TagNotFound()
  await deps.audit.record(
    { staffId, action: 'tag.delete', targetType: 'tag', targetId: String(id), before, after: null },
    deps.now(),
  )
}

export async function tagMember(
  deps: DirectoryDeps,
  staffId: number,
  memberNumber: string,
  tagId: number,
  on: boolean,
): Promise<void> {
  const member = await requireMember(deps, memberNumber)
  const tag = await deps.directory.findTag(tagId)
  if (!tag) throw new TagNotFound()
  const changed = on
    ? await deps.directory.addTag(member.id, tagId, deps.now())
    : await deps.directory.removeTag(member.id, tagId)
  if (!changed) return
  await deps.audit.record(
    {
      staffId,
      action: on ? 'member.tag.add' : 'member.tag.remove',
      targetType: 'member',
      targetId: memberNumber,
      before: on ? null : { tag: tag.name },
      after: on ? { tag: tag.name } : null,
    },
    deps.now(),
  )
}

export async function addNote(
  deps: DirectoryDeps,
  staffId: number,
  memberNumber: string,
  body: string,
) {
  const member = await requireMember(deps, memberNumber)
  const id = await deps.directory.addNote(member.id, staffId, body, deps.now())
  await deps.audit.record(
    {
      staffId,
      action: 'member.note.add',
      targetType: 'member',
      targetId: memberNumber,
      before: null,
      after: { noteId: id, body },
    },
    deps.now(),
  )
  return id
}
