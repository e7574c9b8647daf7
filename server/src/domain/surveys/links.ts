import { liffUrl, type AppLinks } from '../links.ts'
import type { LineMessage } from '../messaging/messenger.ts'

/** The mini-app page of a survey (`/liff/surveys/<id>`), for a chat button, a broadcast or a link. */
export function surveyLiffUrl(links: AppLinks, surveyId: number): string {
  return liffUrl(links, `surveys/${surveyId}`)
}

/** A LINE message button that opens the survey in the mini-app (a URI action, ≤ 20 characters). */
export function surveyLinkAction(
  links: AppLinks,
  surveyId: number,
  label = 'アンケートに答える',
): { type: 'uri'; label: string; uri: string } {
  return {
    type: 'uri',
    label: [...label].slice(0, 20).join(''),
    uri: surveyLiffUrl(links, surveyId),
  }
}

const INVITE = {
  ja: {
    text: (reward: boolean) =>
      reward
        ? 'ご回答いただいた方に特典クーポンをお送りします。'
        : 'より良いお店づくりのため、ご協力をお願いします。',
    label: 'アンケートに答える',
    alt: (title: string) => `アンケートのお願い: ${title}`,
  },
  en: {
    text: (reward: boolean) =>
      reward ? 'Answer and receive a thank-you coupon.' : 'Help us improve: it takes a minute.',
    label: 'Answer the survey',
    alt: (title: string) => `Survey: ${title}`,
  },
} as const

/**
 * A buttons message inviting the member to the survey in the mini-app (for chat and broadcasts):
 * the title (≤ 40), one line (≤ 60, LINE's limit with a title) and the button.
 */
export function surveyInviteMessage(
  links: AppLinks,
  survey: { id: number; title: string; hasReward: boolean },
  locale: 'ja' | 'en' = 'ja',
): LineMessage {
  const words = INVITE[locale]
  return {
    type: 'template',
    altText: [...words.alt(survey.title)].slice(0, 400).join(''),
    template: {
      type: 'buttons',
      title: [...survey.title].slice(0, 40).join(''),
      text: words.text(survey.hasReward),
      actions: [surveyLinkAction(links, survey.id, words.label)],
    },
  }
}
