import type { Repositories } from '../db/repositories/index.ts'
import type { AppLinks } from '../domain/links.ts'
import type { Clock, Ids, Logger } from '../domain/ports.ts'
import type { ReferralDeps } from '../domain/referrals/referrals.ts'
import {
  createReferralService,
  referralSubscriber,
  runReferralUpkeep,
} from '../domain/referrals/service.ts'
import { readShopSettings } from '../domain/shop/settings.ts'
import type { UnitOfWork } from '../domain/unit-of-work.ts'

/**
 * The referral program (issue 19): its service, its subscriber of the follow and purchase events
 * and its periodic pass, over the repositories it shares with coupons and loyalty.
 */
export function composeReferrals(input: {
  repositories: Repositories
  uow: UnitOfWork
  clock: Clock
  ids: Ids
  logger: Logger
  links: AppLinks
  sandbox: boolean
}) {
  const { repositories } = input
  const deps: ReferralDeps = {
    referrals: repositories.referrals,
    settings: repositories.settings,
    coupons: repositories.coupons,
    points: repositories.points,
    outbox: repositories.outbox,
    uow: input.uow,
    clock: input.clock,
    ids: input.ids,
    timeZone: input.links.timeZone,
    logger: input.logger,
  }
  return {
    service: createReferralService({
      ...deps,
      links: input.links,
      shopName: async () => (await readShopSettings(repositories.settings, input.sandbox)).name,
    }),
    subscriber: referralSubscriber(deps),
    upkeep: () => runReferralUpkeep(deps),
  }
}
