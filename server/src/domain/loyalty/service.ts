import type {
  ApiPurchase,
  CsvImportResult,
  EarningRule,
  LoyaltySettings,
  PointsSummary,
  Purchase,
  RegisterMember,
  RegisterMemberLookup,
  RegisterPurchase,
  TierInput,
} from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import { verifyCardToken } from '../members/card-token.ts'
import type { Defer } from '../ports.ts'
import { readShopSettings } from '../shop/settings.ts'
import { startOfDayInZone } from '../time.ts'
import { authenticateApiKey, newApiKey, sha256Hex } from './api-keys.ts'
import {
  ApiKeyNotFound,
  CardCodeRefused,
  CsvConflict,
  DuplicateExternalId,
  InvalidCsvEncoding,
  MemberNotFound,
  UnknownCategory,
} from './errors.ts'
import { idempotentPurchase, type PurchaseReply } from './idempotency.ts'
import { importPurchasesCsv } from './import.ts'
import { expirePoints, type ExpiryResult } from './ledger.ts'
import {
  REGISTER_IDEMPOTENCY_NAMESPACE,
  adjustPoints,
  loyaltyTiers,
  purchaseResult,
  recomputeAllTiers,
  recordPurchase,
  refundPurchase,
  type LoyaltyDeps,
} from './loyalty.ts'
import { isUniqueFailure } from './points.ts'
import { EARNING_RULE_KEY, readEarningRule } from './rules.ts'
import type { ApiKeyRecord, LoyaltyMember } from './store.ts'
import { pointsSummary } from './summary.ts'

export type { PurchaseReply } from './idempotency.ts'

export interface LoyaltyServiceDeps extends LoyaltyDeps {
  /** Sandbox: the shop's default name and categories differ. */
  sandbox: boolean
  /** The member card's signing key (the register scans the card's code). */
  cardKey(): Promise<CryptoKey>
  /** Messages were enqueued: start delivering them (after the response on Workers). */
  kickProcessing(defer: Defer): void
}

/** The scope a key needs to record purchases through the integration API. */
export const PURCHASES_WRITE_SCOPE = 'purchases:write'

async function requireMember(
  deps: LoyaltyServiceDeps,
  memberNumber: string,
): Promise<LoyaltyMember> {
  const member = await deps.loyalty.memberByNumber(memberNumber)
  if (!member) throw new MemberNotFound(memberNumber)
  return member
}

/** Category IDs must come from the shop's list (settings). */
async function checkCategories(
  deps: LoyaltyServiceDeps,
  categories: readonly string[],
): Promise<void> {
  const shop = await readShopSettings(deps.settings, deps.sandbox)
  const known = new Set(shop.categories.map((x) => x.id))
  const unknown = categories.filter((x) => !known.has(x))
  if (unknown.length > 0) throw new UnknownCategory(unknown)
}

/** The scanned card's member or the typed number's; an unknown number says so (404). */
async function registerMemberOf(
  deps: LoyaltyServiceDeps,
  input: RegisterMemberLookup,
): Promise<{ member: LoyaltyMember; memberNumber: string }> {
  let memberNumber = input.memberNumber ?? ''
  if (input.cardToken) {
    const check = await verifyCardToken(input.cardToken, deps.clock.now(), await deps.cardKey())
    if (!check.ok) throw new CardCodeRefused(check.error)
    memberNumber = check.memberNumber
  }
  return { member: await requireMember(deps, memberNumber), memberNumber }
}

/**
 * Loyalty: purchases (register, integration API, CSV), refunds, points, tiers, the earning rule
 * and API keys. Every staff change commits with its audit row and its domain events.
 */
export function createLoyaltyService(deps: LoyaltyServiceDeps) {
  const { loyalty, uow } = deps
  const now = () => deps.clock.now()

  async function settings(): Promise<LoyaltySettings> {
    const [rule, tiers] = await Promise.all([readEarningRule(deps.settings), loyaltyTiers(deps)])
    return { rule, tiers }
  }

  return {
    /**
     * POST /api/staff/register/member: the confirm step's name, tier and points, so staff record
     * the purchase for the right person.
     */
    async registerMember(input: RegisterMemberLookup): Promise<RegisterMember> {
      const { member } = await registerMemberOf(deps, input)
      const summary = await pointsSummary(deps, member.id, 0)
      return {
        memberNumber: member.memberNumber,
        displayName: member.displayName,
        tier: summary.tier.tier?.name ?? null,
        balance: summary.balance,
      }
    },

    /**
     * POST /api/staff/register/purchases: a scanned card or a typed member number. A resend with
     * the same requestId gets the first answer; the audit row commits with the purchase.
     */
    async registerPurchase(
      actor: StaffActor,
      input: RegisterPurchase,
      defer: Defer,
    ): Promise<PurchaseReply> {
      const { member, memberNumber } = await registerMemberOf(deps, input)
      await checkCategories(deps, input.categories)
      const key = `register:${input.requestId ?? deps.ids.uuid()}`
      const { cardToken: _ignored, ...hashed } = input
      const requestHash = await sha256Hex(JSON.stringify({ ...hashed, memberNumber }))
      return idempotentPurchase(
        deps,
        { namespace: REGISTER_IDEMPOTENCY_NAMESPACE, key, requestHash },
        async () =>
          purchaseResult(
            await recordPurchase(
              deps,
              {
                member,
                amountYen: input.amountYen,
                categories: input.categories,
                store: input.store ?? null,
                purchasedAt: now(),
                externalId: null,
                source: 'register',
                staffId: actor.id,
                apiKeyId: null,
                idempotency: { apiKeyId: REGISTER_IDEMPOTENCY_NAMESPACE, key, requestHash },
              },
              ({ points, purchaseId }) => [
                uow.audit({
                  staffId: actor.id,
                  action: 'purchase.register',
                  targetType: 'purchase',
                  targetId: purchaseId,
                  before: null,
                  after: { memberNumber, amountYen: input.amountYen, pointsGranted: points },
                }),
              ],
            ),
          ),
        () => deps.kickProcessing(defer),
      )
    },

    /** The live key behind `Authorization: Bearer jk_…` with the scope (401 / 403 otherwise). */
    authenticateApiKey: (authorization: string | undefined, scope: string) =>
      authenticateApiKey(loyalty, authorization, scope),

    /**
     * POST /api/v1/purchases for an authenticated key: `raw` is the body as sent (its hash tells
     * a retry from another request under the same Idempotency-Key).
     */
    async recordApiPurchase(
      apiKey: ApiKeyRecord,
      request: { idempotencyKey: string; raw: string; input: ApiPurchase },
      defer: Defer,
    ): Promise<PurchaseReply> {
      const { input, idempotencyKey: key } = request
      const member = await requireMember(deps, input.memberNumber)
      await checkCategories(deps, input.categories)
      const requestHash = await sha256Hex(request.raw)
      const at = now()
      await loyalty.touchApiKey(apiKey.id, at)
      return idempotentPurchase(
        deps,
        { namespace: apiKey.id, key, requestHash, externalId: input.externalId },
        async () => {
          if (input.externalId) {
            const existing = await loyalty.existingExternalIds([input.externalId])
            if (existing.size > 0) throw new DuplicateExternalId(input.externalId)
          }
          return purchaseResult(
            await recordPurchase(deps, {
              member,
              amountYen: input.amountYen,
              categories: input.categories,
              store: input.store ?? null,
              purchasedAt: input.purchasedAt ? Date.parse(input.purchasedAt) : at,
              externalId: input.externalId ?? null,
              source: 'api',
              staffId: null,
              apiKeyId: apiKey.id,
              idempotency: { apiKeyId: apiKey.id, key, requestHash },
            }),
          )
        },
        () => deps.kickProcessing(defer),
      )
    },

    /** Purchase history, newest first; `from` / `to` are shop-local dates (inclusive). */
    async listPurchases(query: {
      memberNumber?: string
      from?: string
      to?: string
      limit: number
    }): Promise<{ purchases: Purchase[] }> {
      const tz = deps.timeZone
      const member = query.memberNumber ? await requireMember(deps, query.memberNumber) : null
      const purchases = await loyalty.listPurchases({
        memberId: member?.id,
        fromMs: query.from ? startOfDayInZone(query.from, tz) : undefined,
        toMs: query.to ? startOfDayInZone(query.to, tz) + 86_400_000 - 1 : undefined,
        limit: query.limit,
      })
      return { purchases: purchases.map(({ memberId: _memberId, ...p }) => p) }
    },

    /**
     * A purchases CSV (UTF-8 bytes): a dry run reports; a commit writes every row, their events
     * and the audit row together, or nothing.
     */
    async importCsv(
      actor: StaffActor,
      bytes: Uint8Array,
      dryRun: boolean,
      grantPoints = true,
    ): Promise<CsvImportResult> {
      let text: string
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
      } catch {
        throw new InvalidCsvEncoding()
      }
      const shop = await readShopSettings(deps.settings, deps.sandbox)
      try {
        return await importPurchasesCsv(deps, {
          actor,
          text,
          dryRun,
          categoryIds: new Set(shop.categories.map((x) => x.id)),
          grantPoints,
        })
      } catch (error) {
        if (!isUniqueFailure(error)) throw error
        throw new CsvConflict()
      }
    },

    async refund(actor: StaffActor, purchaseId: number) {
      return purchaseResult(await refundPurchase(deps, actor, purchaseId))
    },

    /** A member's ledger, balance and tier as staff see it. */
    async memberPoints(memberNumber: string): Promise<PointsSummary> {
      const member = await requireMember(deps, memberNumber)
      return pointsSummary(deps, member.id, 100)
    },

    /** The signed-in member's own balance, tier and progress, expiry and history. */
    myPoints: (memberId: number): Promise<PointsSummary> => pointsSummary(deps, memberId, 50),

    async adjustPoints(actor: StaffActor, memberNumber: string, points: number, reason: string) {
      const member = await requireMember(deps, memberNumber)
      return adjustPoints(deps, actor, member, points, reason)
    },

    settings,

    async updateRule(actor: StaffActor, rule: EarningRule): Promise<LoyaltySettings> {
      const before = await readEarningRule(deps.settings)
      await uow.commit([
        deps.settings.putWrite(EARNING_RULE_KEY, rule, now()),
        uow.audit({
          staffId: actor.id,
          action: 'loyalty.rule',
          targetType: 'settings',
          targetId: EARNING_RULE_KEY,
          before,
          after: rule,
        }),
      ])
      return settings()
    },

    async updateTiers(actor: StaffActor, tiers: TierInput[]): Promise<LoyaltySettings> {
      const before = await loyaltyTiers(deps)
      const at = now()
      await uow.commit([
        ...(await loyalty.replaceTiersWrites(tiers, at)),
        // Summaries that read the thresholds (the tier-drop instants) follow the event.
        uow.event({
          type: 'loyalty.tiers_changed',
          memberId: null,
          data: { tiers: tiers.length },
          occurredAt: at,
        }),
        uow.audit({
          staffId: actor.id,
          action: 'loyalty.tiers',
          targetType: 'tiers',
          targetId: null,
          before,
          after: tiers,
        }),
      ])
      return settings()
    },

    listApiKeys: async () => ({ keys: await loyalty.listApiKeys() }),

    /** A new key, shown once (only its hash is stored); audited with the key's row. */
    async createApiKey(
      actor: StaffActor,
      input: { name: string; scopes: string[] },
    ): Promise<{ key: string; apiKey: ApiKeyRecord }> {
      const { key, prefix, keyHash } = await newApiKey()
      const scopes = [...new Set(input.scopes)]
      await uow.commit([
        loyalty.createApiKeyWrite({
          name: input.name,
          prefix,
          keyHash,
          scopes,
          createdBy: actor.id,
          now: now(),
        }),
        uow.audit({
          staffId: actor.id,
          action: 'apikey.create',
          targetType: 'api_key',
          targetId: loyalty.apiKeyIdRef(keyHash),
          before: null,
          after: { name: input.name, prefix, scopes },
        }),
      ])
      const apiKey = await loyalty.apiKeyByHash(keyHash)
      if (!apiKey) throw new Error('api key committed but not found')
      return { key, apiKey }
    },

    /** Revokes a key for good; revoking a revoked key changes (and audits) nothing. */
    async revokeApiKey(actor: StaffActor, id: number): Promise<{ apiKey: ApiKeyRecord }> {
      if (!(await loyalty.apiKeyById(id))) throw new ApiKeyNotFound()
      const at = now()
      await uow.commit([
        loyalty.revokeApiKeyWrite(id, at),
        uow.audit(
          {
            staffId: actor.id,
            action: 'apikey.revoke',
            targetType: 'api_key',
            targetId: String(id),
            before: null,
            after: { revokedAt: at },
          },
          { onlyIfChanged: true },
        ),
      ])
      const apiKey = await loyalty.apiKeyById(id)
      if (!apiKey) throw new ApiKeyNotFound()
      return { apiKey }
    },
  }
}

export type LoyaltyService = ReturnType<typeof createLoyaltyService>

/**
 * The periodic loyalty work: expire lots past their expiry (each with `points.expired`) and the
 * daily tier pass (each actual change with `tier.changed`).
 */
export function createLoyaltyUpkeep(deps: LoyaltyDeps) {
  return {
    expirePoints: (at: number): Promise<ExpiryResult> =>
      expirePoints(
        { points: deps.points, uow: deps.uow, now: () => deps.clock.now(), pace: deps.pace },
        at,
      ),
    recomputeAllTiers: (): Promise<number> => recomputeAllTiers(deps),
  }
}
