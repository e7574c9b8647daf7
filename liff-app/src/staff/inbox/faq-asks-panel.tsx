import type { FaqMemberAsks, ThreadMessage } from '@joren/shared'
import { useState } from 'preact/hooks'
import { useResource } from '../../lib/use-resource.ts'
import { useStaff } from '../context.ts'
import { TeachForm } from '../support/teach-form.tsx'
import { supportText } from '../support/support-messages.ts'

/** The first staff reply after `at` in the thread (the answer to start a new entry from). */
function staffReplyAfter(messages: readonly ThreadMessage[], at: number): string | undefined {
  const reply = messages.find(
    (msg) => msg.direction === 'out' && msg.origin === 'staff' && msg.createdAt >= at,
  )
  return reply?.content.type === 'text' ? reply.content.text : undefined
}

/**
 * Under the thread: the member's questions the bot could not answer, each with 「FAQに追加」 so
 * the staff member who just answered teaches the bot in one step (support.manage only).
 */
export function FaqAsksPanel(props: { memberId: number; messages: readonly ThreadMessage[] }) {
  const { api, can } = useStaff()
  const m = supportText().learn
  const allowed = can('support.manage')
  const asks = useResource(
    (signal) =>
      allowed
        ? api.get<FaqMemberAsks>(`/api/staff/faq-learning/asks?memberId=${props.memberId}`, {
            signal,
          })
        : Promise.resolve({ asks: [] }),
    `${props.memberId}:${props.messages.length}`,
  )
  const [teaching, setTeaching] = useState<number | null>(null)
  const list = asks.data?.asks ?? []
  if (!allowed || list.length === 0) return null
  return (
    <section class="card stack-sm" aria-labelledby="faq-asks-title" data-testid="faq-asks-panel">
      <h3 class="field-label" id="faq-asks-title">
        {m.inboxTitle}
      </h3>
      <p class="small muted">{m.inboxIntro}</p>
      <ul class="editor-list">
        {list.map((ask) =>
          teaching === ask.id ? (
            <li key={ask.id}>
              <TeachForm
                ask={ask}
                suggestedAnswer={staffReplyAfter(props.messages, ask.createdAt)}
                onDone={() => {
                  setTeaching(null)
                  asks.reload()
                }}
                onCancel={() => setTeaching(null)}
              />
            </li>
          ) : (
            <li key={ask.id} class="editor-item">
              <span class="grow">「{ask.text}」</span>
              <button class="btn btn-sm" type="button" onClick={() => setTeaching(ask.id)}>
                {m.teach}
              </button>
            </li>
          ),
        )}
      </ul>
    </section>
  )
}
