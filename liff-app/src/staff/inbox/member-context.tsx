import type { MemberContext } from '@joren/shared'
import type { ComponentChildren } from 'preact'
import { formatDate, formatDateTime } from '../../lib/format.ts'
import { formatMemberNumber } from '../../lib/member-number.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ChevronRightIcon } from '../../ui/icons.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { useStaff } from '../context.ts'
import { locale } from '../messages.ts'
import { href } from '../paths.ts'
import { paths } from './paths.ts'
import { supportText } from '../support/support-messages.ts'

/** Who the customer is, beside the thread: tier, points, purchases, coupons, surveys, tags, notes. */
export function MemberContextPanel({ conversationId }: { conversationId: number }) {
  const { api } = useStaff()
  const m = supportText().context
  const context = useResource(
    (signal) => api.get<MemberContext>(paths.context(conversationId), { signal }),
    String(conversationId),
  )
  return (
    <aside class="inbox-context" aria-labelledby="context-title" data-testid="member-context">
      <h2 class="section-title" id="context-title">
        {m.title}
      </h2>
      {context.data ? (
        <Loaded context={context.data} />
      ) : context.error ? (
        <ErrorPanel error={context.error} onRetry={context.reload} />
      ) : (
        <div class="stack" aria-busy="true">
          <span class="skel" style="height:64px" />
          <span class="skel" style="height:160px" />
        </div>
      )}
    </aside>
  )
}

function Loaded({ context: c }: { context: MemberContext }) {
  const m = supportText().context
  const lang = locale()
  const member = c.member
  return (
    <div class="stack context-body">
      <div class="context-who">
        <p>
          <strong>{member.displayName ?? supportText().inbox.noName}</strong>
          {member.followState === 'blocked' && (
            <span class="badge badge-red context-badge">{m.blocked}</span>
          )}
        </p>
        <p class="small muted mono">
          {m.memberNumber} {formatMemberNumber(member.memberNumber)}
        </p>
        <a class="link-button" href={href(`/members/${member.memberNumber}`)}>
          {m.openMember}
          <ChevronRightIcon size={18} />
        </a>
      </div>
      <dl class="facts context-facts">
        <div>
          <dt>{m.tier}</dt>
          <dd>{c.tier?.name ?? m.none}</dd>
        </div>
        <div>
          <dt>{m.points}</dt>
          <dd>{m.pt(c.pointsBalance)}</dd>
        </div>
        {member.followedAt !== null && (
          <div>
            <dt>{m.followedAt}</dt>
            <dd>{formatDate(member.followedAt, lang)}</dd>
          </div>
        )}
      </dl>
      <ContextSection title={m.purchases} empty={c.purchases.length === 0 ? m.noPurchases : null}>
        <ul class="context-list">
          {c.purchases.map((p) => (
            <li key={p.id}>
              <span>{formatDate(p.purchasedAt, lang)}</span>
              <strong>{m.yen(p.amountYen)}</strong>
              {p.store && <span class="small muted">{p.store}</span>}
            </li>
          ))}
        </ul>
      </ContextSection>
      <ContextSection title={m.coupons} empty={c.coupons.length === 0 ? m.noCoupons : null}>
        <ul class="context-list">
          {c.coupons.map((coupon) => (
            <li key={coupon.id}>
              <span>{coupon.title}</span>
              <span class="small muted">{m.expires(formatDate(coupon.expiresAt, lang))}</span>
            </li>
          ))}
        </ul>
      </ContextSection>
      <ContextSection title={m.surveys} empty={c.surveys.length === 0 ? m.noSurveys : null}>
        <ul class="context-list context-surveys">
          {c.surveys.map((s) => (
            <li key={s.responseId}>
              <p>
                <strong>{s.surveyTitle}</strong>
                {s.npsScore !== null && (
                  <span class={`badge ${s.lowScore ? 'badge-red' : 'badge-green'} context-badge`}>
                    NPS {s.npsScore}
                  </span>
                )}
              </p>
              <p class="small muted">{formatDateTime(s.submittedAt, lang)}</p>
              <dl class="answers">
                {s.answers.map((a, i) => (
                  <div key={i}>
                    <dt>{a.question}</dt>
                    <dd>{a.answer}</dd>
                  </div>
                ))}
              </dl>
            </li>
          ))}
        </ul>
      </ContextSection>
      <ContextSection title={m.tags} empty={c.tags.length === 0 ? m.noTags : null}>
        <ul class="tag-list">
          {c.tags.map((tag) => (
            <li key={tag.id} class="chip-sm">
              {tag.name}
            </li>
          ))}
        </ul>
      </ContextSection>
      <ContextSection title={m.notes} empty={c.notes.length === 0 ? m.noNotes : null}>
        <ol class="notes">
          {[...c.notes]
            .sort((a, b) => b.createdAt - a.createdAt)
            .map((note) => (
              <li key={note.id} class="note">
                <p class="note-meta">
                  <strong>{note.staffName ?? supportText().thread.unknownStaff}</strong>
                  <span class="muted">{formatDateTime(note.createdAt, lang)}</span>
                </p>
                <p class="note-body">{note.body}</p>
              </li>
            ))}
        </ol>
      </ContextSection>
    </div>
  )
}

function ContextSection(props: {
  title: string
  empty: string | null
  children: ComponentChildren
}) {
  return (
    <section class="context-section">
      <h3 class="context-title">{props.title}</h3>
      {props.empty ? <p class="small muted">{props.empty}</p> : props.children}
    </section>
  )
}
