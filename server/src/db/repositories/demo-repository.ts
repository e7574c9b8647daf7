import { sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type { SQLiteTable } from 'drizzle-orm/sqlite-core'
import type { DemoShopStore } from '../../domain/demo/service.ts'
import type { Atomic } from '../atomic.ts'
import type { Database } from '../database.ts'
import {
  broadcastRecipients,
  broadcasts,
  chatMessages,
  conversations,
  couponMemberCounts,
  coupons,
  couponTemplates,
  journeyRuns,
  journeys,
  journeyStepLog,
  memberProfiles,
  members,
  memberTiers,
  pointBalances,
  pointLedger,
  pointLots,
  purchases,
  settings,
  surveyAnswers,
  surveyResponses,
  surveys,
  surveyVersions,
  tiers,
} from '../schema.ts'

/** Rows per INSERT statement (well under SQLite's bound-parameter limit). */
const ROWS_PER_STATEMENT = 400

/** The demo shop's rows, written as multi-row INSERTs in one atomic batch. */
export function createDemoShopStore(db: Database, atomic: Atomic): DemoShopStore {
  const max = async (table: string) => {
    const [row] = (await db.all(
      sql`SELECT coalesce(max(id), 0) AS n FROM ${sql.identifier(table)}`,
    )) as { n: number }[]
    return Number(row?.n ?? 0)
  }
  return {
    async idBase() {
      const [
        member,
        purchase,
        ledger,
        template,
        coupon,
        survey,
        version,
        response,
        answer,
        conversation,
        chat,
        broadcast,
        journey,
        run,
        stepLog,
        tierMax,
      ] = await Promise.all([
        max('members'),
        max('purchases'),
        max('point_ledger'),
        max('coupon_templates'),
        max('coupons'),
        max('surveys'),
        max('survey_versions'),
        max('survey_responses'),
        max('survey_answers'),
        max('conversations'),
        max('chat_messages'),
        max('broadcasts'),
        max('journeys'),
        max('journey_runs'),
        max('journey_step_log'),
        max('tiers'),
      ])
      return {
        member,
        purchase,
        ledger,
        template,
        coupon,
        survey,
        version,
        response,
        answer,
        conversation,
        chat,
        broadcast,
        journey,
        run,
        stepLog,
        tier: tierMax,
        tiers: await db.select({ id: tiers.id, minSpendYen: tiers.minSpendYen }).from(tiers),
      }
    },

    async write(shop, marker, now) {
      const statements: BatchItem<'sqlite'>[] = [
        db
          .insert(settings)
          .values({ key: marker.key, value: JSON.stringify(marker.value), updatedAt: now }),
      ]
      const add = <T extends SQLiteTable>(table: T, rows: readonly T['$inferInsert'][]) => {
        for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT)
          statements.push(
            db.insert(table).values(rows.slice(i, i + ROWS_PER_STATEMENT) as T['$inferInsert'][]),
          )
      }
      add(tiers, shop.tiers)
      add(members, shop.members)
      add(memberProfiles, shop.profiles)
      add(couponTemplates, shop.templates)
      add(surveys, shop.surveys)
      add(surveyVersions, shop.surveyVersions)
      add(journeys, shop.journeys)
      add(broadcasts, shop.broadcasts)
      add(purchases, shop.purchases)
      add(pointLedger, shop.ledger)
      add(pointLots, shop.lots)
      add(pointBalances, shop.balances)
      add(memberTiers, shop.memberTiers)
      add(coupons, shop.coupons)
      add(couponMemberCounts, shop.memberCounts)
      add(surveyResponses, shop.responses)
      add(surveyAnswers, shop.answers)
      add(conversations, shop.conversations)
      add(chatMessages, shop.chatMessages)
      add(broadcastRecipients, shop.recipients)
      add(journeyRuns, shop.runs)
      add(journeyStepLog, shop.stepLog)
      await atomic(statements as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]])
    },
  }
}
