import { eq } from 'drizzle-orm'
import type { PrivacyMember, PrivacyStore } from '../../domain/privacy/store.ts'
import type { Database } from '../database.ts'
import { createPrivacyDocuments } from './privacy/documents.ts'
import { createPrivacyErasure } from './privacy/erase.ts'
import { createPrivacyExport } from './privacy/export.ts'
import { members } from '../schema.ts'

/**
 * Members' data rights over SQLite / D1: one member's export (their rows only, never another
 * member's identifiers), the erasure plan (every table that holds their personal data, one
 * atomic batch), the whole-shop export by keyset pages, agreements and deletion requests.
 *
 * By concern (privacy/): the exports, the erasure, and the documents and deletion requests.
 */
export function createPrivacyStore(db: Database): PrivacyStore {
  const memberCols = {
    id: members.id,
    memberNumber: members.memberNumber,
    lineUserId: members.lineUserId,
    erasedAt: members.erasedAt,
  }

  return {
    async memberByNumber(memberNumber) {
      const [row] = await db
        .select(memberCols)
        .from(members)
        .where(eq(members.memberNumber, memberNumber))
      return (row as PrivacyMember | undefined) ?? null
    },

    async memberById(id) {
      const [row] = await db.select(memberCols).from(members).where(eq(members.id, id))
      return (row as PrivacyMember | undefined) ?? null
    },

    ...createPrivacyExport(db),
    ...createPrivacyErasure(db),
    ...createPrivacyDocuments(db),
  }
}
