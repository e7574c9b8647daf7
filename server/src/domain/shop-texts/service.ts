import {
  SHOP_TEXT_KEYS,
  SHOP_TEXT_LOCALES,
  SHOP_TEXT_PLACEHOLDERS,
  type BusinessHours,
  type ShopTextEntry,
  type ShopTextKey,
  type ShopTextLocale,
  type ShopTextPreview,
  type ShopTextPreviewRequest,
  type ShopTextReset,
  type ShopTexts,
  type ShopTextUpdate,
} from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import { currentTier, type LoyaltyDeps } from '../loyalty/loyalty.ts'
import { MemberNotFound } from '../members/directory.ts'
import { readShopSettings, SHOP_SETTINGS_KEY, type SettingsStore } from '../shop/settings.ts'
import {
  businessHoursOf,
  describeBusinessHours,
  isWithinBusinessHours,
} from '../support/business-hours.ts'
import type { UnitOfWork } from '../unit-of-work.ts'
import {
  DEFAULT_SHOP_TEXTS,
  nameValue,
  renderShopText,
  type ShopTextValues,
} from '../texts/catalogue.ts'
import type { ShopTextStore } from '../texts/store.ts'
import type { ShopTextSource } from '../texts/texts.ts'

export interface ShopTextsDeps {
  store: ShopTextStore
  settings: SettingsStore
  /** A chosen member's real values for the preview (name, points, tier). */
  loyalty: Pick<LoyaltyDeps, 'loyalty' | 'points' | 'uow' | 'clock' | 'timeZone'>
  uow: UnitOfWork
  texts: ShopTextSource
  timeZone: string
  sandbox: boolean
  now(): number
}

const yen = (n: number, locale: ShopTextLocale) =>
  locale === 'ja' ? `${n.toLocaleString('ja-JP')}円` : `¥${n.toLocaleString('en-US')}`
const pt = (n: number) => `${n.toLocaleString('ja-JP')}pt`

/**
 * The shop's texts and business hours (settings → メッセージ文面・営業時間): list, change, reset
 * to the default, preview; every change commits with its audit row.
 */
export function createShopTextsService(deps: ShopTextsDeps) {
  async function entry(key: ShopTextKey, locale: ShopTextLocale): Promise<ShopTextEntry> {
    const stored = await deps.store.find(key, locale)
    return toEntry(key, locale, stored)
  }

  function toEntry(
    key: ShopTextKey,
    locale: ShopTextLocale,
    stored: { body: string; updatedAt: number } | null,
  ): ShopTextEntry {
    const defaultBody = DEFAULT_SHOP_TEXTS[key][locale]
    return {
      key,
      locale,
      body: stored?.body ?? defaultBody,
      defaultBody,
      custom: stored !== null,
      placeholders: [...SHOP_TEXT_PLACEHOLDERS[key]],
      updatedAt: stored?.updatedAt ?? null,
    }
  }

  /** Values for a preview: a sample member, or the chosen member's own. */
  async function previewValues(
    locale: ShopTextLocale,
    memberNumber: string | undefined,
  ): Promise<ShopTextValues> {
    const settings = await readShopSettings(deps.settings, deps.sandbox)
    const now = deps.now()
    const hours = describeBusinessHours(businessHoursOf(settings), locale)
    const expires = new Intl.DateTimeFormat('ja-JP', {
      timeZone: deps.timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(now + 30 * 86_400_000)
    const common = {
      shop: settings.name,
      hours,
      amount: yen(1280, locale),
      points: pt(12),
      coupon: locale === 'ja' ? 'ドリンク1杯無料' : 'Free drink',
      expires,
    }
    if (!memberNumber)
      return {
        ...common,
        name: nameValue(locale === 'ja' ? '山田 花子' : 'Hanako', locale),
        balance: pt(315),
        tier: locale === 'ja' ? 'シルバー' : 'Silver',
        multiplier: '1.5',
      }
    const member = await deps.loyalty.loyalty.memberByNumber(memberNumber)
    if (!member) throw new MemberNotFound()
    const status = await currentTier(deps.loyalty, member.id)
    return {
      ...common,
      name: nameValue(member.displayName, locale),
      balance: pt(await deps.loyalty.points.balance(member.id, now)),
      tier: status.tier?.name ?? null,
      multiplier: String((status.tier?.multiplierPercent ?? 100) / 100),
    }
  }

  return {
    async list(): Promise<ShopTexts> {
      const stored = await deps.store.list()
      const find = (key: ShopTextKey, locale: ShopTextLocale) =>
        stored.find((s) => s.key === key && s.locale === locale) ?? null
      const hours = businessHoursOf(await readShopSettings(deps.settings, deps.sandbox))
      return {
        texts: SHOP_TEXT_KEYS.flatMap((key) =>
          SHOP_TEXT_LOCALES.map((locale) => toEntry(key, locale, find(key, locale))),
        ),
        hours,
        timeZone: deps.timeZone,
        openNow: isWithinBusinessHours(hours, deps.now(), deps.timeZone),
      }
    },

    /** Stores the shop's wording (validated by the shared schema: only allowed placeholders). */
    async update(actor: StaffActor, input: ShopTextUpdate): Promise<ShopTextEntry> {
      const before = await entry(input.key, input.locale)
      await deps.uow.commit([
        deps.store.putWrite({ ...input, staffId: actor.id, now: deps.now() }),
        deps.uow.audit({
          staffId: actor.id,
          action: 'shop_text.update',
          targetType: 'shop_text',
          targetId: `${input.key}:${input.locale}`,
          before: { body: before.body, custom: before.custom },
          after: { body: input.body, custom: true },
        }),
      ])
      return entry(input.key, input.locale)
    },

    /** Back to the built-in default (the stored text is deleted). */
    async reset(actor: StaffActor, input: ShopTextReset): Promise<ShopTextEntry> {
      const before = await entry(input.key, input.locale)
      if (before.custom)
        await deps.uow.commit([
          deps.store.deleteWrite(input.key, input.locale),
          deps.uow.audit({
            staffId: actor.id,
            action: 'shop_text.reset',
            targetType: 'shop_text',
            targetId: `${input.key}:${input.locale}`,
            before: { body: before.body, custom: true },
            after: { body: before.defaultBody, custom: false },
          }),
        ])
      return entry(input.key, input.locale)
    },

    /** The text as a member would get it: `body` (unsaved) or the current text. */
    async preview(input: ShopTextPreviewRequest): Promise<ShopTextPreview> {
      const values = await previewValues(input.locale, input.memberNumber)
      const text =
        input.body === undefined
          ? await deps.texts.render(input.key, input.locale, values)
          : renderShopText(input.key, input.body, input.locale, values)
      return { text, memberNumber: input.memberNumber ?? null }
    },

    /** Weekly hours, holidays and special days (the shop settings row), audited. */
    async updateHours(actor: StaffActor, hours: BusinessHours): Promise<ShopTexts['hours']> {
      const settings = await readShopSettings(deps.settings, deps.sandbox)
      const next = { ...settings, businessHours: hours }
      await deps.uow.commit([
        deps.settings.putWrite(SHOP_SETTINGS_KEY, next, deps.now()),
        deps.uow.audit({
          staffId: actor.id,
          action: 'business_hours.update',
          targetType: 'settings',
          targetId: SHOP_SETTINGS_KEY,
          before: { businessHours: businessHoursOf(settings) },
          after: { businessHours: hours },
        }),
      ])
      return hours
    },
  }
}

export type ShopTextsService = ReturnType<typeof createShopTextsService>
