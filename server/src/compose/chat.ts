import type { Repositories } from '../db/repositories/index.ts'
import { memberCardCommand } from '../domain/chat/member-card.ts'
import { createDefaultRouter, type ChatRouter } from '../domain/chat/router.ts'
import { registerSupportChat } from '../domain/support/chat.ts'
import { registerSurveyChat } from '../domain/surveys/chat.ts'
import { registerCouponChat } from '../domain/coupons/chat.ts'
import type { FaqAnswerer } from '../domain/faq/answerer.ts'
import type { AppLinks } from '../domain/links.ts'
import { registerPointsCommands } from '../domain/loyalty/summary.ts'
import { referralCommand } from '../domain/referrals/chat.ts'
import type { SupportDeps } from '../domain/support/handover.ts'
import type { SurveyDeps } from '../domain/surveys/deps.ts'
import type { UnitOfWork } from '../domain/unit-of-work.ts'
import type { Messenger } from '../domain/messaging/messenger.ts'
import type { RuntimePorts } from './ports.ts'
import { readRichMenuState } from '../domain/richmenu/rich-menu.ts'
import type { SettingsStore } from '../domain/shop/settings.ts'

/**
 * The chat router: commands and their rich-menu postbacks first (member card, coupons, points,
 * surveys), then the staff's keyword rules, the FAQ and the hand-over to staff.
 */
export function createChatRouter(
  input: Pick<RuntimePorts, 'clock'> & {
    repositories: Repositories
    uow: UnitOfWork
    links: AppLinks
    /** The support hand-over (compose/support.ts). */
    support: SupportDeps
    /** The survey domain (compose/surveys.ts). */
    survey: SurveyDeps
    /** The bot's FAQ matcher (shared with the staff try-out). */
    faq: FaqAnswerer
    /** LINE's loading animation while a slow (embedding) answer is worked out. */
    messenger: Pick<Messenger, 'showLoading'>
  },
): ChatRouter {
  const { repositories, links, clock, support } = input
  const timeZone = links.timeZone
  return registerSupportChat(
    registerSurveyChat(
      registerPointsCommands(
        registerCouponChat(
          createDefaultRouter(menuPublished(repositories.settings))
            .command(memberCardCommand(links))
            .command(referralCommand(links)),
          {
            coupons: repositories.coupons,
            links,
          },
        ),
        { ...repositories, uow: input.uow, clock, timeZone },
      ),
      { survey: input.survey, links },
    ),
    {
      keywordRules: repositories.keywordRules,
      faq: input.faq,
      support,
      asks: repositories.faqAsks,
      loading: {
        show: (userId, seconds) => input.messenger.showLoading(userId, seconds),
        after: 700,
      },
    },
  )
}

/** The help text mentions the chat's bottom menu only once the shop published one. */
export function menuPublished(settings: SettingsStore) {
  return async () => (await readRichMenuState(settings)) !== null
}
