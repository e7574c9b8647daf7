import type { Database } from '../db/database.ts'
import type { Repositories } from '../db/repositories/index.ts'
import { createRichMenuRepository } from '../db/repositories/rich-menu-repository.ts'
import type { AppLinks } from '../domain/links.ts'
import { createRichMenuConsoleService } from '../domain/richmenu/console.ts'
import { createRichMenuService } from '../domain/richmenu/rich-menu.ts'
import { richMenuTierSubscriber } from '../domain/richmenu/subscriber.ts'
import type { createLineMessagingClient } from '../line/messaging-client.ts'
import { createRichMenuClient } from '../line/rich-menu-client.ts'
import type { UnitOfWork } from '../domain/unit-of-work.ts'
import type { RuntimePorts } from './ports.ts'

/** The rich menu: publishing (console / CLI) and the tier.changed re-link subscriber. */
export function composeRichMenu(
  input: Pick<RuntimePorts, 'clock' | 'logger' | 'line' | 'lineFetch'> & {
    db: Database
    repositories: Repositories
    messenger: ReturnType<typeof createLineMessagingClient>
    uow: UnitOfWork
    links: AppLinks
    sandbox: boolean
  },
) {
  const service = createRichMenuService({
    api: createRichMenuClient({
      call: input.messenger.call,
      dataApiBaseUrl: input.line.dataApiBaseUrl,
      channelAccessToken: input.line.channelAccessToken,
      fetch: input.lineFetch,
    }),
    settings: input.repositories.settings,
    members: createRichMenuRepository(input.db),
    logger: input.logger,
    now: () => input.clock.now(),
    uow: input.uow,
  })
  const console = createRichMenuConsoleService({
    richMenu: service,
    settings: input.repositories.settings,
    links: input.links,
    sandbox: input.sandbox,
  })
  return { service, console, subscriber: richMenuTierSubscriber(service) }
}
