import type { ExportRow, MemberExportTable, ShopExportTable } from '@joren/shared'
import type { Write } from '../unit-of-work.ts'

export interface PrivacyMember {
  id: number
  memberNumber: string
  lineUserId: string
  erasedAt: number | null
}

/** What the data-rights commands read and plan (db/repositories/privacy-repository.ts and privacy/). */
export interface PrivacyStore {
  memberByNumber(memberNumber: string): Promise<PrivacyMember | null>
  memberById(id: number): Promise<PrivacyMember | null>
  /** Everything stored about one member, table by table (nothing about anyone else). */
  memberExport(member: PrivacyMember): Promise<Record<MemberExportTable, ExportRow[]>>
  /** Messages waiting to go to this LINE user (what an erasure cancels). */
  pendingMessages(lineUserId: string): Promise<number>
  /**
   * Erases or anonymises the member's personal data in every table (one atomic commit with the
   * audit row): `marker` replaces their LINE user ID wherever a NOT NULL / UNIQUE key holds it.
   */
  eraseWrites(member: PrivacyMember, marker: string, now: number): Write[]
  /** One page of a whole-shop export table, in ID order after `afterId` (keyset). */
  shopExportPage(
    table: ShopExportTable,
    afterId: number,
    limit: number,
  ): Promise<{ rows: ExportRow[]; lastId: number | null }>
  /** The member's agreement to the documents' version, if any. */
  agreement(memberId: number, version: string): Promise<{ agreedAt: number } | null>
  agreeWrites(memberId: number, version: string, now: number): Write[]
  /** The open (unresolved) deletion request's time, or null. */
  openDeletionRequest(memberId: number): Promise<number | null>
  /** The staff task: a 'data_request' alert; changes nothing while one is open for the member. */
  deletionRequestWrite(memberId: number, summary: string, now: number): Write
}
