import { and, eq, isNull, sql } from 'drizzle-orm'
import type { PrivacyStore } from '../../../domain/privacy/store.ts'
import type { Database } from '../../database.ts'
import { insertSelectList } from '../../insert-select.ts'
import { memberAgreements, staffAlerts } from '../../schema.ts'

/**
 * The documents they agreed to (privacy policy and terms, by version) and their deletion
 * requests.
 */
export function createPrivacyDocuments(
  db: Database,
): Pick<
  PrivacyStore,
  'agreement' | 'agreeWrites' | 'openDeletionRequest' | 'deletionRequestWrite'
> {
  return {
    async agreement(memberId, version) {
      const [row] = await db
        .select({ agreedAt: memberAgreements.agreedAt })
        .from(memberAgreements)
        .where(
          and(
            eq(memberAgreements.memberId, memberId),
            eq(memberAgreements.document, 'privacy'),
            eq(memberAgreements.version, version),
          ),
        )
      return row ?? null
    },

    agreeWrites(memberId, version, now) {
      return (['privacy', 'terms'] as const).map((document) =>
        db
          .insert(memberAgreements)
          .values({ memberId, document, version, agreedAt: now })
          .onConflictDoNothing(),
      )
    },

    async openDeletionRequest(memberId) {
      const [row] = await db
        .select({ at: staffAlerts.createdAt })
        .from(staffAlerts)
        .where(
          and(
            eq(staffAlerts.memberId, memberId),
            eq(staffAlerts.kind, 'data_request'),
            isNull(staffAlerts.resolvedAt),
          ),
        )
        .limit(1)
      return row?.at ?? null
    },

    deletionRequestWrite(memberId, summary, now) {
      return db
        .insert(staffAlerts)
        .select(
          sql`${insertSelectList(staffAlerts, {
            kind: 'data_request',
            memberId,
            summary,
            dedupeKey: `data_request:${memberId}:${now}`,
            createdAt: now,
          })}
            WHERE NOT EXISTS (SELECT 1 FROM staff_alerts WHERE member_id = ${memberId} AND kind = 'data_request' AND resolved_at IS NULL)`,
        )
        .onConflictDoNothing({ target: staffAlerts.dedupeKey })
    },
  }
}
