import type { ExportRow, MemberExportTable, ShopExportTable } from '@joren/shared'
import { and, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm'
import type { PrivacyMember, PrivacyStore } from '../../domain/privacy/store.ts'
import type { Write } from '../../domain/unit-of-work.ts'
import type { Database } from '../database.ts'
import {
  auditLog,
  broadcastChunks,
  chatMessages,
  conversations,
  coupons,
  faqAsks,
  idempotencyKeys,
  journeyRuns,
  memberAgreements,
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
} from '../schema.ts'

/** Epoch ms → ISO 8601 (UTC) in SQL, for exports people read. */
const iso = (column: string): SQL =>
  sql.raw(
    `CASE WHEN ${column} IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%fZ', ${column} / 1000.0, 'unixepoch') END`,
  )

/**
 * Members' data rights over SQLite / D1: one member's export (their rows only, never another
 * member's identifiers), the erasure plan (every table that holds their personal data, one
 * atomic batch), the whole-shop export by keyset pages, agreements and deletion requests.
 */
export function createPrivacyStore(db: Database): PrivacyStore {
  const all = async (q: SQL): Promise<ExportRow[]> => (await db.all(q)) as ExportRow[]
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

    async memberExport(member) {
      const id = member.id
      const tables: Record<MemberExportTable, ExportRow[]> = {
        profile: await all(sql`
          SELECT m.member_number, m.line_user_id, m.display_name, m.picture_url, m.status_message,
            m.language, m.follow_state, ${iso('m.first_followed_at')} AS first_followed_at,
            ${iso('m.followed_at')} AS followed_at, ${iso('m.blocked_at')} AS blocked_at,
            ${iso('m.created_at')} AS registered_at, ${iso('m.erased_at')} AS erased_at,
            p.birthday, p.gender, p.prefecture, p.interests,
            (SELECT balance FROM point_balances WHERE member_id = m.id) AS points_balance,
            (SELECT t.name FROM member_tiers mt JOIN tiers t ON t.id = mt.tier_id WHERE mt.member_id = m.id) AS tier,
            (SELECT spend_12m_yen FROM member_tiers WHERE member_id = m.id) AS spend_12m_yen
          FROM members m LEFT JOIN member_profiles p ON p.member_id = m.id
          WHERE m.id = ${id}`),
        purchases: await all(sql`
          SELECT id AS purchase_id, amount_yen, categories, store, ${iso('purchased_at')} AS purchased_at,
            external_id, source, status, points_granted, ${iso('refunded_at')} AS refunded_at
          FROM purchases WHERE member_id = ${id} ORDER BY id`),
        points: await all(sql`
          SELECT id AS ledger_id, kind, points, ${iso('expires_at')} AS expires_at, purchase_id,
            coupon_id, reason, ${iso('created_at')} AS created_at
          FROM point_ledger WHERE member_id = ${id} ORDER BY id`),
        stamps: await all(sql`
          SELECT id AS ledger_id, kind, stamps, purchase_id, card_no, coupon_id,
            ${iso('created_at')} AS created_at
          FROM stamp_ledger WHERE member_id = ${id} ORDER BY id`),
        coupons: await all(sql`
          SELECT c.id AS coupon_id, t.title, c.source, c.state, ${iso('c.issued_at')} AS issued_at,
            ${iso('c.expires_at')} AS expires_at, ${iso('c.redeemed_at')} AS redeemed_at,
            ${iso('c.revoked_at')} AS revoked_at
          FROM coupons c JOIN coupon_templates t ON t.id = c.template_id
          WHERE c.member_id = ${id} ORDER BY c.id`),
        surveyAnswers: await all(sql`
          SELECT r.id AS response_id, s.title AS survey, r.channel, r.answers, r.nps_score,
            ${iso('r.submitted_at')} AS submitted_at
          FROM survey_responses r JOIN surveys s ON s.id = r.survey_id
          WHERE r.member_id = ${id} ORDER BY r.id`),
        conversation: await all(sql`
          SELECT id AS message_id, direction, kind, text, origin, via, delivery,
            ${iso('created_at')} AS created_at
          FROM chat_messages WHERE member_id = ${id} ORDER BY id`),
        faqQuestions: await all(sql`
          SELECT id AS question_id, text, outcome, feedback, ${iso('created_at')} AS created_at
          FROM faq_asks WHERE member_id = ${id} ORDER BY id`),
        journeys: await all(sql`
          SELECT r.id AS run_id, j.name AS journey, r.status, r.exit_reason,
            ${iso('r.entered_at')} AS entered_at, ${iso('r.ended_at')} AS ended_at,
            (SELECT count(*) FROM journey_step_log l WHERE l.run_id = r.id AND l.outcome = 'sent') AS steps_sent
          FROM journey_runs r JOIN journeys j ON j.id = r.journey_id
          WHERE r.member_id = ${id} ORDER BY r.id`),
        // Their own side of each referral only: never the other person's LINE user ID or number.
        referrals: await all(sql`
          SELECT id AS referral_id,
            CASE WHEN referrer_member_id = ${id} THEN 'referrer' ELSE 'newcomer' END AS role,
            status, ${iso('claimed_at')} AS claimed_at, ${iso('joined_at')} AS joined_at,
            ${iso('qualified_at')} AS qualified_at,
            CASE WHEN referrer_member_id = ${id} THEN referrer_reward ELSE newcomer_reward END AS reward,
            (SELECT code FROM referral_codes WHERE member_id = ${id}) AS own_code
          FROM referrals
          WHERE referrer_member_id = ${id} OR newcomer_member_id = ${id}
            OR newcomer_line_user_id = ${member.lineUserId}
          ORDER BY id`),
        consent: await all(sql`
          SELECT marketing_choice, marketing_consent, ${iso('consent_updated_at')} AS consent_updated_at
          FROM member_profiles WHERE member_id = ${id}`),
        agreements: await all(sql`
          SELECT document, version, ${iso('agreed_at')} AS agreed_at
          FROM member_agreements WHERE member_id = ${id} ORDER BY agreed_at, document`),
        attributes: await all(sql`
          SELECT key, value, source, ${iso('updated_at')} AS updated_at
          FROM member_attributes WHERE member_id = ${id} ORDER BY key, value`),
        tags: await all(sql`
          SELECT t.name AS tag, ${iso('mt.created_at')} AS tagged_at
          FROM member_tags mt JOIN tags t ON t.id = mt.tag_id WHERE mt.member_id = ${id}
          ORDER BY t.name`),
        notes: await all(sql`
          SELECT id AS note_id, body, ${iso('created_at')} AS created_at
          FROM member_notes WHERE member_id = ${id} ORDER BY id`),
      }
      return tables
    },

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

    async shopExportPage(table, afterId, limit) {
      const query: Record<ShopExportTable, SQL> = {
        members: sql`
          SELECT m.id AS _id, m.member_number,
            CASE WHEN m.erased_at IS NULL THEN m.line_user_id END AS line_user_id,
            m.display_name, m.follow_state, ${iso('m.followed_at')} AS followed_at,
            ${iso('m.created_at')} AS registered_at, ${iso('m.erased_at')} AS erased_at,
            p.birthday, p.gender, p.prefecture, p.interests, p.marketing_choice,
            (SELECT balance FROM point_balances WHERE member_id = m.id) AS points_balance,
            (SELECT t.name FROM member_tiers mt JOIN tiers t ON t.id = mt.tier_id WHERE mt.member_id = m.id) AS tier
          FROM members m LEFT JOIN member_profiles p ON p.member_id = m.id
          WHERE m.id > ${afterId} ORDER BY m.id LIMIT ${limit}`,
        purchases: sql`
          SELECT x.id AS _id, x.id AS purchase_id, m.member_number, x.amount_yen, x.categories, x.store,
            ${iso('x.purchased_at')} AS purchased_at, x.external_id, x.source, x.status,
            x.points_granted, ${iso('x.refunded_at')} AS refunded_at
          FROM purchases x JOIN members m ON m.id = x.member_id
          WHERE x.id > ${afterId} ORDER BY x.id LIMIT ${limit}`,
        points: sql`
          SELECT x.id AS _id, x.id AS ledger_id, m.member_number, x.kind, x.points,
            ${iso('x.expires_at')} AS expires_at, x.purchase_id, x.coupon_id, x.reason,
            ${iso('x.created_at')} AS created_at
          FROM point_ledger x JOIN members m ON m.id = x.member_id
          WHERE x.id > ${afterId} ORDER BY x.id LIMIT ${limit}`,
        coupons: sql`
          SELECT x.id AS _id, x.id AS coupon_id, m.member_number, t.title, x.source, x.state,
            ${iso('x.issued_at')} AS issued_at, ${iso('x.expires_at')} AS expires_at,
            ${iso('x.redeemed_at')} AS redeemed_at
          FROM coupons x JOIN members m ON m.id = x.member_id JOIN coupon_templates t ON t.id = x.template_id
          WHERE x.id > ${afterId} ORDER BY x.id LIMIT ${limit}`,
        responses: sql`
          SELECT x.id AS _id, x.id AS response_id, m.member_number, s.title AS survey, x.channel,
            x.answers, x.nps_score, ${iso('x.submitted_at')} AS submitted_at
          FROM survey_responses x JOIN members m ON m.id = x.member_id JOIN surveys s ON s.id = x.survey_id
          WHERE x.id > ${afterId} ORDER BY x.id LIMIT ${limit}`,
      }
      const raw = await all(query[table])
      const lastId = raw.length > 0 ? Number(raw[raw.length - 1]!._id) : null
      const rows = raw.map(({ _id: _ignored, ...rest }) => rest)
      return { rows, lastId }
    },

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
          sql`SELECT NULL, 'data_request', ${memberId}, NULL, NULL, ${summary}, ${`data_request:${memberId}:${now}`}, ${now}, NULL, NULL
            WHERE NOT EXISTS (SELECT 1 FROM staff_alerts WHERE member_id = ${memberId} AND kind = 'data_request' AND resolved_at IS NULL)`,
        )
        .onConflictDoNothing({ target: staffAlerts.dedupeKey })
    },
  }
}
