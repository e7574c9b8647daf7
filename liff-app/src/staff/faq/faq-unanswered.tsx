import type { FaqUnansweredGroup, FaqUnansweredList } from '@joren/shared'
import { useState } from 'preact/hooks'
import { formatDateTime } from '../../lib/format.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ErrorPanel } from '../components/error-panel.tsx'
import { useStaff } from '../context.ts'
import { supportText } from '../support/support-messages.ts'
import { locale } from '../messages.ts'
import { TeachForm } from '../support/teach-form.tsx'

/**
 * 「答えられなかった質問」: the hand-overs of the last 90 days grouped by similarity, most asked
 * first, each with 「FAQに追加」 (as a wording of the closest entry, or a new entry) and 「対応不要」.
 */
export function FaqUnanswered() {
  const { api, can, toast } = useStaff()
  const m = supportText().learn
  const list = useResource(
    (signal) => api.get<FaqUnansweredList>('/api/staff/faq-learning/unanswered', { signal }),
    'faq-unanswered',
  )
  const [teaching, setTeaching] = useState<number | null>(null)
  const [error, setError] = useState<unknown>(null)
  const manage = can('support.manage')

  const dismiss = async (group: FaqUnansweredGroup) => {
    setError(null)
    try {
      await api.send('POST', '/api/staff/faq-learning/asks/dismiss', {
        askIds: group.asks.map((a) => a.id),
      })
      toast(m.dismissed)
      list.reload()
    } catch (failure) {
      setError(failure)
    }
  }

  return (
    <section class="stack" aria-labelledby="faq-unanswered-title">
      <div class="stack-xs">
        <h2 class="section-title" id="faq-unanswered-title">
          {m.unansweredTitle}
        </h2>
        <p class="muted small">{m.unansweredIntro}</p>
      </div>
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      {list.data ? (
        list.data.groups.length === 0 ? (
          <p class="card empty">{m.unansweredEmpty}</p>
        ) : (
          <ul class="editor-list" data-testid="faq-unanswered">
            {list.data.groups.map((group) => {
              const head = group.asks[0]!
              return (
                <li key={head.id} class="stack-sm">
                  <div class="card editor-item">
                    <div class="grow stack-xs">
                      <p>
                        <strong>{group.text}</strong>{' '}
                        <span class="badge badge-gray">
                          {m.groupCount(group.count, group.members)}
                        </span>
                      </p>
                      {group.asks.length > 1 && (
                        <p class="small muted">
                          {group.asks
                            .slice(0, 4)
                            .map((a) => a.text)
                            .join(' ／ ')}
                          {group.count > 4 && ` ${m.more(group.count - 4)}`}
                        </p>
                      )}
                      <p class="small muted">
                        {m.latest(formatDateTime(group.latestAt, locale()))}
                        {group.closest && ` ・ ${m.closest(group.closest.question)}`}
                      </p>
                    </div>
                    {manage && teaching !== head.id && (
                      <div class="row-actions">
                        <button
                          class="btn btn-sm"
                          type="button"
                          onClick={() => setTeaching(head.id)}
                        >
                          {m.teach}
                        </button>
                        <button
                          class="btn btn-sm btn-secondary"
                          type="button"
                          onClick={() => void dismiss(group)}
                        >
                          {m.dismiss}
                        </button>
                      </div>
                    )}
                  </div>
                  {teaching === head.id && (
                    <TeachForm
                      ask={{
                        id: group.asks.find((a) => a.text === group.text)?.id ?? head.id,
                        text: group.text,
                      }}
                      alsoAskIds={group.asks.map((a) => a.id)}
                      closestEntryId={group.closest?.entryId ?? null}
                      onDone={() => {
                        setTeaching(null)
                        list.reload()
                      }}
                      onCancel={() => setTeaching(null)}
                    />
                  )}
                </li>
              )
            })}
          </ul>
        )
      ) : list.error ? (
        <ErrorPanel error={list.error} onRetry={list.reload} />
      ) : (
        <span class="skel" style="height:120px" aria-busy="true" />
      )}
    </section>
  )
}
