import type { MemberDirectory } from '../../domain/members/directory.ts'
import type { Database } from '../database.ts'
import { createMemberDetail } from './member-directory/detail.ts'
import { createMemberList } from './member-directory/list.ts'
import { createMemberTags } from './member-directory/tags.ts'

/**
 * The staff's member directory, by concern (member-directory/): the list, a member's page and
 * notes, tags.
 */
export function createMemberDirectory(db: Database): MemberDirectory {
  const { tagsFor, store: tagStore } = createMemberTags(db)
  return {
    ...createMemberList(db, tagsFor),
    ...createMemberDetail(db, tagsFor),
    ...tagStore,
  }
}
