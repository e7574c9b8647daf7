import type { Database } from '../db/database.ts'
import type { Repositories } from '../db/repositories/index.ts'
import { createRichMenuRepository } from '../db/repositories/rich-menu-repository.ts'
import { createRichMenuService } from '../domain/richmenu/rich-menu.ts'
import { richMenuTierSubscriber } from '../domain/richmenu/subscriber.ts'
import type { createLineMessagingClient } from '../line/messaging-client.ts'
import { createRichMenuClient } from '../line/rich-menu-client.ts'
import type { RuntimePorts } from './ports.ts'

/** The rich menu: publishing (console / CLI) and the tier.changed re-link subscriber. */
export function composeRichMenu(
  input: Pick<RuntimePorts, 'clock' | 'logger' | 'line' | 'lineFetch'> & {
    db: Database
    repositories: Repositories
    messenger: ReturnType<typeof createLineMessagingClient>
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
  })
  return { service, subscriber: richMenuTierSubscriber(service) }
}
