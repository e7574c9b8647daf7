import { liffUrl, type AppLinks } from '../links.ts'
import type { TextCommand } from './router.ts'
import { localeOf } from './texts.ts'

const TEXT = {
  ja: { alt: '会員証', body: 'お会計のときに会員証をお見せください。', label: '会員証を開く' },
  en: {
    alt: 'Member card',
    body: 'Show your member card at the register.',
    label: 'Open member card',
  },
}

/** 「会員証」: a button that opens the member card in the mini-app. */
export function memberCardCommand(links: AppLinks): TextCommand {
  return {
    name: 'member-card',
    matches: (text) => ['会員証', 'かいいんしょう', 'membercard', 'card'].includes(text),
    async handle(ctx) {
      const t = TEXT[localeOf(ctx.member.language)]
      return [
        {
          type: 'template',
          altText: t.alt,
          template: {
            type: 'buttons',
            text: t.body,
            actions: [{ type: 'uri', label: t.label, uri: liffUrl(links, 'card') }],
          },
        },
      ]
    },
  }
}
