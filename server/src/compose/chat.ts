import type { Repositories } from '../db/repositories/index.ts'
import { createUnitOfWork } from '../db/unit-of-work.ts'
import { memberCardCommand } from '../domain/chat/member-card.ts'
import { createDefaultRouter, type ChatRouter } from '../domain/chat/router.ts'
import { registerSupportChat } from '../domain/chat/support-chat.ts'
import { registerSurveyChat } from '../domain/chat/survey-chat.ts'
import { registerCouponChat } from '../domain/coupons/chat.ts'
import { createFaqAnswerer } from '../domain/faq/answerer.ts'
import type { AppLinks } from '../domain/links.ts'
import { registerPointsCommands } from '../domain/loyalty/summary.ts'
import { supportDeps } from '../support-services.ts'
import { surveyDeps } from '../survey-services.ts'
import type { RuntimePorts } from './ports.ts'

/**
 * The chat router: commands and their rich-menu postbacks first (member card, coupons, points,
 * surveys), then the staff's keyword rules, the FAQ and the hand-over to staff.
 */
export function createChatRouter(
  input: Pick<RuntimePorts, 'db' | 'atomic' | 'clock' | 'ids' | 'logger' | 'config'> & {
    repositories: Repositories
    links: AppLinks
  },
): ChatRouter {
  const { repositories, links, clock } = input
  const timeZone = links.timeZone
  const support = supportDeps({ repositories, clock, timeZone, sandbox: input.config.sandbox })
  return registerSupportChat(
    registerSurveyChat(
      registerPointsCommands(
        registerCouponChat(createDefaultRouter().command(memberCardCommand(links)), {
          coupons: repositories.coupons,
          links,
        }),
        { ...repositories, uow: createUnitOfWork(input.db, input.atomic, clock), clock, timeZone },
      ),
      {
        survey: surveyDeps({ ...input, repositories, timeZone, sandbox: input.config.sandbox }),
        links,
      },
    ),
    {
      keywordRules: repositories.keywordRules,
      faq: createFaqAnswerer(repositories.faq),
      support,
    },
  )
}
