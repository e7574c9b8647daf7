import type {
  Broadcast,
  BroadcastDraftParsed,
  BroadcastEstimate,
  BroadcastList,
  BroadcastStatus,
  ComposerMessage,
} from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import type { LineMessage } from '../messaging/messenger.ts'
import { loadBroadcast as load, type BroadcastDeps } from './engine.ts'
import { BroadcastInvalidMessages, BroadcastNotEditable } from './errors.ts'
import { estimate } from './estimate.ts'
import { isCouponSlot, LINE_TEXT_MAX, maxRenderedLength, renderMessages } from './render.ts'
import { broadcastAudit, toSummary, toView } from './views.ts'

/** A draft or a scheduled broadcast can still be edited (a scheduled one goes back to draft). */
const EDITABLE: BroadcastStatus[] = ['draft', 'scheduled']

/** LINE's limits the composer schema cannot see: text after expansion, an issuable coupon. */
async function assertSendable(deps: BroadcastDeps, messages: ComposerMessage[]): Promise<void> {
  for (const [i, m] of messages.entries()) {
    if (m.type === 'text' && maxRenderedLength(m.text) > LINE_TEXT_MAX)
      throw new BroadcastInvalidMessages(
        `差し込み後の本文が LINE の上限（5,000文字）を超えるおそれがあります。本文を短くしてください。`,
        `messages.${i}.text`,
      )
    if (m.type === 'coupon') {
      const template = await deps.coupons.coupons.findTemplate(m.templateId)
      if (!template || template.status !== 'active')
        throw new BroadcastInvalidMessages(
          'クーポンが見つからないか、配布を終了しています。',
          `messages.${i}.templateId`,
        )
    }
  }
}

/** Composing: list, read, create and edit drafts, their estimates, and a test send to staff. */
export function createDraftCommands(deps: BroadcastDeps) {
  const { store, uow } = deps
  const audit = broadcastAudit(uow)
  return {
    async list(query: { status?: BroadcastStatus; limit: number }): Promise<BroadcastList> {
      return { broadcasts: (await store.list(query.status, query.limit)).map(toSummary) }
    },

    async get(id: number): Promise<Broadcast> {
      return toView(await load(deps, id))
    },

    async create(actor: StaffActor, draft: BroadcastDraftParsed): Promise<Broadcast> {
      await assertSendable(deps, draft.messages)
      const now = deps.clock.now()
      await uow.commit([
        store.createWrite(draft, actor.id, now),
        uow.audit({
          staffId: actor.id,
          action: 'broadcast.create',
          targetType: 'broadcast',
          targetId: store.insertedId(),
          before: null,
          after: { title: draft.title },
        }),
      ])
      const created = await store.findCreated(actor.id, draft.title, now)
      if (!created) throw new Error('broadcast committed but not found')
      return toView(created)
    },

    /** Replaces a draft or a scheduled broadcast (which goes back to draft). */
    async update(actor: StaffActor, id: number, draft: BroadcastDraftParsed): Promise<Broadcast> {
      const b = await load(deps, id)
      await assertSendable(deps, draft.messages)
      if (!EDITABLE.includes(b.status)) throw new BroadcastNotEditable()
      try {
        await uow.commit([
          store.statusGuardWrite(id, EDITABLE),
          store.updateWrite(id, draft, deps.clock.now()),
          audit(actor, 'broadcast.update', id, { title: draft.title }),
        ])
      } catch (error) {
        // Sent (or cancelled) meanwhile: the guard failed the commit.
        if (!EDITABLE.includes((await load(deps, id)).status)) throw new BroadcastNotEditable()
        throw error
      }
      return toView(await load(deps, id))
    },

    /** The composer's live numbers for an unsaved draft. */
    estimateDraft: (draft: BroadcastDraftParsed): Promise<BroadcastEstimate> =>
      estimate(deps, {
        id: 0,
        audience: draft.audience,
        holdoutPercent: draft.holdoutPercent,
        scheduledAt: draft.scheduledAt,
      }),

    async estimate(id: number): Promise<BroadcastEstimate> {
      return estimate(deps, await load(deps, id))
    },

    /**
     * Sends the rendered messages (with each staff member's own values) by push; no coupon is
     * issued. The audit row is committed first: no test message goes out unrecorded.
     */
    async testSend(
      actor: StaffActor,
      id: number,
      staffIds: number[],
    ): Promise<{ sent: number; skipped: number[] }> {
      const b = await load(deps, id)
      await uow.commit([audit(actor, 'broadcast.test_send', id, { staffIds })])
      const known = await store.staffLineUsers(staffIds)
      const staff = known.filter((s) => s.following)
      const couponTitle =
        b.couponTemplateId === null ? null : await store.couponTitle(b.couponTemplateId)
      let sent = 0
      const skipped = staffIds.filter((s) => !staff.some((x) => x.id === s))
      for (const s of staff) {
        const values = (await store.valuesForLineUser(s.lineUserId)) ?? {
          name: null,
          points: null,
          tier: null,
        }
        const messages: LineMessage[] = renderMessages(b.messages, {
          ...values,
          coupon: couponTitle,
        }).map((m) =>
          isCouponSlot(m)
            ? {
                type: 'text',
                text: `【テスト送信】ここにクーポン「${couponTitle ?? ''}」のカードが入ります。`,
              }
            : m,
        )
        try {
          await deps.messenger.push(s.lineUserId, messages, deps.ids.uuid())
          sent++
        } catch (error) {
          deps.logger.warn('broadcast test send failed', { broadcastId: id, error: String(error) })
          skipped.push(s.id)
        }
      }
      return { sent, skipped }
    },
  }
}
