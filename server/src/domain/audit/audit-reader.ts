import type { AuditEntry } from '@joren/shared'
import { InvalidRequest } from '../errors.ts'

/** Reads the audit log newest first, keyset-paged on the entry ID. */
export interface AuditReader {
  /** Entries with an ID below `beforeId` (all when null), newest first, at most `limit`. */
  page(beforeId: number | null, limit: number): Promise<AuditEntry[]>
}

export interface AuditPage {
  items: AuditEntry[]
  nextCursor: string | null
}

/** The cursor is the last entry's ID in base 36: opaque to clients, cheap to check. */
export function decodeAuditCursor(cursor: string | undefined): number | null {
  if (cursor === undefined || cursor === '') return null
  const id = /^[0-9a-z]{1,11}$/.test(cursor) ? parseInt(cursor, 36) : NaN
  if (!Number.isSafeInteger(id) || id <= 0)
    throw new InvalidRequest('cursor が正しくありません。最初のページから読み直してください。', [
      { path: 'cursor', message: '無効なカーソルです' },
    ])
  return id
}

export async function readAuditPage(
  reader: AuditReader,
  cursor: string | undefined,
  limit: number,
): Promise<AuditPage> {
  const rows = await reader.page(decodeAuditCursor(cursor), limit + 1)
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  return { items, nextCursor: rows.length > limit && last ? last.id.toString(36) : null }
}

/** The staff console's audit log (owner, admin). */
export function createAuditService(reader: AuditReader) {
  return {
    page: (cursor: string | undefined, limit: number) => readAuditPage(reader, cursor, limit),
  }
}

export type AuditService = ReturnType<typeof createAuditService>
