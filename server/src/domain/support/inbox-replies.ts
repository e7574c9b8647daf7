import type {
  CannedReply,
  CannedReplyInput,
  ReplyInput,
  ReplyResult,
  ResendResult,
} from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import type { Defer } from '../ports.ts'
import { CannedReplyNotFound } from './errors.ts'
import { replyToConversation } from './reply.ts'
import { resendAsPush } from './resend.ts'
import type { InboxDeps } from './inbox-ports.ts'

/** Staff replies, resends of failed ones, and the canned replies staff pick from. */
export function createInboxReplies(deps: InboxDeps) {
  const { store, uow } = deps
  const now = () => deps.clock.now()

  return {
    /**
     * A staff reply (the thread records who sent it): by the member's unused reply token while it
     * is fresh, by push otherwise; sending starts after the response.
     */
    async reply(
      actor: StaffActor,
      id: number,
      input: ReplyInput,
      defer: Defer,
    ): Promise<ReplyResult> {
      const result = await replyToConversation(
        { store, clock: deps.clock, ids: deps.ids },
        { conversationId: id, staffId: actor.id, ...input },
      )
      deps.kickProcessing(defer)
      return result
    },

    /**
     * A failed staff reply sent again as a push (staff decided; billed: one message). Once per
     * failed message; its audit row commits with it; sending starts after the response.
     */
    async resend(actor: StaffActor, chatMessageId: number, defer: Defer): Promise<ResendResult> {
      const result = await resendAsPush(
        { store, uow, clock: deps.clock, ids: deps.ids },
        actor,
        chatMessageId,
      )
      deps.kickProcessing(defer)
      return result
    },

    cannedReplies: () => store.listCanned(),

    async createCanned(actor: StaffActor, input: CannedReplyInput): Promise<CannedReply> {
      await uow.commit([
        store.createCannedWrite(input, now()),
        uow.audit({
          staffId: actor.id,
          action: 'canned_reply.create',
          targetType: 'canned_reply',
          targetId: store.insertedId(),
          before: null,
          after: input,
        }),
      ])
      const saved = await store.latestCanned(input)
      if (!saved) throw new Error('canned reply committed but not found')
      return saved
    },

    async updateCanned(
      actor: StaffActor,
      id: number,
      input: CannedReplyInput,
    ): Promise<CannedReply> {
      await uow.commit([
        store.updateCannedWrite(id, input, now()),
        uow.audit(
          {
            staffId: actor.id,
            action: 'canned_reply.update',
            targetType: 'canned_reply',
            targetId: String(id),
            before: null,
            after: input,
          },
          { onlyIfChanged: true },
        ),
      ])
      const saved = await store.findCanned(id)
      if (!saved) throw new CannedReplyNotFound()
      return saved
    },

    async deleteCanned(actor: StaffActor, id: number): Promise<void> {
      if (!(await store.findCanned(id))) throw new CannedReplyNotFound()
      await uow.commit([
        store.deleteCannedWrite(id),
        uow.audit(
          {
            staffId: actor.id,
            action: 'canned_reply.delete',
            targetType: 'canned_reply',
            targetId: String(id),
            before: null,
            after: null,
          },
          { onlyIfChanged: true },
        ),
      ])
    },
  }
}
