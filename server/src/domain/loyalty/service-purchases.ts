import type {
  ApiPurchase,
  CsvImportResult,
  Purchase,
  RegisterMember,
  RegisterMemberLookup,
  RegisterPurchase,
} from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import type { Defer } from '../ports.ts'
import { readShopSettings } from '../shop/settings.ts'
import { startOfDayInZone } from '../time.ts'
import { authenticateApiKey, sha256Hex } from './api-keys.ts'
import { CsvConflict, DuplicateExternalId, InvalidCsvEncoding } from './errors.ts'
import { idempotentPurchase, type PurchaseReply } from './idempotency.ts'
import { importPurchasesCsv } from './import.ts'
import {
  REGISTER_IDEMPOTENCY_NAMESPACE,
  purchaseResult,
  recordPurchase,
  refundPurchase,
} from './loyalty.ts'
import { isUniqueFailure } from './points.ts'
import {
  checkCategories,
  registerMemberOf,
  requireMember,
  type LoyaltyServiceDeps,
} from './service-support.ts'
import type { ApiKeyRecord } from './store.ts'
import { pointsSummary } from './summary.ts'

/**
 * Purchases: at the register (a scanned card or a typed number), through the integration API,
 * from a CSV; the history and refunds.
 */
export function createPurchaseCommands(deps: LoyaltyServiceDeps) {
  const { loyalty, uow } = deps
  const now = () => deps.clock.now()

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
  }
}
