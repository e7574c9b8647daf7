import type { MeResponse, Profile, ProfileUpdate, PublicConfig } from '@joren/shared'
import { NotFriend } from '../auth/errors.ts'
import type { BotInfo } from '../auth/id-token.ts'
import type { Clock } from '../ports.ts'
import { readShopSettings, type SettingsStore } from '../shop/settings.ts'
import { issueCardToken } from './card-token.ts'
import { saveProfile, type ProfileRepository } from './profile.ts'

export interface MemberAppDeps {
  profiles: ProfileRepository
  settings: SettingsStore
  botInfo: BotInfo
  /** The member card's HMAC key (made on first use, kept in settings, never logged). */
  cardKey(): Promise<CryptoKey>
  clock: Clock
  sandbox: boolean
  liffId: string | null
}

/**
 * What the member mini-app reads and changes about the signed-in member (always the verified
 * token's member: no member ID ever comes from the request).
 */
export function createMemberAppService(deps: MemberAppDeps) {
  const shop = () => readShopSettings(deps.settings, deps.sandbox)
  return {
    /** What the apps need before sign-in: nothing personal. */
    async publicConfig(): Promise<PublicConfig> {
      const [settings, addFriendUrl] = await Promise.all([shop(), deps.botInfo.addFriendUrl()])
      return {
        liffId: deps.liffId,
        sandbox: deps.sandbox,
        shopName: settings.name,
        addFriendUrl,
      }
    },

    async me(memberId: number): Promise<MeResponse> {
      const [member, profile, settings] = await Promise.all([
        deps.profiles.memberView(memberId),
        deps.profiles.find(memberId),
        shop(),
      ])
      if (!member) throw new NotFriend(await deps.botInfo.addFriendUrl())
      return { member, shop: { name: settings.name }, profile, categories: settings.categories }
    },

    async saveProfile(memberId: number, update: ProfileUpdate): Promise<Profile> {
      const settings = await shop()
      return saveProfile(
        { profiles: deps.profiles, now: () => deps.clock.now() },
        memberId,
        update,
        settings.categories,
      )
    },

    /** The member card's short-lived signed code (QR / barcode at the register). */
    async card(memberNumber: string) {
      return issueCardToken(memberNumber, deps.clock.now(), await deps.cardKey())
    },
  }
}

export type MemberAppService = ReturnType<typeof createMemberAppService>
