import type { ExportRow, MemberExportTable, ShopExportTable } from '@joren/shared'
import { sql, type SQL } from 'drizzle-orm'
import type { PrivacyStore } from '../../../domain/privacy/store.ts'
import type { Database } from '../../database.ts'
import { allRows, iso } from './rows.ts'

/**
 * The exports: one member's (their rows only, never another member's identifiers) and the
 * whole shop's, by keyset pages.
 */
export function createPrivacyExport(
  db: Database,
): Pick<PrivacyStore, 'memberExport' | 'shopExportPage'> {
  const all = allRows(db)
  return {
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
  }
}
