import type { EventSubscriber } from '../event-relay/subscribers.ts'
import type { RichMenuService } from './rich-menu.ts'

/** tier.changed → the member's per-tier rich menu (nothing when no tier menus are published). */
export function richMenuTierSubscriber(
  richMenus: Pick<RichMenuService, 'relinkMember'>,
): EventSubscriber {
  return {
    name: 'rich-menu-tier',
    types: ['tier.changed'],
    startAt: 'latest',
    async handle(event) {
      if (event.type !== 'tier.changed' || event.memberId === null) return
      await richMenus.relinkMember(event.memberId, event.data.toTierId)
    },
  }
}
