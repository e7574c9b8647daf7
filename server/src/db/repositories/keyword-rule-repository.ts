import type { KeywordReply, KeywordRule, KeywordRuleInput } from '@joren/shared'
import { and, asc, desc, eq, sql } from 'drizzle-orm'
import type { KeywordRuleStore } from '../../domain/faq/store.ts'
import type { Database } from '../database.ts'
import { rowRef } from '../row-ref.ts'
import { keywordRules } from '../schema.ts'

type Row = typeof keywordRules.$inferSelect

function ruleOf(row: Row): KeywordRule {
  return {
    id: row.id,
    match: row.match,
    pattern: row.pattern,
    reply: JSON.parse(row.reply) as KeywordReply,
    priority: row.priority,
    enabled: row.enabled,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}

const TRY_ORDER = [desc(keywordRules.priority), asc(keywordRules.id)]

export function createKeywordRuleRepository(db: Database): KeywordRuleStore {
  return {
    async listEnabled() {
      const rows = await db
        .select()
        .from(keywordRules)
        .where(eq(keywordRules.enabled, true))
        .orderBy(...TRY_ORDER)
      return rows.map(ruleOf)
    },
    async list() {
      return (
        await db
          .select()
          .from(keywordRules)
          .orderBy(...TRY_ORDER)
      ).map(ruleOf)
    },
    async find(id) {
      const [row] = await db.select().from(keywordRules).where(eq(keywordRules.id, id))
      return row ? ruleOf(row) : null
    },
    createWrite(input: KeywordRuleInput, now) {
      return db.insert(keywordRules).values({
        match: input.match,
        pattern: input.pattern,
        reply: JSON.stringify(input.reply),
        priority: input.priority,
        enabled: input.enabled,
        createdAt: now,
        updatedAt: now,
      })
    },
    insertedId: () => rowRef(sql`last_insert_rowid()`),
    async latestMatching(input) {
      const [row] = await db
        .select()
        .from(keywordRules)
        .where(
          and(
            eq(keywordRules.match, input.match),
            eq(keywordRules.pattern, input.pattern),
            eq(keywordRules.reply, JSON.stringify(input.reply)),
            eq(keywordRules.priority, input.priority),
            eq(keywordRules.enabled, input.enabled),
          ),
        )
        .orderBy(desc(keywordRules.id))
        .limit(1)
      return row ? ruleOf(row) : null
    },
    updateWrite(id, input, now) {
      return db
        .update(keywordRules)
        .set({
          match: input.match,
          pattern: input.pattern,
          reply: JSON.stringify(input.reply),
          priority: input.priority,
          enabled: input.enabled,
          updatedAt: now,
        })
        .where(eq(keywordRules.id, id))
    },
    removeWrite(id) {
      return db.delete(keywordRules).where(eq(keywordRules.id, id))
    },
  }
}
