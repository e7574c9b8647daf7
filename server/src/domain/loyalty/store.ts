import type { Tier, TierInput } from '@joren/shared'
import type { RowRef, Write } from '../unit-of-work.ts'

/** A member as the loyalty code needs them. */
export interface LoyaltyMember {
  id: number
  memberNumber: string
  lineUserId: string
  language: string | null
  followState: 'following' | 'blocked'
  /** The LINE display name, when known (the register's confirm step shows it). */
  displayName: string | null
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
 * Purchases, tiers and API keys. Reads answer now; `…Write(s)` methods plan writes for one commit
 * (UnitOfWork): `purchaseWrites` plans the purchase row and optionally an idempotency row that
 * remembers the new purchase's ID (the grant is the points ledger's).
 */
export interface LoyaltyStore {
  memberByNumber(memberNumber: string): Promise<LoyaltyMember | null>
  memberById(id: number): Promise<LoyaltyMember | null>
  membersByNumbers(numbers: string[]): Promise<Map<string, LoyaltyMember>>
  purchaseWrites(
    purchase: NewPurchase,
    idempotency: { apiKeyId: number; key: string; requestHash: string; now: number } | null,
    now: number,
  ): Write[]
  /** The ID of the purchase the latest `purchaseWrites` of the same commit inserted. */
  newPurchaseId(): RowRef
  findPurchase(id: number): Promise<PurchaseRecord | null>
  listPurchases(query: {
    memberId?: number
    fromMs?: number
    toMs?: number
    limit: number
  }): Promise<PurchaseRecord[]>
  existingExternalIds(ids: string[]): Promise<Set<string>>
  /** Marks a completed purchase refunded: changes a row only when it was completed. */
  refundWrite(id: number, staffId: number, now: number): Write
  /**
   * Recompute the member's purchase summaries for segments (member_rfm, member_categories) from
   * purchases; go last, in order, in the purchase's or refund's commit. `windowStart` begins the
   * rolling 12 months.
   */
  summaryWrites(memberId: number, windowStart: number, now: number): Write[]
  /** Sum of completed purchases in [from, to]. */
  spendBetween(memberId: number, fromMs: number, toMs: number): Promise<number>
  tiers(): Promise<Tier[]>
  /** Inserts the default tiers when there are none (first writer wins). */
  seedTiers(defaults: TierInput[], now: number): Promise<void>
  /** Plans replacing the tier table (matched by name, so members keep their tier IDs). */
  replaceTiersWrites(tiers: TierInput[], now: number): Promise<Write[]>
  memberTier(memberId: number): Promise<{ tierId: number | null; spend12mYen: number } | null>
  /**
   * The member's rolling spend, the tier unchanged: creates the row (with `tierId`) when there is
   * none, and otherwise never touches its tier (a concurrent change keeps its own).
   */
  memberSpendWrite(memberId: number, tierId: number | null, spend12mYen: number, now: number): Write
  /**
   * A tier change: changes a row only while the member's row is as read (`from`: its tier, or
   * null when there was no row), so of two concurrent recomputes one records the change.
   */
  memberTierChangeWrite(
    memberId: number,
    from: { tierId: number | null } | null,
    to: number | null,
    spend12mYen: number,
    now: number,
  ): Write
  /** Members with a rolling spend, for the daily recompute (keyset by member ID). */
  membersWithSpend(afterId: number, limit: number): Promise<number[]>
  idempotency(apiKeyId: number, key: string): Promise<IdempotencyRecord | null>
  saveIdempotentResponse(
    apiKeyId: number,
    key: string,
    status: number,
    response: string,
  ): Promise<void>
  createApiKeyWrite(input: {
    name: string
    prefix: string
    keyHash: string
    scopes: string[]
    createdBy: number
    now: number
  }): Write
  /** The ID of the key with this hash, inside the commit that creates it. */
  apiKeyIdRef(keyHash: string): RowRef
  apiKeyByHash(hash: string): Promise<ApiKeyRecord | null>
  apiKeyById(id: number): Promise<ApiKeyRecord | null>
  listApiKeys(): Promise<ApiKeyRecord[]>
  /** Revokes a live key: changes a row only when it was not revoked yet. */
  revokeApiKeyWrite(id: number, now: number): Write
  touchApiKey(id: number, now: number): Promise<void>
}
