import type { StaffSurveyList, StaffSurveySummary } from '@joren/shared'
import { useState } from 'preact/hooks'
import { formatDate } from '../../lib/format.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ConfirmDialog } from '../components/confirm-dialog.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { useStaff } from '../context.ts'
import { locale } from '../messages.ts'
import { href } from '../paths.ts'
import { surveyText } from './survey-text.ts'

type Change = { survey: StaffSurveySummary; action: 'open' | 'close' }

/** Every survey with its status and response count; open, close, edit, results. */
export default function SurveysScreen() {
  const { api, can, toast } = useStaff()
  const m = surveyText()
  const list = useResource(
    (signal) => api.get<StaffSurveyList>('/api/staff/surveys', { signal }),
    'surveys',
  )
  const [change, setChange] = useState<Change | null>(null)
  const [error, setError] = useState<unknown>(null)
  const manage = can('surveys.manage')

  const apply = async () => {
    if (!change) return
    const { survey, action } = change
    setChange(null)
    try {
      await api.send('POST', `/api/staff/surveys/${survey.id}/${action}`)
      toast(action === 'open' ? m.opened : m.closed)
      list.reload()
    } catch (failure) {
      setError(failure)
    }
  }

  const surveys = list.data?.surveys ?? []
  return (
    <div class="stack">
      <PageHeader title={m.title} intro={m.intro}>
        {manage && (
          <a class="btn" href={href('/surveys/new')}>
            {m.create}
          </a>
        )}
      </PageHeader>
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      {list.error && !list.data ? (
        <ErrorPanel error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <span class="skel" style="height:88px" />
      ) : surveys.length === 0 ? (
        <p class="empty card">{m.empty}</p>
      ) : (
        <ul class="card rows" data-testid="survey-list">
          {surveys.map((s) => (
            <li class="row" key={s.id}>
              <div class="grow stack-sm">
                <div class="svs-title-row">
                  <strong>{s.title}</strong>
                  <span class={`badge svs-status-${s.status}`}>{m.status[s.status]}</span>
                </div>
                <div class="muted small">
                  {[
                    m.responses(s.responseCount),
                    m.version(s.version),
                    s.opensAt || s.closesAt
                      ? `${s.opensAt ? formatDate(s.opensAt, locale()) : ''} – ${
                          s.closesAt ? formatDate(s.closesAt, locale()) : ''
                        }`
                      : null,
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </div>
              </div>
              <div class="row-actions">
                <a class="btn btn-secondary btn-sm" href={href(`/surveys/${s.id}/results`)}>
                  {m.results}
                </a>
                {manage && (
                  <a class="btn btn-secondary btn-sm" href={href(`/surveys/${s.id}/edit`)}>
                    {m.edit}
                  </a>
                )}
                {manage && s.status !== 'open' && (
                  <button
                    class="btn btn-sm"
                    type="button"
                    onClick={() => setChange({ survey: s, action: 'open' })}
                  >
                    {m.open}
                  </button>
                )}
                {manage && s.status === 'open' && (
                  <button
                    class="btn btn-secondary btn-sm"
                    type="button"
                    onClick={() => setChange({ survey: s, action: 'close' })}
                  >
                    {m.close}
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={change !== null}
        title={change?.action === 'open' ? m.open : m.close}
        body={
          change
            ? change.action === 'open'
              ? m.openConfirm(change.survey.title)
              : m.closeConfirm(change.survey.title)
            : ''
        }
        confirmLabel={change?.action === 'open' ? m.open : m.close}
        onConfirm={() => void apply()}
        onCancel={() => setChange(null)}
      />
    </div>
  )
}
