import { localeOf, type Locale } from '../chat/texts.ts'
import type { Member } from '../members/members.ts'
import type { LineMessage } from '../messaging/messenger.ts'
import type { Clock } from '../ports.ts'
import { readShopSettings, type SettingsStore } from '../shop/settings.ts'
import { businessHoursOf, describeBusinessHours, isWithinBusinessHours } from './business-hours.ts'
import type { ConversationStore, OpenReason, StaffAlertStore } from './ports.ts'

/** What hand-over needs; built by `supportDeps()` in server/src/support-services.ts. */
export interface SupportDeps {
  conversations: ConversationStore
  alerts: StaffAlertStore
  settings: SettingsStore
  clock: Clock
  /** The shop's time zone (SHOP_TIMEZONE): business hours are in it. */
  timeZone: string
  /** Sandbox mode changes only the default shop settings. */
  sandbox: boolean
}

/**
 * Opens the member's conversation, or reopens a closed one as a new cycle (one conversation per
 * member). Open and pending conversations are left as they are.
 */
export async function openConversation(
  deps: SupportDeps,
  input: { memberId: number; reason: OpenReason; at: number },
): Promise<{ conversationId: number; created: boolean; reopened: boolean }> {
  const opened = await deps.conversations.open({
    ...input,
    countLatestInbound: input.reason === 'unanswered' || input.reason === 'ask_staff',
  })
  return {
    conversationId: opened.conversationId,
    created: opened.created,
    reopened: opened.reopened,
  }
}

/** Records an item for staff (listed in the console, pushed in batches); idempotent by dedupeKey. */
export async function raiseStaffAlert(
  deps: SupportDeps,
  input: {
    kind: 'new_conversation' | 'low_score'
    memberId: number
    conversationId?: number
    surveyResponseId?: number
    summary: string
    dedupeKey: string
    at: number
  },
): Promise<void> {
  await deps.alerts.raise({ ...input, summary: input.summary.slice(0, 500) })
}

/**
 * Hands the member over to staff: opens (or reopens) their conversation, alerts staff when it
 * (re)opened, and returns the acknowledgement — once per conversation cycle, `[]` otherwise.
 * A crash between claiming the acknowledgement and sending it loses it rather than doubling it.
 */
export async function handOver(
  deps: SupportDeps,
  input: { member: Member; reason: 'unanswered' | 'ask_staff'; at: number },
): Promise<LineMessage[]> {
  const { member, reason, at } = input
  const opened = await deps.conversations.open({
    memberId: member.id,
    reason,
    at,
    countLatestInbound: true,
  })
  if (opened.created || opened.reopened) {
    await raiseStaffAlert(deps, {
      kind: 'new_conversation',
      memberId: member.id,
      conversationId: opened.conversationId,
      summary: newConversationSummary(member, reason),
      dedupeKey: `conversation:${opened.conversationId}:cycle:${opened.cycle}`,
      at,
    })
  }
  if (!(await deps.conversations.claimAck(opened.conversationId, at))) return []
  return [await acknowledgement(deps, localeOf(member.language), at)]
}

/** Open or pending: staff are handling the member, so the bot stays quiet. */
export async function conversationIsOpen(deps: SupportDeps, memberId: number): Promise<boolean> {
  const conversation = await deps.conversations.findByMember(memberId)
  return conversation !== null && conversation.status !== 'closed'
}

function newConversationSummary(member: Member, reason: 'unanswered' | 'ask_staff'): string {
  const who = member.displayName ? `${member.displayName}さん` : '会員'
  const why = reason === 'ask_staff' ? 'スタッフへの質問' : 'ボットが答えられなかったメッセージ'
  return `${who}（会員番号 ${member.memberNumber}）から新しいお問い合わせ: ${why}`
}

const ACK: Record<Locale, { open: (hours: string) => string; closed: (hours: string) => string }> =
  {
    ja: {
      open: (hours) =>
        `お問い合わせありがとうございます。担当者に引き継ぎましたので、返信まで少々お待ちください。営業時間: ${hours}`,
      closed: (hours) =>
        `お問い合わせありがとうございます。営業時間内に担当者から返信します。営業時間: ${hours}`,
    },
    en: {
      open: (hours) =>
        `Thank you for your message. A staff member will reply shortly. Business hours: ${hours}`,
      closed: (hours) =>
        `Thank you for your message. A staff member will reply during business hours. Business hours: ${hours}`,
    },
  }

/** The acknowledgement, worded for whether the shop is open right now. */
export async function acknowledgement(
  deps: Pick<SupportDeps, 'settings' | 'sandbox' | 'timeZone'>,
  locale: Locale,
  at: number,
): Promise<LineMessage> {
  const hours = businessHoursOf(await readShopSettings(deps.settings, deps.sandbox))
  const described = describeBusinessHours(hours, locale)
  const text = isWithinBusinessHours(hours, at, deps.timeZone)
    ? ACK[locale].open(described)
    : ACK[locale].closed(described)
  return { type: 'text', text }
}
