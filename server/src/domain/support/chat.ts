import type { FaqEntry, KeywordReply } from '@joren/shared'
import type { FaqAnswer, FaqAnswerer } from '../faq/answerer.ts'
import type { FaqAskStore } from '../faq/asks.ts'
import { createKeywordMatcher } from '../faq/keywords.ts'
import { recordFeedback } from '../faq/learning.ts'
import type { KeywordRuleStore } from '../faq/store.ts'
import type { Member } from '../members/members.ts'
import type { LineMessage } from '../messaging/messenger.ts'
import { conversationIsOpen, handOver, type SupportDeps } from './handover.ts'
import type { ChatContext, ChatRouter, Replies } from '../chat/router.ts'
import { localeOf, type Locale } from '../chat/texts.ts'

export interface SupportChatDeps {
  keywordRules: Pick<KeywordRuleStore, 'listEnabled'>
  faq: FaqAnswerer
  support: SupportDeps
  /** What the FAQ stage did with each message and the member's feedback (optional in tests). */
  asks?: FaqAskStore
  /**
   * Shows LINE's loading animation (Messenger.showLoading) when an answer takes longer than
   * `after` ms (the semantic engine's embedding call). Best effort.
   */
  loading?: { show(userId: string, seconds: number): Promise<void>; after: number }
}

/** The loading animation lasts this long at most; the answer's arrival ends it early. */
const LOADING_SECONDS = 10

const TEXT = {
  ja: {
    solved:
      '解決してよかったです！ほかにもご不明な点があれば、いつでもメッセージをお送りください。',
    askStaff: 'スタッフに聞く',
    solvedLabel: '解決した',
    alreadyHandedOver: '担当者にお伝えしています。返信まで少々お待ちください。',
    suggest: 'もしかして、こちらのご質問でしょうか？下のボタンからお選びいただけます。',
    gone: 'この質問の回答は現在ご案内していません。スタッフにお尋ねください。',
  },
  en: {
    solved: 'Glad that helped! Send us a message any time if you have another question.',
    askStaff: 'Ask staff',
    solvedLabel: 'Solved',
    alreadyHandedOver: 'We have passed your message on. A staff member will reply soon.',
    suggest: 'Were you asking one of these? Tap to see the answer.',
    gone: 'This answer is no longer available. Please ask our staff.',
  },
} satisfies Record<Locale, Record<string, string>>

/** LINE's limits: quick-reply labels ≤ 20 characters, displayText ≤ 300. */
const label = (text: string) => Array.from(text).slice(0, 20).join('')
const display = (text: string) => Array.from(text).slice(0, 300).join('')

function postbackItem(text: string, data: string, shown = text) {
  return {
    type: 'action' as const,
    action: { type: 'postback' as const, label: label(text), data, displayText: display(shown) },
  }
}

/** The FAQ answer with 「解決した」 / 「スタッフに聞く」 quick replies. */
/** The ask the member's feedback refers to (`q`), when the message was recorded. */
const askParam = (askId: number | null) => (askId === null ? '' : `&q=${askId}`)

export function faqAnswerMessage(
  entry: FaqEntry,
  locale: Locale,
  askId: number | null = null,
): LineMessage {
  const t = TEXT[locale]
  return {
    type: 'text',
    text: entry.answer,
    quickReply: {
      items: [
        postbackItem(t.solvedLabel, `action=faq_solved&e=${entry.id}${askParam(askId)}`),
        postbackItem(t.askStaff, `action=ask_staff&e=${entry.id}${askParam(askId)}`),
      ],
    },
  }
}

function suggestionMessage(
  suggestions: FaqEntry[],
  locale: Locale,
  askId: number | null,
): LineMessage {
  return {
    type: 'text',
    text: TEXT[locale].suggest,
    quickReply: {
      items: suggestions.map((entry) =>
        postbackItem(entry.questions[0] ?? '', `action=faq_pick&e=${entry.id}${askParam(askId)}`),
      ),
    },
  }
}

/** `q` from a postback: a positive integer or null. */
function askIdOf(params: URLSearchParams): number | null {
  const id = Number(params.get('q'))
  return Number.isSafeInteger(id) && id > 0 ? id : null
}

/** A keyword rule's composer messages as LINE messages; `{name}` becomes the member's name. */
export function keywordReplyMessages(reply: KeywordReply, member: Member): LineMessage[] {
  const name = member.displayName ?? ''
  return reply.map((message) =>
    message.type === 'text'
      ? { type: 'text', text: message.text.replaceAll('{name}', name) }
      : {
          type: 'image',
          originalContentUrl: message.originalContentUrl,
          previewImageUrl: message.previewImageUrl,
        },
  )
}

/**
 * Adds the support fallbacks to the router, after its commands:
 * keyword rules → (staff have an open conversation: stay quiet) → FAQ answer → hand-over, and the
 * postbacks of the FAQ quick replies (解決した, スタッフに聞く, a 「もしかして」 suggestion).
 */
export function registerSupportChat(router: ChatRouter, deps: SupportChatDeps): ChatRouter {
  const keywords = createKeywordMatcher()
  // The FAQ stage's result for this message, reused by the hand-over stage for suggestions.
  const faqResults = new WeakMap<ChatContext, { suggestions: FaqEntry[]; askId: number | null }>()

  /** The answer, with LINE's loading animation if it takes more than a moment. */
  const answerWithLoading = async (ctx: ChatContext, text: string): Promise<FaqAnswer> => {
    const pending = deps.faq.answer(text)
    const loading = deps.loading
    if (!loading || !deps.faq.slow) return pending
    const animation: { shown: Promise<void> | null } = { shown: null }
    const timer = setTimeout(() => {
      animation.shown = loading.show(ctx.member.lineUserId, LOADING_SECONDS).catch(() => undefined)
    }, loading.after)
    try {
      return await pending
    } finally {
      clearTimeout(timer)
      // An animation call in flight finishes before the reply goes, never after it.
      if (animation.shown) await animation.shown
    }
  }

  const feedback = async (
    ctx: ChatContext,
    params: URLSearchParams,
    kind: 'resolved' | 'escalated',
  ) => {
    const askId = askIdOf(params)
    if (askId !== null && deps.asks)
      await recordFeedback(
        { asks: deps.asks, clock: { now: () => ctx.now } },
        { askId, memberId: ctx.member.id, feedback: kind },
      )
  }

  const askStaff = async (ctx: ChatContext, params: URLSearchParams): Promise<Replies> => {
    await feedback(ctx, params, 'escalated')
    const ack = await handOver(deps.support, {
      member: ctx.member,
      reason: 'ask_staff',
      at: ctx.now,
    })
    if (ack.length > 0) return ack
    return [{ type: 'text', text: TEXT[localeOf(ctx.member.language)].alreadyHandedOver }]
  }

  return router
    .fallback({
      name: 'keyword-rules',
      async handle(ctx, text) {
        const rule = keywords.match(await deps.keywordRules.listEnabled(), text)
        return rule ? keywordReplyMessages(rule.reply, ctx.member) : null
      },
    })
    .fallback({
      name: 'staff-conversation',
      // The message is already in the inbox thread; staff answer it, not the bot.
      handle: async (ctx) => ((await conversationIsOpen(deps.support, ctx.member.id)) ? [] : null),
    })
    .fallback({
      name: 'faq',
      async handle(ctx, text) {
        const { entry, suggestions, match } = await answerWithLoading(ctx, text)
        const askId = deps.asks
          ? await deps.asks.record({
              memberId: ctx.member.id,
              text,
              outcome: entry ? 'answered' : 'handed_over',
              entryId: entry?.id ?? null,
              confidence: match.confidence,
              at: ctx.now,
            })
          : null
        if (entry) return [faqAnswerMessage(entry, localeOf(ctx.member.language), askId)]
        faqResults.set(ctx, { suggestions, askId })
        return null
      },
    })
    .fallback({
      name: 'hand-over',
      async handle(ctx, text) {
        const ack = await handOver(deps.support, {
          member: ctx.member,
          reason: 'unanswered',
          at: ctx.now,
          quote: text,
        })
        const { suggestions, askId } = faqResults.get(ctx) ?? { suggestions: [], askId: null }
        return suggestions.length > 0
          ? [...ack, suggestionMessage(suggestions, localeOf(ctx.member.language), askId)]
          : ack
      },
    })
    .postback('faq_solved', async (ctx, params) => {
      await feedback(ctx, params, 'resolved')
      return [{ type: 'text', text: TEXT[localeOf(ctx.member.language)].solved }]
    })
    .describe('ask_staff', async (ctx, params) =>
      // A suggestion's button carries its FAQ entry; the rich menu's tile reads お問い合わせ.
      params.has('e') ? TEXT[localeOf(ctx.member.language)].askStaff : 'お問い合わせ',
    )
    .postback('ask_staff', askStaff)
    .postback('faq_pick', async (ctx, params) => {
      const entry = await deps.faq.entry(Number(params.get('e')))
      const locale = localeOf(ctx.member.language)
      if (!entry) return [{ type: 'text', text: TEXT[locale].gone }]
      const askId = askIdOf(params)
      // Only the member's own question; a forged or stale q leaves the answer without feedback.
      const mine =
        askId !== null && deps.asks
          ? await deps.asks.picked({ askId, memberId: ctx.member.id, entryId: entry.id })
          : false
      return [faqAnswerMessage(entry, locale, mine ? askId : null)]
    })
}
