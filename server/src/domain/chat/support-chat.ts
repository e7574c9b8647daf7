import type { FaqEntry, KeywordReply } from '@joren/shared'
import type { FaqAnswerer } from '../faq/answerer.ts'
import { createKeywordMatcher } from '../faq/keywords.ts'
import type { KeywordRuleStore } from '../faq/store.ts'
import type { Member } from '../members/members.ts'
import type { LineMessage } from '../messaging/messenger.ts'
import { conversationIsOpen, handOver, type SupportDeps } from '../support/handover.ts'
import type { ChatContext, ChatRouter, Replies } from './router.ts'
import { localeOf, type Locale } from './texts.ts'

export interface SupportChatDeps {
  keywordRules: Pick<KeywordRuleStore, 'listEnabled'>
  faq: FaqAnswerer
  support: SupportDeps
}

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
export function faqAnswerMessage(entry: FaqEntry, locale: Locale): LineMessage {
  const t = TEXT[locale]
  return {
    type: 'text',
    text: entry.answer,
    quickReply: {
      items: [
        postbackItem(t.solvedLabel, `action=faq_solved&e=${entry.id}`),
        postbackItem(t.askStaff, `action=ask_staff&e=${entry.id}`),
      ],
    },
  }
}

function suggestionMessage(suggestions: FaqEntry[], locale: Locale): LineMessage {
  return {
    type: 'text',
    text: TEXT[locale].suggest,
    quickReply: {
      items: suggestions.map((entry) =>
        postbackItem(entry.questions[0] ?? '', `action=faq_pick&e=${entry.id}`),
      ),
    },
  }
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
  const faqResults = new WeakMap<ChatContext, FaqEntry[]>()

  const askStaff = async (ctx: ChatContext): Promise<Replies> => {
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
        const { entry, suggestions } = await deps.faq.answer(text)
        if (entry) return [faqAnswerMessage(entry, localeOf(ctx.member.language))]
        faqResults.set(ctx, suggestions)
        return null
      },
    })
    .fallback({
      name: 'hand-over',
      async handle(ctx) {
        const ack = await handOver(deps.support, {
          member: ctx.member,
          reason: 'unanswered',
          at: ctx.now,
        })
        const suggestions = faqResults.get(ctx) ?? []
        return suggestions.length > 0
          ? [...ack, suggestionMessage(suggestions, localeOf(ctx.member.language))]
          : ack
      },
    })
    .postback('faq_solved', async (ctx) => [
      { type: 'text', text: TEXT[localeOf(ctx.member.language)].solved },
    ])
    .postback('ask_staff', askStaff)
    .postback('faq_pick', async (ctx, params) => {
      const entry = await deps.faq.entry(Number(params.get('e')))
      const locale = localeOf(ctx.member.language)
      if (!entry) return [{ type: 'text', text: TEXT[locale].gone }]
      return [faqAnswerMessage(entry, locale)]
    })
}
