import type { Tier, TierInput } from '@joren/shared'

/** A member as the loyalty code needs them. */
export interface LoyaltyMember {
  id: number
  memberNumber: string
  lineUserId: string
  language: string | null
  followState: 'following' | 'blocked'
}

export interface PurchaseRecord {
  id: number
  memberId: number
  memberNumber: string
  amountYen: number
  categories: string[]
  store: string | null
  purchasedAt: number
  externalId: string | null
  source: 'register' | 'api' | 'csv'
  status: 'completed' | 'refunded'
  pointsGranted: number
  refundedAt: number | null
}

export interface NewPurchase {
  memberId: number
  amountYen: number
  categories: string[]
  store: string | null
  purchasedAt: number
  externalId: string | null
  source: 'register' | 'api' | 'csv'
  staffId: number | null
  apiKeyId: number | null
  pointsGranted: number
  /** For the grant: its ledger dedupe key and when it expires (omit when no points). */
  grant: { dedupeKey: string; expiresAt: number } | null
}

export interface IdempotencyRecord {
  requestHash: string
  status: number | null
  response: string | null
  purchaseId: number | null
}

export interface ApiKeyRecord {
  id: number
  name: string
  prefix: string
  scopes: string[]
  createdAt: number
  lastUsedAt: number | null
  revokedAt: number | null
}

/**
 * Purchases, tiers and API keys. `purchaseStatements` plans a purchase for an `Atomic` batch: the
 * purchase row, its grant (ledger row pointing at the new purchase, lot, balance) and optionally
 * an idempotency row that remembers the new purchase's ID. `S` is the database statement type.
 */
export interface LoyaltyStore<S = unknown> {
  memberByNumber(memberNumber: string): Promise<LoyaltyMember | null>
  memberById(id: number): Promise<LoyaltyMember | null>
  membersByNumbers(numbers: string[]): Promise<Map<string, LoyaltyMember>>
  purchaseStatements(
    purchase: NewPurchase,
    idempotency: { apiKeyId: number; key: string; requestHash: string; now: number } | null,
    now: number,
  ): S[]
  findPurchase(id: number): Promise<PurchaseRecord | null>
  listPurchases(query: {
    memberId?: number
    fromMs?: number
    toMs?: number
    limit: number
  }): Promise<PurchaseRecord[]>
  existingExternalIds(ids: string[]): Promise<Set<string>>
  /** Marks a completed purchase refunded (conditional on status = 'completed'). */
  refundStatement(id: number, staffId: number, now: number): S
  /**
   * Recompute the member's purchase summaries for segments (member_rfm, member_categories) from
   * purchases; go last, in order, in the purchase's or refund's batch. `windowStart` begins the
   * rolling 12 months.
   */
  summaryStatements(memberId: number, windowStart: number, now: number): S[]
  /** Sum of completed purchases in [from, to]. */
  spendBetween(memberId: number, fromMs: number, toMs: number): Promise<number>
  tiers(): Promise<Tier[]>
  /** Inserts the default tiers when there are none (first writer wins). */
  seedTiers(defaults: TierInput[], now: number): Promise<void>
  /** Plans replacing the tier table (matched by name, so members keep their tier IDs). */
  replaceTiersStatements(tiers: TierInput[], now: number): Promise<S[]>
  memberTier(memberId: number): Promise<{ tierId: number | null; spend12mYen: number } | null>
  saveMemberTier(
    memberId: number,
    tierId: number | null,
    spend12mYen: number,
    now: number,
  ): Promise<void>
  /** Members with a rolling spend, for the daily recompute (keyset by member ID). */
  membersWithSpend(afterId: number, limit: number): Promise<number[]>
  idempotency(apiKeyId: number, key: string): Promise<IdempotencyRecord | null>
  saveIdempotentResponse(
    apiKeyId: number,
    key: string,
    status: number,
    response: string,
  ): Promise<void>
  createApiKey(input: {
    name: string
    prefix: string
    keyHash: string
    scopes: string[]
    createdBy: number
    now: number
  }): Promise<ApiKeyRecord>
  apiKeyByHash(hash: string): Promise<ApiKeyRecord | null>
  listApiKeys(): Promise<ApiKeyRecord[]>
  revokeApiKey(id: number, now: number): Promise<ApiKeyRecord | null>
  touchApiKey(id: number, now: number): Promise<void>
}
