import { DomainError } from '../errors.ts'
import type {
  MarketingChoice,
  MeResponse,
  Profile,
  ProfileUpdate,
  PublicConfig,
} from '@joren/shared'
import { NotFriend } from './errors.ts'
import type { BotInfo } from './id-token.ts'
import type { Clock } from '../ports.ts'
import { readMessagingSettings } from '../shop/messaging.ts'
import { readShopSettings, type SettingsStore } from '../shop/settings.ts'
import { issueCardToken } from '../members/card-token.ts'
import { saveProfile, type ProfileRepository } from '../members/profile.ts'

export interface MemberAppDeps {
  profiles: ProfileRepository
  settings: SettingsStore
  botInfo: BotInfo
  /** The member card's HMAC key (made on first use, kept in settings, never logged). */
  cardKey(): Promise<CryptoKey>
  clock: Clock
  sandbox: boolean
  liffId: string | null
  /**
   * Whether the member agreed to the shop's current privacy policy and terms, when the shop has set
   * them (true when it has not): a profile save without that agreement is refused, nothing saved.
   */
  agreedToDocuments?: (memberId: number) => Promise<boolean>
}

/**
 * What the member mini-app reads and changes about the signed-in member (always the verified
 * token's member: no member ID ever comes from the request).
 */
/** A profile save by a member who has not agreed to the current privacy policy and terms. */
export class AgreementRequired extends DomainError {
  constructor() {
    super(
      409,
      'agreement_required',
      'プライバシーポリシーと利用規約への同意が必要です。内容をご確認のうえ、同意してから保存してください。',
    )
  }
}

export function createMemberAppService(deps: MemberAppDeps) {
  const shop = () => readShopSettings(deps.settings, deps.sandbox)
  /** The member's marketing state: whether broadcasts and journeys reach them, and why. */
  async function marketing(memberId: number): Promise<MarketingChoice> {
    const [profile, messaging] = await Promise.all([
      deps.profiles.find(memberId),
      readMessagingSettings(deps.settings),
    ])
    const choice = profile?.marketingChoice ?? null
    return {
      receive: choice === null ? messaging.marketingDefault === 'everyone' : choice === 'in',
      choice,
      marketingDefault: messaging.marketingDefault,
    }
  }
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
      if (deps.agreedToDocuments && !(await deps.agreedToDocuments(memberId)))
        throw new AgreementRequired()
      const settings = await shop()
      return saveProfile(
        { profiles: deps.profiles, now: () => deps.clock.now() },
        memberId,
        update,
        settings.categories,
      )
    },

    marketing,

    /**
     * 「お知らせを受け取らない」: the member's own choice, honoured by every broadcast, journey and
     * count from the next statement on (a broadcast already frozen keeps its recipients); replies
     * and service messages (receipts, answers) are not marketing and still come.
     */
    async setMarketing(memberId: number, receive: boolean): Promise<MarketingChoice> {
      await deps.profiles.setMarketingChoice(memberId, receive ? 'in' : 'out', deps.clock.now())
      return marketing(memberId)
    },

    /** The member card's short-lived signed code (QR / barcode at the register). */
    async card(memberNumber: string) {
      return issueCardToken(memberNumber, deps.clock.now(), await deps.cardKey())
    },
  }
}

export type MemberAppService = ReturnType<typeof createMemberAppService>
