import type { InboxUpdates } from '@joren/shared'
import { InvalidRequest } from '../errors.ts'
import { fetchContentNow, SERVABLE_IMAGE_TYPES } from './contents.ts'
import { ContentNotAvailable } from './errors.ts'
import { toThreadMessage } from './thread.ts'
import type { InboxDeps } from './inbox-ports.ts'

const UPDATES_LIMIT = 200
const CHANGED_LIMIT = 100

function decodeUpdatesCursor(cursor: string): { messageId: number; at: number } {
  const match = /^(\d{1,15})_(\d{1,15})$/.exec(cursor)
  if (!match) throw new InvalidRequest('since: 正しくないカーソルです')
  return { messageId: Number(match[1]), at: Number(match[2]) }
}

/** What changed in the inbox since the console last asked, and the images of customers' messages. */
export function createInboxUpdates(deps: InboxDeps) {
  const { store } = deps
  const now = () => deps.clock.now()

  return {
    /** What changed since the cursor (the console polls it); without one, the cursor and counts. */
    async updates(since: string | undefined): Promise<InboxUpdates> {
      const at = now()
      const [unreadConversations, alerts] = await Promise.all([
        store.unreadConversations(),
        deps.support.alerts.countOpen(),
      ])
      if (!since) {
        return {
          cursor: `${await store.maxMessageId()}_${at}`,
          conversations: [],
          messages: [],
          unreadConversations,
          openAlerts: alerts,
        }
      }
      const from = decodeUpdatesCursor(since)
      // Bounded by the newest ID now, so the cursor passes messages outside the inbox too.
      const throughId = await store.maxMessageId()
      const [rows, changed] = await Promise.all([
        store.messagesAfter(from.messageId, throughId, UPDATES_LIMIT),
        store.changedSince(from.at, CHANGED_LIMIT),
      ])
      const lastId = rows.length === UPDATES_LIMIT ? (rows.at(-1)?.id ?? from.messageId) : throughId
      return {
        // A conversation updated within the same millisecond is sent again next time, never missed.
        cursor: `${lastId}_${changed.length > 0 ? Math.min(at, Math.max(...changed.map((s) => s.updatedAt))) : from.at}`,
        conversations: changed,
        messages: rows.map(toThreadMessage),
        unreadConversations,
        openAlerts: alerts,
      }
    },

    /** A customer's image, fetched from LINE now if it is still pending; why not, in Japanese. */
    async content(chatMessageId: number): Promise<{ contentType: string; bytes: Uint8Array }> {
      let content = await deps.contents.read(chatMessageId)
      if (content?.status === 'pending') {
        await fetchContentNow(
          {
            contents: deps.contents,
            fetchContent: deps.content.fetchContent,
            maxBytes: deps.content.maxContentBytes,
            clock: deps.clock,
            ids: deps.ids,
            logger: deps.logger,
          },
          chatMessageId,
        )
        content = await deps.contents.read(chatMessageId)
      }
      if (!content) throw new ContentNotAvailable('この画像は見つかりません。')
      if (content.status === 'pending')
        throw new ContentNotAvailable(
          '画像を LINE から取得中です。しばらくしてから開いてください。',
        )
      if (content.status === 'too_large')
        throw new ContentNotAvailable('画像が大きすぎるため保存していません。')
      if (content.status === 'failed' || !content.bytes || !content.contentType)
        throw new ContentNotAvailable('画像を LINE から取得できませんでした。')
      if (!SERVABLE_IMAGE_TYPES.includes(content.contentType))
        throw new ContentNotAvailable('画像以外の内容は表示できません。')
      return { contentType: content.contentType, bytes: content.bytes }
    },
  }
}
