import type { AuditEntryInput } from '../audit/audit.ts'
import { localeOf, type Locale } from '../chat/texts.ts'
import type { Member } from '../members/members.ts'
import type { LineMessage } from '../messaging/messenger.ts'
import type { Clock } from '../ports.ts'
import { readShopSettings, type SettingsStore } from '../shop/settings.ts'
import { nameValue } from '../texts/catalogue.ts'
import { DEFAULT_TEXT_SOURCE, type ShopTextSource } from '../texts/texts.ts'
import type { UnitOfWork, Write } from '../unit-of-work.ts'
import { businessHoursOf, describeBusinessHours, isWithinBusinessHours } from './business-hours.ts'
import type { ConversationStore, OpenReason, StaffAlertStore } from './ports.ts'

/** What hand-over needs; built by `composeSupport()` in server/src/compose/support.ts. */
export interface SupportDeps {
  conversations: ConversationStore
  alerts: StaffAlertStore
  settings: SettingsStore
  /** Commits an opening with its domain event, its staff alert and (staff) its audit row. */
  uow: UnitOfWork
  clock: Clock
  /** The shop's time zone (SHOP_TIMEZONE): business hours are in it. */
  timeZone: string
  /** Sandbox mode changes only the default shop settings. */
  sandbox: boolean
  /** The shop's texts (the acknowledgements); the defaults when absent. */
  texts?: ShopTextSource
}

/** The staff alert that goes with an opening. */
export type OpeningAlert =
  /** Raised only when this opening (re)opened the conversation: once per cycle. */
  | { kind: 'new_conversation'; summary: string }
  /** Raised whatever state the conversation was in, once per key (e.g. per survey response). */
  | { kind: 'low_score'; summary: string; surveyResponseId: number; dedupeKey: string }

export interface OpenedConversation {
  conversationId: number
  cycle: number
  /** This call created the conversation (cycle 1). */
  created: boolean
  /** This call reopened a closed conversation as a new cycle. */
  reopened: boolean
}

const ALERT_SUMMARY_MAX = 500

/**
 * Opens the member's conversation, or reopens a closed one as a new cycle (one conversation per
 * member); open and pending conversations are left as they are. The opening, its
 * `conversation.opened` domain event, the alert and the audit row (when staff open it) commit
 * together. The event's dedupe key is the member's conversation cycle, so a replayed webhook
 * event (or a rival hand-over) records it once: the second attempt finds the cycle open and
 * changes nothing.
 */
export async function openConversation(
  deps: Pick<SupportDeps, 'conversations' | 'alerts' | 'uow'>,
  input: {
    memberId: number
    reason: OpenReason
    at: number
    alert?: OpeningAlert
    /** Staff opened it: the audit row, written only when the conversation (re)opened. */
    audit?: Omit<AuditEntryInput, 'targetId' | 'targetType'>
  },
): Promise<OpenedConversation> {
  const { conversations, alerts, uow } = deps
  const { memberId, reason, at } = input
  const opening = {
    memberId,
    reason,
    at,
    countLatestInbound: reason === 'unanswered' || reason === 'ask_staff',
  }
  const before = await conversations.findByMember(memberId)
  const writes: Write[] = []
  const cycle = before === null ? 1 : before.status === 'closed' ? before.cycle + 1 : null
  if (cycle !== null) {
    writes.push(
      before === null
        ? conversations.createWrite(opening)
        : conversations.reopenWrite({ ...opening, fromCycle: before.cycle }),
      // Each conditional write below follows the one before it: all only when this (re)opened.
      uow.event(
        {
          type: 'conversation.opened',
          memberId,
          data: { conversationId: conversations.idOf(memberId), reason },
          occurredAt: at,
          dedupeKey: `conversation.opened:member:${memberId}:cycle:${cycle}`,
        },
        { onlyIfChanged: true },
      ),
    )
    if (input.alert?.kind === 'new_conversation') {
      writes.push(
        alerts.raiseWrite(
          {
            kind: 'new_conversation',
            memberId,
            conversationId: conversations.idOf(memberId),
            summary: input.alert.summary.slice(0, ALERT_SUMMARY_MAX),
            dedupeKey: conversations.cycleKeyOf(memberId),
            at,
          },
          { onlyIfChanged: true },
        ),
      )
    }
    if (input.audit) {
      writes.push(
        uow.audit(
          { ...input.audit, targetType: 'conversation', targetId: conversations.idOf(memberId) },
          { onlyIfChanged: true },
        ),
      )
    }
  }
  if (input.alert?.kind === 'low_score') {
    writes.push(
      alerts.raiseWrite({
        kind: 'low_score',
        memberId,
        conversationId: conversations.idOf(memberId),
        surveyResponseId: input.alert.surveyResponseId,
        summary: input.alert.summary.slice(0, ALERT_SUMMARY_MAX),
        dedupeKey: input.alert.dedupeKey,
        at,
      }),
    )
  }
  await uow.commit(writes)
  const after = await conversations.findByMember(memberId)
  if (!after) throw new Error(`conversation of member ${memberId} vanished`)
  // Ours when it is the cycle we planned, opened at our time (a rival's would be the same cycle).
  const ours = cycle !== null && after.cycle === cycle && after.openedAt === at
  return {
    conversationId: after.id,
    cycle: after.cycle,
    created: ours && before === null,
    reopened: ours && before !== null,
  }
}

/**
 * Hands the member over to staff: opens (or reopens) their conversation, alerting staff in the
 * same commit when it (re)opened, and returns the acknowledgement — once per conversation cycle,
 * `[]` otherwise. A crash between claiming the acknowledgement and sending it loses it rather
 * than doubling it.
 */
export async function handOver(
  deps: SupportDeps,
  input: {
    member: Member
    reason: 'unanswered' | 'ask_staff'
    at: number
    /** What the customer sent (text, or '[画像]' / '[スタンプ]'): the staff alert quotes it. */
    quote?: string | null
  },
): Promise<LineMessage[]> {
  const { member, reason, at } = input
  const opened = await openConversation(deps, {
    memberId: member.id,
    reason,
    at,
    alert: {
      kind: 'new_conversation',
      summary: newConversationSummary(member, reason, input.quote ?? null),
    },
  })
  if (!(await deps.conversations.claimAck(opened.conversationId, at))) return []
  return [await acknowledgement(deps, localeOf(member.language), at, member.displayName)]
}

/** Open or pending: staff are handling the member, so the bot stays quiet. */
export async function conversationIsOpen(deps: SupportDeps, memberId: number): Promise<boolean> {
  const conversation = await deps.conversations.findByMember(memberId)
  return conversation !== null && conversation.status !== 'closed'
}

const QUOTE_MAX = 120

/** The staff alert's line: who, why, and what they sent, quoted (cut at 120 characters). */
export function newConversationSummary(
  member: Pick<Member, 'displayName' | 'memberNumber'>,
  reason: 'unanswered' | 'ask_staff',
  quote: string | null = null,
): string {
  const who = member.displayName ? `${member.displayName}さん` : '会員'
  const why = reason === 'ask_staff' ? 'スタッフへの質問' : 'ボットが答えられなかったメッセージ'
  const line = `${who}（会員番号 ${member.memberNumber}）から新しいお問い合わせ: ${why}`
  const said = quote?.replace(/\s+/g, ' ').trim()
  if (!said) return line
  const chars = [...said]
  const cut = chars.length > QUOTE_MAX ? `${chars.slice(0, QUOTE_MAX).join('')}…` : said
  return `${line}「${cut}」`
}

/**
 * The acknowledgement, worded for whether the shop is open right now (business hours with
 * holidays and special days, in the shop's time zone): the shop's `ack_open` / `ack_closed` text.
 */
export async function acknowledgement(
  deps: Pick<SupportDeps, 'settings' | 'sandbox' | 'timeZone' | 'texts'>,
  locale: Locale,
  at: number,
  displayName?: string | null,
): Promise<LineMessage> {
  const settings = await readShopSettings(deps.settings, deps.sandbox)
  const hours = businessHoursOf(settings)
  const open = isWithinBusinessHours(hours, at, deps.timeZone)
  const text = await (deps.texts ?? DEFAULT_TEXT_SOURCE).render(
    open ? 'ack_open' : 'ack_closed',
    locale,
    {
      name: nameValue(displayName, locale),
      shop: settings.name,
      hours: describeBusinessHours(hours, locale),
    },
  )
  return { type: 'text', text }
}
