import { and, asc, desc, eq, gt, gte, inArray, isNull, lte, sql, type SQL } from 'drizzle-orm'
import type {
  ApiKeyRecord,
  LoyaltyMember,
  LoyaltyStore,
  PurchaseRecord,
} from '../../domain/loyalty/store.ts'
import type { Write } from '../../domain/unit-of-work.ts'
import type { Database } from '../database.ts'
import { rowRef } from '../row-ref.ts'
import { preparedWrite } from '../prepared-write.ts'
import { memberSummaryWrites } from '../segments/rfm.ts'
import { apiKeys, idempotencyKeys, members, memberTiers, purchases, tiers } from '../schema.ts'

const memberColumns = {
  id: members.id,
  memberNumber: members.memberNumber,
  lineUserId: members.lineUserId,
  language: members.language,
  followState: members.followState,
  displayName: members.displayName,
}

const purchaseColumns = {
  id: purchases.id,
  memberId: purchases.memberId,
  memberNumber: members.memberNumber,
  amountYen: purchases.amountYen,
  categories: purchases.categories,
  store: purchases.store,
  purchasedAt: purchases.purchasedAt,
  externalId: purchases.externalId,
  source: purchases.source,
  status: purchases.status,
  pointsGranted: purchases.pointsGranted,
  refundedAt: purchases.refundedAt,
}

const apiKeyColumns = {
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  scopes: apiKeys.scopes,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
}

/** D1 binds at most 100 parameters per statement. */
const IN_CHUNK = 90

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

function toPurchase(
  row: Omit<PurchaseRecord, 'categories'> & { categories: string },
): PurchaseRecord {
  let categories: string[] = []
  try {
    const parsed = JSON.parse(row.categories) as unknown
    if (Array.isArray(parsed)) categories = parsed.map(String)
  } catch {
    categories = []
  }
  return { ...row, categories }
}

function toApiKey(row: Omit<ApiKeyRecord, 'scopes'> & { scopes: string }): ApiKeyRecord {
  return { ...row, scopes: row.scopes.split(' ').filter((s) => s.length > 0) }
}

/**
 * Purchases, tiers and API keys. Recording a purchase through the integration API is a hot path
 * (the register and the POS send them all day): its reads and its writes are prepared once, so
 * drizzle builds no SQL per purchase.
 */
export function createLoyaltyStore(db: Database): LoyaltyStore {
  return { ...purchaseStore(db), ...tierStore(db), ...apiKeyStore(db) }
}

const p = sql.placeholder

type PurchaseStore = Pick<
  LoyaltyStore,
  | 'memberByNumber'
  | 'memberById'
  | 'membersByNumbers'
  | 'summaryWrites'
  | 'purchaseWrites'
  | 'newPurchaseId'
  | 'findPurchase'
  | 'listPurchases'
  | 'existingExternalIds'
  | 'refundWrite'
  | 'idempotency'
  | 'saveIdempotentResponse'
>

function purchaseStore(db: Database): PurchaseStore {
  const memberBy = (column: typeof members.memberNumber | typeof members.id) =>
    db
      .select(memberColumns)
      .from(members)
      .where(eq(column, p('value')))
      .prepare()
  const memberByNumberQuery = memberBy(members.memberNumber)
  const memberByIdQuery = memberBy(members.id)
  const findPurchaseQuery = db
    .select(purchaseColumns)
    .from(purchases)
    .innerJoin(members, eq(members.id, purchases.memberId))
    .where(eq(purchases.id, p('id')))
    .prepare()
  const idempotencyQuery = db
    .select({
      requestHash: idempotencyKeys.requestHash,
      status: idempotencyKeys.status,
      response: idempotencyKeys.response,
    })
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.apiKeyId, p('apiKeyId')), eq(idempotencyKeys.key, p('key'))))
    .prepare()
  const saveResponseStatement = db
    .update(idempotencyKeys)
    .set({ status: sql`${p('status')}`, response: sql`${p('response')}` })
    .where(and(eq(idempotencyKeys.apiKeyId, p('apiKeyId')), eq(idempotencyKeys.key, p('key'))))
    .prepare()
  const insertPurchase = preparedWrite(
    db.insert(purchases).values({
      memberId: p('memberId'),
      amountYen: p('amountYen'),
      categories: p('categories'),
      store: p('store'),
      purchasedAt: p('purchasedAt'),
      externalId: p('externalId'),
      source: p('source'),
      staffId: p('staffId'),
      apiKeyId: p('apiKeyId'),
      pointsGranted: p('pointsGranted'),
      createdAt: p('now'),
    }),
  )
  const insertIdempotency = preparedWrite(
    db.insert(idempotencyKeys).values({
      apiKeyId: p('apiKeyId'),
      key: p('key'),
      requestHash: p('requestHash'),
      status: null,
      // The new purchase's ID, so a replay after a crash can rebuild the response.
      response: sql`'{"purchaseId":' || (select max(${purchases.id}) from ${purchases}) || '}'`,
      createdAt: p('now'),
    }),
  )
  const summaryWrites = memberSummaryWrites(db)

  async function memberOf(
    query: typeof memberByIdQuery,
    value: string | number,
  ): Promise<LoyaltyMember | null> {
    return ((await query.get({ value })) as LoyaltyMember | undefined) ?? null
  }

  return {
    memberByNumber: (memberNumber) => memberOf(memberByNumberQuery, memberNumber),
    memberById: (id) => memberOf(memberByIdQuery, id),

    async membersByNumbers(numbers) {
      const found = new Map<string, LoyaltyMember>()
      for (const part of chunks([...new Set(numbers)], IN_CHUNK)) {
        const rows = await db
          .select(memberColumns)
          .from(members)
          .where(inArray(members.memberNumber, part))
        for (const row of rows) found.set(row.memberNumber, row)
      }
      return found
    },

    summaryWrites: (memberId, windowStart, now) => summaryWrites(memberId, windowStart, now),

    purchaseWrites(purchase, idempotency, now) {
      const statements: Write[] = [
        insertPurchase({
          memberId: purchase.memberId,
          amountYen: purchase.amountYen,
          categories: JSON.stringify(purchase.categories),
          store: purchase.store,
          purchasedAt: purchase.purchasedAt,
          externalId: purchase.externalId,
          source: purchase.source,
          staffId: purchase.staffId,
          apiKeyId: purchase.apiKeyId,
          pointsGranted: purchase.grant ? purchase.pointsGranted : 0,
          now,
        }),
      ]
      if (idempotency) {
        statements.push(
          insertIdempotency({
            apiKeyId: idempotency.apiKeyId,
            key: idempotency.key,
            requestHash: idempotency.requestHash,
            now: idempotency.now,
          }),
        )
      }
      return statements
    },

    newPurchaseId() {
      // Inside one commit the transaction is the only writer: max(id) is the row just added.
      return rowRef(sql`(select max(${purchases.id}) from ${purchases})`)
    },

    async findPurchase(id) {
      const row = (await findPurchaseQuery.get({ id })) as
        | (Omit<PurchaseRecord, 'categories'> & { categories: string })
        | undefined
      return row ? toPurchase(row) : null
    },

    async listPurchases(query) {
      const rows = await db
        .select(purchaseColumns)
        .from(purchases)
        .innerJoin(members, eq(members.id, purchases.memberId))
        .where(
          and(
            query.memberId === undefined ? undefined : eq(purchases.memberId, query.memberId),
            query.fromMs === undefined ? undefined : gte(purchases.purchasedAt, query.fromMs),
            query.toMs === undefined ? undefined : lte(purchases.purchasedAt, query.toMs),
          ),
        )
        .orderBy(desc(purchases.purchasedAt), desc(purchases.id))
        .limit(query.limit)
      return rows.map(toPurchase)
    },

    async existingExternalIds(ids) {
      const found = new Set<string>()
      for (const part of chunks([...new Set(ids)], IN_CHUNK)) {
        const rows = await db
          .select({ externalId: purchases.externalId })
          .from(purchases)
          .where(inArray(purchases.externalId, part))
        for (const row of rows) if (row.externalId) found.add(row.externalId)
      }
      return found
    },

    refundWrite(id, staffId, now) {
      return db
        .update(purchases)
        .set({ status: 'refunded', refundedAt: now, refundedBy: staffId })
        .where(and(eq(purchases.id, id), eq(purchases.status, 'completed')))
    },

    async idempotency(apiKeyId, key) {
      const row = (await idempotencyQuery.get({ apiKeyId, key })) as
        | { requestHash: string; status: number | null; response: string | null }
        | undefined
      if (!row) return null
      let purchaseId: number | null = null
      if (row.status === null && row.response) {
        const parsed = JSON.parse(row.response) as { purchaseId?: number }
        purchaseId = parsed.purchaseId ?? null
      }
      return { ...row, purchaseId }
    },

    async saveIdempotentResponse(apiKeyId, key, status, response) {
      await saveResponseStatement.run({ apiKeyId, key, status, response })
    },
  }
}

type TierStore = Pick<
  LoyaltyStore,
  | 'spendBetween'
  | 'tiers'
  | 'seedTiers'
  | 'replaceTiersWrites'
  | 'memberTier'
  | 'memberSpendWrite'
  | 'memberTierChangeWrite'
  | 'membersWithSpend'
>

function tierStore(db: Database): TierStore {
  const tierListQuery = db
    .select({
      id: tiers.id,
      name: tiers.name,
      minSpendYen: tiers.minSpendYen,
      multiplierPercent: tiers.multiplierPercent,
    })
    .from(tiers)
    .orderBy(asc(tiers.minSpendYen))
    .prepare()
  const spendQuery = db
    .select({ sum: sql<number>`coalesce(sum(${purchases.amountYen}), 0)` })
    .from(purchases)
    .where(
      and(
        eq(purchases.memberId, p('memberId')),
        eq(purchases.status, 'completed'),
        gt(purchases.purchasedAt, p('fromMs')),
        lte(purchases.purchasedAt, p('toMs')),
      ),
    )
    .prepare()
  const memberTierQuery = db
    .select({ tierId: memberTiers.tierId, spend12mYen: memberTiers.spend12mYen })
    .from(memberTiers)
    .where(eq(memberTiers.memberId, p('memberId')))
    .prepare()
  const row = {
    memberId: p('memberId'),
    tierId: p('tierId'),
    spend12mYen: p('spend12mYen'),
    updatedAt: p('now'),
  }
  const spendWrite = preparedWrite(
    db
      .insert(memberTiers)
      .values(row)
      .onConflictDoUpdate({
        target: memberTiers.memberId,
        set: { spend12mYen: sql`excluded.spend_12m_yen`, updatedAt: sql`excluded.updated_at` },
      }),
  )
  const firstTierWrite = preparedWrite(db.insert(memberTiers).values(row).onConflictDoNothing())
  const tierChange = (from: SQL) =>
    preparedWrite(
      db
        .update(memberTiers)
        .set({
          tierId: sql`${p('tierId')}`,
          spend12mYen: sql`${p('spend12mYen')}`,
          updatedAt: sql`${p('now')}`,
        })
        .where(and(eq(memberTiers.memberId, p('memberId')), from)),
    )
  const tierChangeFromNone = tierChange(isNull(memberTiers.tierId))
  const tierChangeFromTier = tierChange(eq(memberTiers.tierId, p('fromTierId')))

  async function tierList() {
    return (await tierListQuery.all()) as Awaited<ReturnType<LoyaltyStore['tiers']>>
  }

  return {
    async spendBetween(memberId, fromMs, toMs) {
      const found = (await spendQuery.get({ memberId, fromMs, toMs })) as
        | { sum: number | null }
        | undefined
      return Number(found?.sum ?? 0)
    },

    tiers: tierList,

    async seedTiers(defaults, now) {
      const [found] = await db.select({ n: sql<number>`count(*)` }).from(tiers)
      if (Number(found?.n ?? 0) > 0) return
      await db
        .insert(tiers)
        .values(defaults.map((t) => ({ ...t, createdAt: now })))
        .onConflictDoNothing()
    },

    async replaceTiersWrites(next, now) {
      const existing = await tierList()
      const byName = new Map(existing.map((t) => [t.name, t]))
      const keep = new Set(next.map((t) => t.name))
      const statements: Write[] = []
      // Clear thresholds first so a swap of two thresholds never trips the UNIQUE index.
      for (const t of existing) {
        statements.push(
          keep.has(t.name)
            ? db.update(tiers).set({ minSpendYen: -t.id }).where(eq(tiers.id, t.id))
            : db.delete(tiers).where(eq(tiers.id, t.id)),
        )
      }
      for (const t of next) {
        const old = byName.get(t.name)
        statements.push(
          old
            ? db
                .update(tiers)
                .set({ minSpendYen: t.minSpendYen, multiplierPercent: t.multiplierPercent })
                .where(eq(tiers.id, old.id))
            : db.insert(tiers).values({ ...t, createdAt: now }),
        )
      }
      return statements
    },

    async memberTier(memberId) {
      const found = (await memberTierQuery.get({ memberId })) as
        | { tierId: number | null; spend12mYen: number }
        | undefined
      return found ?? null
    },

    memberSpendWrite(memberId, tierId, spend12mYen, now) {
      return spendWrite({ memberId, tierId, spend12mYen, now })
    },

    memberTierChangeWrite(memberId, from, to, spend12mYen, now) {
      const values = { memberId, tierId: to, spend12mYen, now }
      if (from === null) return firstTierWrite(values)
      return from.tierId === null
        ? tierChangeFromNone(values)
        : tierChangeFromTier({ ...values, fromTierId: from.tierId })
    },

    async membersWithSpend(afterId, limit) {
      const rows = await db
        .select({ memberId: memberTiers.memberId })
        .from(memberTiers)
        .where(and(gt(memberTiers.memberId, afterId), gt(memberTiers.spend12mYen, 0)))
        .orderBy(asc(memberTiers.memberId))
        .limit(limit)
      return rows.map((r) => r.memberId)
    },
  }
}

type ApiKeyStore = Pick<
  LoyaltyStore,
  | 'createApiKeyWrite'
  | 'apiKeyIdRef'
  | 'apiKeyByHash'
  | 'listApiKeys'
  | 'apiKeyById'
  | 'revokeApiKeyWrite'
  | 'touchApiKey'
>

function apiKeyStore(db: Database): ApiKeyStore {
  const byHashQuery = db
    .select(apiKeyColumns)
    .from(apiKeys)
    .where(eq(apiKeys.keyHash, p('hash')))
    .prepare()
  const touchStatement = db
    .update(apiKeys)
    .set({ lastUsedAt: sql`${p('now')}` })
    .where(eq(apiKeys.id, p('id')))
    .prepare()

  return {
    createApiKeyWrite(input) {
      return db.insert(apiKeys).values({
        name: input.name,
        prefix: input.prefix,
        keyHash: input.keyHash,
        scopes: input.scopes.join(' '),
        createdBy: input.createdBy,
        createdAt: input.now,
      })
    },

    apiKeyIdRef(keyHash) {
      return rowRef(
        sql`(select ${apiKeys.id} from ${apiKeys} where ${apiKeys.keyHash} = ${keyHash})`,
      )
    },

    async apiKeyByHash(hash) {
      const row = (await byHashQuery.get({ hash })) as
        | (Omit<ApiKeyRecord, 'scopes'> & { scopes: string })
        | undefined
      return row ? toApiKey(row) : null
    },

    async listApiKeys() {
      const rows = await db.select(apiKeyColumns).from(apiKeys).orderBy(desc(apiKeys.id))
      return rows.map(toApiKey)
    },

    async apiKeyById(id) {
      const [row] = await db.select(apiKeyColumns).from(apiKeys).where(eq(apiKeys.id, id))
      return row ? toApiKey(row) : null
    },

    revokeApiKeyWrite(id, now) {
      return db
        .update(apiKeys)
        .set({ revokedAt: now })
        .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    },

    async touchApiKey(id, now) {
      await touchStatement.run({ id, now })
    },
  }
}
