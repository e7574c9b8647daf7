import type { StaffActor } from '../audit/audit.ts'
import { newApiKey } from './api-keys.ts'
import { ApiKeyNotFound } from './errors.ts'
import type { LoyaltyServiceDeps } from './service-support.ts'
import type { ApiKeyRecord } from './store.ts'

/** The integration API's keys: listed, created (shown once), revoked. */
export function createApiKeyCommands(deps: LoyaltyServiceDeps) {
  const { loyalty, uow } = deps
  const now = () => deps.clock.now()

  return {
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
