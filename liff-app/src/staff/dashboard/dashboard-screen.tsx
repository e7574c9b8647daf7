import {
  RFM_FREQUENCY_BANDS,
  RFM_RECENCY_BANDS,
  type Dashboard,
  type DashboardFigures,
} from '@joren/shared'
import { useState } from 'preact/hooks'
import { useResource } from '../../lib/use-resource.ts'
import { ErrorPanel } from '../components/error-panel.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { useStaff } from '../context.ts'
import { QuotaWidget } from '../quota/quota-widget.tsx'
import type { DashboardMessages } from './dashboard-ja.ts'
import { LineChart } from './line-chart.tsx'
import { InsightSections } from './insights-sections.tsx'
import { CsvButton, Figure, SectionHead } from './parts.tsx'
import { dashboardText } from './messages.ts'
import {
  PRESETS,
  presetRange,
  retentionCurve,
  rfmSegmentHref,
  toCsv,
  type PresetKey,
} from './model.ts'
import './dashboard.css'

type Period = { from: string; to: string } | null
type FigureKey = keyof DashboardMessages['figures']
type Kind = 'people' | 'count' | 'yen' | 'ratio'

/** The figures in the order the cards show them, and how each is written. */
const FIGURES: readonly [Exclude<FigureKey, 'reachable'>, Kind][] = [
  ['buyers', 'people'],
  ['purchases', 'count'],
  ['revenueYen', 'yen'],
  ['averageOrderYen', 'yen'],
  ['repeatRate', 'ratio'],
  ['returningShare', 'ratio'],
  ['dormant', 'people'],
  ['reactivated', 'people'],
  ['friends', 'people'],
  ['newFriends', 'people'],
  ['blocked', 'people'],
]

function formatted(m: DashboardMessages, kind: Kind, value: number | null): string {
  if (value === null) return m.none
  if (kind === 'people') return m.people(value)
  if (kind === 'count') return m.count(value)
  if (kind === 'yen') return m.yen(value)
  return m.percent(value)
}

function definition(m: DashboardMessages, key: FigureKey, dormantDays: number): string {
  const d = m.figures[key].definition
  return typeof d === 'function' ? d(dormantDays) : d
}

/** Figures where fewer is better: their arrows are green going down. */
const LOWER_IS_BETTER: ReadonlySet<FigureKey> = new Set(['dormant', 'blocked'])

function Delta(props: { id: FigureKey; current: number | null; previous: number | null }) {
  const { current, previous } = props
  if (current === null || previous === null || current === previous) return null
  const up = current > previous
  const better = LOWER_IS_BETTER.has(props.id) ? !up : up
  return (
    <span class={better ? 'dash-delta dash-better' : 'dash-delta dash-worse'} aria-hidden="true">
      {up ? '▲' : '▼'}
    </span>
  )
}

function Figures({ data }: { data: Dashboard }) {
  const m = dashboardText()
  const { current, previous, dormantDays } = data
  const rows = FIGURES.map(([key, kind]) => ({
    key,
    kind,
    current: current[key as keyof DashboardFigures] as number | null,
    previous: previous[key as keyof DashboardFigures] as number | null,
  }))
  const file = `kpi-${current.from}_${current.to}.csv`
  const csv = () =>
    toCsv(
      [m.csvColumns.figure, m.csvColumns.current, m.csvColumns.previous, m.csvColumns.definition],
      [
        ...rows.map((r) => [
          m.figures[r.key].label,
          r.current,
          r.previous,
          definition(m, r.key, dormantDays),
        ]),
        [m.figures.reachable.label, data.reachable, null, m.figures.reachable.definition],
      ],
    )
  return (
    <section class="card stack" aria-labelledby="dash-figures">
      <div class="dash-section-head">
        <div class="grow">
          <h2 class="section-title" id="dash-figures">
            {m.figuresTitle}
          </h2>
          <p class="muted small" data-testid="dashboard-period">
            {m.period.range(current.from, current.to)}
          </p>
          <p class="muted small">{m.period.previous(previous.from, previous.to)}</p>
        </div>
        <CsvButton what={m.figuresTitle} file={file} csv={csv} />
      </div>
      <dl class="dash-figures">
        {rows.map((r) => (
          <Figure
            key={r.key}
            id={r.key}
            label={m.figures[r.key].label}
            definition={definition(m, r.key, dormantDays)}
            value={formatted(m, r.kind, r.current)}
            previous={m.previousValue(formatted(m, r.kind, r.previous))}
            delta={<Delta id={r.key} current={r.current} previous={r.previous} />}
          />
        ))}
        <Figure
          id="reachable"
          label={m.figures.reachable.label}
          definition={m.figures.reachable.definition}
          value={m.people(data.reachable)}
        />
      </dl>
    </section>
  )
}

function Ltv({ data }: { data: Dashboard }) {
  const m = dashboardText()
  const { ltv12mYen: ltv, ltvTrend } = data
  const yenOr = (v: number | null) => (v === null ? m.none : m.yen(v))
  const labels = ltvTrend.map((p) => p.to.slice(0, 7))
  const csv = () =>
    toCsv(
      [m.csvColumns.to, m.ltv.mean, m.ltv.median],
      ltvTrend.map((p) => [p.to, p.mean, p.median]),
    )
  return (
    <section class="card stack" aria-labelledby="dash-ltv">
      <SectionHead
        id="dash-ltv"
        title={m.ltv.title}
        definition={m.ltv.definition}
        csv={<CsvButton what={m.ltv.title} file={`ltv12m-${data.current.to}.csv`} csv={csv} />}
      />
      <dl class="dash-figures dash-figures-2">
        <div class="dash-figure" title={m.ltv.definition} data-testid="kpi-ltvMean">
          <dt>{m.ltv.mean}</dt>
          <dd class="dash-value">
            <span data-testid="kpi-ltvMean-value">{yenOr(ltv.mean)}</span>
          </dd>
        </div>
        <div class="dash-figure" title={m.ltv.definition} data-testid="kpi-ltvMedian">
          <dt>{m.ltv.median}</dt>
          <dd class="dash-value">
            <span data-testid="kpi-ltvMedian-value">{yenOr(ltv.median)}</span>
          </dd>
        </div>
      </dl>
      <p class="muted small">
        {m.ltv.window(ltv.from, ltv.to)}・{m.ltv.buyers(ltv.buyers)}
      </p>
      <h3 class="dash-subtitle">{m.ltv.trend}</h3>
      <LineChart
        testId="chart-ltv"
        labels={labels}
        shortLabels={ltvTrend.map((p) => m.ltv.shortMonth(p.to))}
        format={m.yen}
        summary={m.ltv.trendSummary(
          ltvTrend
            .map((p) => `${p.to.slice(0, 7)} ${yenOr(p.mean)} / ${yenOr(p.median)}`)
            .join('、'),
        )}
        series={[
          { label: m.ltv.mean, values: ltvTrend.map((p) => p.mean), color: '#00843a' },
          { label: m.ltv.median, values: ltvTrend.map((p) => p.median), color: '#2f6fde' },
        ]}
      />
    </section>
  )
}

function Cohorts({ data }: { data: Dashboard }) {
  const m = dashboardText()
  const { cohorts } = data
  const width = Math.max(1, ...cohorts.map((c) => c.retained.length))
  const months = Array.from({ length: width }, (_, k) => k)
  const curve = retentionCurve(cohorts)
  const tableCsv = () =>
    toCsv(
      [m.csvColumns.month, m.cohorts.size, ...months.map(m.cohorts.monthsSince)],
      cohorts.map((c) => [c.month, c.size, ...months.map((k) => c.retained[k] ?? null)]),
    )
  const curveCsv = () =>
    toCsv(
      ['k', m.cohorts.rate],
      curve.map((p) => [m.cohorts.monthsSince(p.k), p.rate.toFixed(4)]),
    )
  return (
    <section class="card stack" aria-labelledby="dash-cohorts">
      <div class="dash-section-head">
        <div class="grow">
          <h2 class="section-title" id="dash-cohorts">
            {m.cohorts.title}
          </h2>
          <p class="muted small">{m.cohorts.definition}</p>
        </div>
        <CsvButton what={m.cohorts.title} file={`cohorts-${data.current.to}.csv`} csv={tableCsv} />
      </div>
      {cohorts.length === 0 ? (
        <p class="muted">{m.cohorts.empty}</p>
      ) : (
        <>
          <div class="dash-scroll">
            <table class="dash-table dash-heat" data-testid="cohort-table">
              <caption class="sr-only">{m.cohorts.title}</caption>
              <thead>
                <tr>
                  <th scope="col">{m.cohorts.cohort}</th>
                  <th scope="col" class="num">
                    {m.cohorts.size}
                  </th>
                  {months.map((k) => (
                    <th scope="col" class="num" key={k}>
                      {m.cohorts.monthsSince(k)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {cohorts.map((c) => (
                  <tr key={c.month}>
                    <th scope="row">{c.month}</th>
                    <td class="num">{c.size.toLocaleString('ja-JP')}</td>
                    {months.map((k) => {
                      const n = c.retained[k]
                      if (n === undefined) return <td key={k} class="dash-heat-none" />
                      const rate = c.size === 0 ? 0 : n / c.size
                      return (
                        <td
                          key={k}
                          class="num dash-heat-cell"
                          style={{ '--heat': rate.toFixed(3) }}
                          title={m.cohorts.cell(n, c.size)}
                        >
                          {m.percent(rate)}
                        </td>
                      )
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div class="dash-section-head">
            <div class="grow">
              <h3 class="dash-subtitle">{m.cohorts.curve}</h3>
              <p class="muted small">{m.cohorts.curveDefinition}</p>
            </div>
            <CsvButton
              what={m.cohorts.curve}
              file={`retention-${data.current.to}.csv`}
              csv={curveCsv}
            />
          </div>
          <LineChart
            testId="chart-retention"
            labels={curve.map((p) => m.cohorts.monthsSince(p.k))}
            shortLabels={curve.map((p) => m.cohorts.shortMonthsSince(p.k))}
            format={(v) => `${Math.round(v * 100)}%`}
            summary={m.cohorts.curveSummary(
              curve.map((p) => `${m.cohorts.monthsSince(p.k)} ${m.percent(p.rate)}`).join('、'),
            )}
            series={[{ label: m.cohorts.rate, values: curve.map((p) => p.rate), color: '#00843a' }]}
          />
        </>
      )}
    </section>
  )
}

function Rfm({ data }: { data: Dashboard }) {
  const m = dashboardText()
  const cell = (r: string, f: string) => data.rfm.find((c) => c.recency === r && c.frequency === f)
  const most = Math.max(1, ...data.rfm.map((c) => c.members))
  const csv = () =>
    toCsv(
      [m.rfm.recency, m.rfm.frequency, m.rfm.members, m.rfm.revenue],
      RFM_RECENCY_BANDS.flatMap((r) =>
        RFM_FREQUENCY_BANDS.map((f) => [
          m.rfm.recencyBands[r],
          m.rfm.frequencyBands[f],
          cell(r, f)?.members ?? 0,
          cell(r, f)?.revenueYen ?? 0,
        ]),
      ),
    )
  return (
    <section class="card stack" aria-labelledby="dash-rfm">
      <div class="dash-section-head">
        <div class="grow">
          <h2 class="section-title" id="dash-rfm">
            {m.rfm.title}
          </h2>
          <p class="muted small">{m.rfm.definition}</p>
        </div>
        <CsvButton what={m.rfm.title} file={`rfm-${data.current.to}.csv`} csv={csv} />
      </div>
      {data.rfm.length === 0 ? (
        <p class="muted">{m.rfm.empty}</p>
      ) : (
        <div class="dash-scroll">
          <table class="dash-table dash-heat dash-rfm" data-testid="rfm-grid">
            <caption class="sr-only">{m.rfm.title}</caption>
            <thead>
              <tr>
                <th scope="col">
                  {m.rfm.recency} ＼ {m.rfm.frequency}
                </th>
                {RFM_FREQUENCY_BANDS.map((f) => (
                  <th scope="col" class="num" key={f}>
                    {m.rfm.frequencyBands[f]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {RFM_RECENCY_BANDS.map((r) => (
                <tr key={r}>
                  <th scope="row">{m.rfm.recencyBands[r]}</th>
                  {RFM_FREQUENCY_BANDS.map((f) => {
                    const c = cell(r, f)
                    const members = c?.members ?? 0
                    const recency = m.rfm.recencyBands[r]
                    const frequency = m.rfm.frequencyBands[f]
                    return (
                      <td
                        key={f}
                        class="num dash-heat-cell"
                        style={{ '--heat': (members / most).toFixed(3) }}
                      >
                        <a
                          href={rfmSegmentHref(r, f, m.rfm.segmentName(recency, frequency))}
                          aria-label={m.rfm.open(recency, frequency, m.people(members))}
                        >
                          <strong>{m.people(members)}</strong>
                          <span class="small">{m.yen(c?.revenueYen ?? 0)}</span>
                        </a>
                      </td>
                    )
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

function PeriodPicker(props: {
  today: string | null
  period: Period
  onChange(period: Period): void
}) {
  const m = dashboardText()
  const { today, period } = props
  const shown = period ?? (today ? presetRange('last30', today) : null)
  const [from, setFrom] = useState(shown?.from ?? '')
  const [to, setTo] = useState(shown?.to ?? '')
  const chosen = (key: PresetKey) => {
    if (!today) return false
    const range = presetRange(key, today)
    if (key === 'last30' && period === null) return true
    return period !== null && period.from === range.from && period.to === range.to
  }
  return (
    <form
      class="dash-period"
      aria-label={m.period.label}
      onSubmit={(e) => {
        e.preventDefault()
        if (from && to) props.onChange({ from, to })
      }}
    >
      <div class="dash-presets" role="group" aria-label={m.period.label}>
        {PRESETS.map((key) => (
          <button
            key={key}
            type="button"
            class="dash-preset"
            aria-pressed={chosen(key)}
            disabled={!today}
            onClick={() => {
              if (!today) return
              const range = presetRange(key, today)
              setFrom(range.from)
              setTo(range.to)
              props.onChange(key === 'last30' ? null : range)
            }}
          >
            {m.period[key]}
          </button>
        ))}
      </div>
      <div class="dash-custom">
        <label class="stack">
          <span class="field-label">{m.period.from}</span>
          <input
            class="input"
            type="date"
            value={from}
            max={to || undefined}
            onInput={(e) => setFrom(e.currentTarget.value)}
          />
        </label>
        <label class="stack">
          <span class="field-label">{m.period.to}</span>
          <input
            class="input"
            type="date"
            value={to}
            min={from || undefined}
            onInput={(e) => setTo(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="btn btn-secondary self-end" disabled={!from || !to}>
          {m.period.show}
        </button>
      </div>
    </form>
  )
}

/** The console's home: the shop's retention figures for a period against the one before. */
export default function DashboardScreen() {
  const { api } = useStaff()
  const m = dashboardText()
  const [period, setPeriod] = useState<Period>(null)
  const [today, setToday] = useState<string | null>(null)
  const query = period ? `?from=${period.from}&to=${period.to}` : ''
  const dashboard = useResource(async (signal) => {
    const data = await api.get<Dashboard>(`/api/staff/dashboard${query}`, { signal })
    // The default period ends today, shop time: the presets count back from it.
    if (!period) setToday(data.current.to)
    return data
  }, query)
  const data = dashboard.data

  return (
    <div class="stack dash">
      <PageHeader title={m.title} intro={data ? m.intro(data.timeZone) : undefined} />
      <QuotaWidget />
      {today !== null && (
        <PeriodPicker
          key={today}
          today={today}
          period={period}
          onChange={(next) => setPeriod(next)}
        />
      )}
      {dashboard.error !== null ? (
        <ErrorPanel error={dashboard.error} onRetry={dashboard.reload} />
      ) : !data ? (
        <div class="stack" aria-busy="true">
          <span class="sr-only" role="status">
            {m.loading}
          </span>
          <span class="skel" style="height:160px" />
          <span class="skel" style="height:240px" />
        </div>
      ) : (
        <div class="dash-body" aria-busy={dashboard.loading}>
          <Figures data={data} />
          <Ltv data={data} />
          <Cohorts data={data} />
          <Rfm data={data} />
          <InsightSections query={query} />
        </div>
      )}
    </div>
  )
}
