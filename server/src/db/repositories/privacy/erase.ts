import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm'
import type { PrivacyStore } from '../../../domain/privacy/store.ts'
import type { Write } from '../../../domain/unit-of-work.ts'
import type { Database } from '../../database.ts'
import {
  auditLog,
  broadcastChunks,
  chatMessages,
  conversations,
  coupons,
  faqAsks,
  idempotencyKeys,
  journeyRuns,
  memberAttributes,
  memberNotes,
  memberProfiles,
  members,
  memberTags,
  messageContents,
  outbox,
  pointLedger,
  referralCodes,
  referrals,
  staffAlerts,
  surveyAnswers,
  surveyResponses,
  surveySessions,
  webhookEvents,
} from '../../schema.ts'

/**
 * Erasure: what still waits to be sent to them, and the plan that erases or anonymises their
 * personal data in every table that holds it (one atomic batch).
 */
export function createPrivacyErasure(
  db: Database,
): Pick<PrivacyStore, 'pendingMessages' | 'eraseWrites'> {
  return {
    async pendingMessages(lineUserId) {
      const [row] = (await db.all(
        sql`SELECT count(*) AS n FROM outbox WHERE line_user_id = ${lineUserId} AND status = 'pending'`,
      )) as { n: number }[]
      const [chunks] = (await db.all(
        sql`SELECT count(*) AS n FROM broadcast_chunks WHERE status = 'pending' AND instr("to", ${JSON.stringify(lineUserId)}) > 0`,
      )) as { n: number }[]
      return Number(row?.n ?? 0) + Number(chunks?.n ?? 0)
    },

    eraseWrites(member, marker, now) {
      const { id, lineUserId: uid } = member
      const quoted = JSON.stringify(uid)
      const writes: Write[] = [
        // The conversation: what they wrote and were sent, images they sent, the inbox thread.
        db
          .delete(messageContents)
          .where(
            inArray(
              messageContents.chatMessageId,
              db
                .select({ id: chatMessages.id })
                .from(chatMessages)
                .where(eq(chatMessages.memberId, id)),
            ),
          ),
        db.delete(chatMessages).where(eq(chatMessages.memberId, id)),
        db
          .update(staffAlerts)
          .set({
            summary: '（個人データを削除した会員についての通知です）',
            conversationId: null,
            resolvedAt: sql`coalesce(${staffAlerts.resolvedAt}, ${now})`,
          })
          .where(eq(staffAlerts.memberId, id)),
        db.delete(conversations).where(eq(conversations.memberId, id)),
        db
          .update(faqAsks)
          .set({ text: '（削除済み）', dismissedAt: sql`coalesce(${faqAsks.dismissedAt}, ${now})` })
          .where(eq(faqAsks.memberId, id)),
        // LINE's events as received (payloads hold their ID, name and texts).
        db
          .delete(webhookEvents)
          .where(
            or(
              eq(webhookEvents.lineUserId, uid),
              sql`instr(${webhookEvents.payload}, ${quoted}) > 0`,
            ),
          ),
        // Never messaged again: waiting messages cancelled, sent ones emptied of their text.
        db
          .update(outbox)
          .set({
            status: sql`CASE WHEN ${outbox.status} = 'pending' THEN 'skipped' ELSE ${outbox.status} END`,
            lastError: sql`CASE WHEN ${outbox.status} = 'pending' THEN 'member_erased' ELSE ${outbox.lastError} END`,
            lineUserId: marker,
            messages: '[]',
            replyToken: null,
            dedupeKey: sql`replace(${outbox.dedupeKey}, ${uid}, ${marker})`,
          })
          .where(eq(outbox.lineUserId, uid)),
        // Broadcast chunks not yet sent lose them (a chunk left empty is cancelled); sent ones
        // keep their alignment with member_ids, the ID replaced by the marker.
        db
          .update(broadcastChunks)
          .set({
            to: sql`(SELECT json_group_array(j.value) FROM json_each("broadcast_chunks"."to") j WHERE j.value <> ${uid})`,
            memberIds: sql`(SELECT json_group_array(j.value) FROM json_each("broadcast_chunks"."member_ids") j WHERE j.value <> ${id})`,
            recipientCount: sql`${broadcastChunks.recipientCount} - 1`,
            status: sql`CASE WHEN ${broadcastChunks.recipientCount} <= 1 THEN 'cancelled' ELSE ${broadcastChunks.status} END`,
          })
          .where(
            and(
              eq(broadcastChunks.status, 'pending'),
              sql`instr("broadcast_chunks"."to", ${quoted}) > 0`,
            ),
          ),
        db
          .update(broadcastChunks)
          .set({
            to: sql`replace("broadcast_chunks"."to", ${quoted}, ${JSON.stringify(marker)})`,
            messages: sql`CASE WHEN ${broadcastChunks.kind} = 'push' THEN '[]' ELSE ${broadcastChunks.messages} END`,
          })
          .where(sql`instr("broadcast_chunks"."to", ${quoted}) > 0`),
        // What they told the shop about themselves.
        db.delete(memberProfiles).where(eq(memberProfiles.memberId, id)),
        db.delete(memberAttributes).where(eq(memberAttributes.memberId, id)),
        db.delete(memberTags).where(eq(memberTags.memberId, id)),
        db.delete(memberNotes).where(eq(memberNotes.memberId, id)),
        db.delete(surveySessions).where(eq(surveySessions.memberId, id)),
        db.delete(referralCodes).where(eq(referralCodes.memberId, id)),
        // Survey responses keep choices, ratings and NPS (the results' figures); free text and
        // dates (a birthday question) go, in the JSON and in the answer rows.
        db
          .update(surveyResponses)
          .set({
            answers: sql`coalesce((SELECT json_group_object(j.key, CASE WHEN j.type IN ('array', 'object') THEN json(j.value) ELSE j.value END) FROM json_each("survey_responses"."answers") j WHERE NOT EXISTS (SELECT 1 FROM survey_answers a WHERE a.response_id = "survey_responses"."id" AND a.question_id = j.key AND a.text_value IS NOT NULL)), '{}')`,
          })
          .where(eq(surveyResponses.memberId, id)),
        db
          .delete(surveyAnswers)
          .where(and(eq(surveyAnswers.memberId, id), sql`${surveyAnswers.textValue} IS NOT NULL`)),
        // Ledgers keep their figures; a staff reason may name them.
        db.update(pointLedger).set({ reason: null }).where(eq(pointLedger.memberId, id)),
        // Unused coupons can no longer be used; the welcome coupon's key held their LINE ID.
        db
          .update(coupons)
          .set({ state: 'revoked', revokedAt: now })
          .where(and(eq(coupons.memberId, id), eq(coupons.state, 'issued'))),
        db
          .update(coupons)
          .set({ dedupeKey: sql`replace(${coupons.dedupeKey}, ${uid}, ${marker})` })
          .where(and(eq(coupons.memberId, id), sql`instr(${coupons.dedupeKey}, ${uid}) > 0`)),
        db
          .update(referrals)
          .set({ newcomerLineUserId: marker, updatedAt: now })
          .where(or(eq(referrals.newcomerLineUserId, uid), eq(referrals.newcomerMemberId, id))),
        db
          .update(journeyRuns)
          .set({
            status: 'exited',
            exitReason: 'erased',
            nextDueAt: null,
            lockedUntil: null,
            endedAt: now,
          })
          .where(and(eq(journeyRuns.memberId, id), eq(journeyRuns.status, 'active'))),
        // Audit rows about them keep who did what and when, without the before / after values.
        db
          .update(auditLog)
          .set({ before: null, after: null })
          .where(
            or(
              and(eq(auditLog.targetType, 'member'), eq(auditLog.targetId, String(id))),
              sql`instr(coalesce(${auditLog.before}, '') || coalesce(${auditLog.after}, ''), ${uid}) > 0`,
            ),
          ),
        db
          .delete(idempotencyKeys)
          .where(sql`instr(coalesce(${idempotencyKeys.response}, ''), ${uid}) > 0`),
        // Last: the member row itself (the erasure's audit row follows its changes()).
        db
          .update(members)
          .set({
            lineUserId: marker,
            displayName: null,
            pictureUrl: null,
            statusMessage: null,
            language: null,
            followState: 'blocked',
            followStateAt: now,
            blockedAt: sql`coalesce(${members.blockedAt}, ${now})`,
            erasedAt: now,
            updatedAt: now,
          })
          .where(and(eq(members.id, id), isNull(members.erasedAt))),
      ]
      return writes
    },
  }
}
