import type { LoyaltySettings, SurveyQuestionResult, SurveyResults } from '@joren/shared'
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { queryString } from '../../lib/api-client.ts'
import { readApiError } from '../../lib/api-error.ts'
import { formatDateTime } from '../../lib/format.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ErrorPanel } from '../components/error-panel.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { useStaff } from '../context.ts'
import { locale } from '../messages.ts'
import { href } from '../paths.ts'
import { barsOf, npsBands, percentText, signed, type Bar } from './results-model.ts'
import { surveyText } from './survey-text.ts'

interface Filters {
  versionId: string
  tierId: string
  from: string
  to: string
  q: string
}

const NO_FILTERS: Filters = { versionId: '', tierId: '', from: '', to: '', q: '' }

/** Horizontal bars drawn with CSS: each bar's width is its share of the track. */
function BarChart({ bars, label, vertical }: { bars: Bar[]; label: string; vertical?: boolean }) {
  const m = surveyText()
  return (
    <ul class={vertical ? 'svs-columns' : 'svs-bars'} aria-label={label} data-testid="bar-chart">
      {bars.map((bar) => (
        <li key={bar.key} class="svs-bar-row" data-label={bar.label} data-count={bar.count}>
          <span class="svs-bar-label">{bar.label}</span>
          <span class="svs-bar-track">
            <span
              class="svs-bar"
              data-testid="bar"
              style={vertical ? { height: `${bar.percent}%` } : { width: `${bar.percent}%` }}
            />
          </span>
          <span class="svs-bar-value">
            {m.count(bar.count)}
            {!vertical && <span class="muted"> ({m.percent(percentText(bar.percent / 100))})</span>}
          </span>
        </li>
      ))}
    </ul>
  )
}

function NpsSummary({ result }: { result: Extract<SurveyQuestionResult, { type: 'nps' }> }) {
  const m = surveyText()
  const bands = npsBands(result)
  return (
    <div class="svs-nps" data-testid="nps">
      <div class="svs-nps-score">
        <span class="muted small">{m.npsTitle}</span>
        <strong data-testid="nps-score">
          {result.score === null ? '—' : signed(result.score)}
        </strong>
      </div>
      <div class="svs-stack" aria-hidden="true">
        {bands.map((b) => (
          <span key={b.band} class={`svs-stack-${b.band}`} style={{ width: `${b.percent}%` }} />
        ))}
      </div>
      <ul class="svs-legend">
        {bands.map((b) => (
          <li key={b.band} data-testid={`nps-${b.band}`}>
            <span class={`svs-dot svs-stack-${b.band}`} aria-hidden="true" />
            {m[b.band]}: {m.count(b.count)} ({m.percent(percentText(b.percent / 100))})
          </li>
        ))}
      </ul>
    </div>
  )
}

function QuestionResult({ result, index }: { result: SurveyQuestionResult; index: number }) {
  const m = surveyText()
  const chartLabel = m.chartLabel(result.label)
  let body
  if (result.type === 'text') {
    body =
      result.answers.length === 0 ? (
        <p class="muted">{m.textEmpty}</p>
      ) : (
        <ul class="svs-texts" data-testid="text-answers">
          {result.answers.map((a) => (
            <li key={a.responseId}>
              <p class="svs-text">{a.text}</p>
              <p class="muted small">
                <a href={href(`/members/${a.memberNumber}`)}>{a.memberNumber}</a> ·{' '}
                {formatDateTime(a.submittedAt, locale())}
              </p>
            </li>
          ))}
        </ul>
      )
  } else {
    body = (
      <>
        {result.type === 'nps' && <NpsSummary result={result} />}
        {result.type === 'rating' && (
          <p class="svs-average" data-testid="rating-average">
            {m.average(result.average === null ? '—' : result.average.toFixed(2))}
          </p>
        )}
        <BarChart bars={barsOf(result)} label={chartLabel} vertical={result.type === 'nps'} />
      </>
    )
  }
  return (
    <section
      class="card stack svs-result"
      data-testid="question-result"
      data-question={result.questionId}
    >
      <header class="svs-result-head">
        <h2 class="section-title">{`Q${index + 1}. ${result.label}`}</h2>
        <span class="muted small">{m.responses(result.answeredCount)}</span>
      </header>
      {body}
    </section>
  )
}

/** `/staff/surveys/:id/results`: counts, charts, NPS, free text; filters and a CSV download. */
export default function ResultsScreen({ params }: { params: Record<string, string> }) {
  const { api, session, toast } = useStaff()
  const m = surveyText()
  const id = encodeURIComponent(params.id ?? '')
  const [draft, setDraft] = useState<Filters>(NO_FILTERS)
  const [filters, setFilters] = useState<Filters>(NO_FILTERS)
  const [downloadError, setDownloadError] = useState<unknown>(null)
  const query = queryString({ ...filters })
  const results = useResource(
    (signal) => api.get<SurveyResults>(`/api/staff/surveys/${id}/results${query}`, { signal }),
    `results:${id}${query}`,
  )
  const survey = useResource(
    (signal) => api.get<{ title: string }>(`/api/staff/surveys/${id}`, { signal }),
    `survey:${id}`,
  )
  const tiers = useResource(
    (signal) => api.get<LoyaltySettings>('/api/staff/loyalty', { signal }),
    'tiers',
  )
  const set =
    (key: keyof Filters) => (e: JSX.TargetedEvent<HTMLInputElement | HTMLSelectElement>) =>
      setDraft((f) => ({ ...f, [key]: e.currentTarget.value }))

  const download = async () => {
    setDownloadError(null)
    try {
      const response = await fetch(`/api/staff/surveys/${id}/export.csv${query}`, {
        headers: { authorization: `Bearer ${await session.idToken()}` },
      })
      if (!response.ok) throw await readApiError(response)
      const blob = await response.blob()
      const name =
        /filename="?([^";]+)"?/.exec(response.headers.get('content-disposition') ?? '')?.[1] ??
        `survey-${id}.csv`
      const url = URL.createObjectURL(blob)
      const link = document.createElement('a')
      link.href = url
      link.download = name
      document.body.append(link)
      link.click()
      link.remove()
      setTimeout(() => URL.revokeObjectURL(url), 1000)
      toast(m.downloaded)
    } catch (error) {
      setDownloadError(error)
    }
  }

  const data = results.data
  const title = survey.data?.title ?? ''
  return (
    <div class="stack svs-results">
      <PageHeader title={title ? m.resultsTitle(title) : m.results}>
        <a class="btn btn-secondary" href={href('/surveys')}>
          {m.cancel}
        </a>
        <button class="btn" type="button" onClick={() => void download()}>
          {m.csv}
        </button>
      </PageHeader>
      {downloadError !== null && (
        <ErrorPanel error={downloadError} onRetry={() => setDownloadError(null)} />
      )}
      <form
        class="card svs-filters"
        aria-label={m.filters}
        onSubmit={(e) => {
          e.preventDefault()
          setFilters(draft)
        }}
      >
        <label class="svs-field">
          <span class="field-label">{m.versionPicker}</span>
          <select class="input" value={draft.versionId} onChange={set('versionId')}>
            {(data?.versions ?? []).map((v, i) => (
              <option key={v.id} value={i === 0 ? '' : String(v.id)}>
                {`${m.version(v.version)}（${m.responses(v.responseCount)}）`}
              </option>
            ))}
          </select>
        </label>
        <label class="svs-field">
          <span class="field-label">{m.tier}</span>
          <select class="input" value={draft.tierId} onChange={set('tierId')}>
            <option value="">{m.allTiers}</option>
            {(tiers.data?.tiers ?? []).map((t) => (
              <option key={t.id} value={String(t.id)}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label class="svs-field">
          <span class="field-label">{m.from}</span>
          <input class="input" type="date" value={draft.from} onInput={set('from')} />
        </label>
        <label class="svs-field">
          <span class="field-label">{m.to}</span>
          <input class="input" type="date" value={draft.to} onInput={set('to')} />
        </label>
        <label class="svs-field">
          <span class="field-label">{m.textSearch}</span>
          <input class="input" type="search" value={draft.q} onInput={set('q')} maxLength={100} />
        </label>
        <div class="svs-filter-actions">
          <button class="btn" type="submit">
            {m.apply}
          </button>
          <button
            class="btn btn-secondary"
            type="button"
            onClick={() => {
              setDraft(NO_FILTERS)
              setFilters(NO_FILTERS)
            }}
          >
            {m.clear}
          </button>
        </div>
      </form>
      {results.error ? (
        <ErrorPanel error={results.error} onRetry={results.reload} />
      ) : !data ? (
        <span class="skel" style="height:240px" aria-busy="true" />
      ) : (
        <>
          <div class="svs-kpis" aria-busy={results.loading}>
            <div class="card svs-kpi" data-testid="response-count">
              <span class="muted small">{m.responseCount}</span>
              <strong>
                {data.responseCount.toLocaleString(locale() === 'en' ? 'en-US' : 'ja-JP')}
              </strong>
              <span class="muted small">{m.version(data.version)}</span>
            </div>
            <div class="card svs-kpi" data-testid="response-rate">
              <span class="muted small">{m.responseRate}</span>
              <strong>{m.percent(percentText(data.responseRate))}</strong>
              <span class="muted small">{m.rateOf(data.eligibleCount)}</span>
            </div>
          </div>
          {data.responseCount === 0 && <p class="empty card">{m.noAnswers}</p>}
          {data.questions.map((result, index) => (
            <QuestionResult key={result.questionId} result={result} index={index} />
          ))}
        </>
      )}
    </div>
  )
}
