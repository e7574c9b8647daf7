import { localeOf } from '../chat/texts.ts'
import type { TextCommand } from '../chat/router.ts'
import { liffUrl, type AppLinks } from '../links.ts'

const TEXT = {
  ja: {
    alt: '友だち紹介',
    body: 'お友だちを紹介すると、お友だちとあなたに特典をお贈りします。',
    label: '友だち紹介を開く',
  },
  en: {
    alt: 'Refer a friend',
    body: 'Refer a friend: you and your friend both get a reward.',
    label: 'Refer a friend',
  },
}

/** 「紹介」: a button that opens the mini-app's 友だち紹介 screen. */
export function referralCommand(links: AppLinks): TextCommand {
  return {
    name: 'referral',
    matches: (text) =>
      [
        '紹介',
        '友だち紹介',
        '友達紹介',
        'ともだち紹介',
        'しょうかい',
        'referral',
        'invite',
      ].includes(text),
    async handle(ctx) {
      const t = TEXT[localeOf(ctx.member.language)]
      return [
        {
          type: 'template',
          altText: t.alt,
          template: {
            type: 'buttons',
            text: t.body,
            actions: [{ type: 'uri', label: t.label, uri: liffUrl(links, 'referral') }],
          },
        },
      ]
    },
  }
}
