import type { CampaignRow, DashboardInsights } from '@joren/shared'
import { useResource } from '../../lib/use-resource.ts'
import { ErrorPanel } from '../components/error-panel.tsx'
import { useStaff } from '../context.ts'
import { LineChart } from './line-chart.tsx'
import { dashboardText, insightsText } from './messages.ts'
import { toCsv } from './model.ts'
import { CsvButton, Figure, SectionHead } from './parts.tsx'

/**
 * The dashboard's sections after the retention figures: satisfaction (NPS, CSAT, response rate),
 * coupon redemption by source, every broadcast and journey with its lift over the holdout, and
 * the month's message economy. Loaded after the core figures, from their own endpoint.
 */
export function InsightSections(props: { query: string }) {
  const { api } = useStaff()
  const m = insightsText()
  const insights = useResource(
    (signal) =>
      api.get<DashboardInsights>(`/api/staff/dashboard/insights${props.query}`, { signal }),
    `insights${props.query}`,
  )
  if (insights.error !== null)
    return <ErrorPanel error={insights.error} onRetry={insights.reload} />
  const data = insights.data
  if (!data)
    return (
      <div class="stack" aria-busy="true">
        <span class="sr-only" role="status">
          {m.loading}
        </span>
        <span class="skel" style="height:200px" />
      </div>
    )
  return (
    <>
      <Satisfaction data={data} />
      <Coupons data={data} />
      <Campaigns data={data} />
      <Economy data={data} />
    </>
  )
}

const ratioOr = (v: number | null) => (v === null ? null : Number(v.toFixed(4)))

function Satisfaction({ data }: { data: DashboardInsights }) {
  const m = insightsText()
  const d = dashboardText()
  const s = m.satisfaction
  const rows = data.satisfaction
  const pct = (v: number | null) => (v === null ? d.none : d.percent(v))
  const csv = () =>
    toCsv(
      [
        s.month,
        s.nps,
        s.responses,
        s.promoters,
        s.passives,
        s.detractors,
        s.csat,
        s.responseRate,
        s.respondents,
        s.friends,
      ],
      rows.map((r) => [
        r.month,
        r.nps,
        r.npsResponses,
        r.promoters,
        r.passives,
        r.detractors,
        ratioOr(r.csat),
        ratioOr(r.responseRate),
        r.respondents,
        r.friends,
      ]),
    )
  const last = rows.at(-1)
  return (
    <section class="card stack" aria-labelledby="dash-satisfaction" data-testid="dash-satisfaction">
      <SectionHead
        id="dash-satisfaction"
        title={s.title}
        definition={s.definition}
        csv={<CsvButton what={s.title} file={`satisfaction-${data.to}.csv`} csv={csv} />}
      />
      {last && (
        <dl class="dash-figures">
          <Figure
            id="nps"
            label={s.nps}
            definition={s.npsDefinition}
            value={last.nps === null ? d.none : String(last.nps)}
          />
          <Figure id="csat" label={s.csat} definition={s.csatDefinition} value={pct(last.csat)} />
          <Figure
            id="responseRate"
            label={s.responseRate}
            definition={s.responseRateDefinition}
            value={pct(last.responseRate)}
          />
        </dl>
      )}
      <h3 class="dash-subtitle" title={s.npsDefinition}>
        {s.chart}
      </h3>
      <LineChart
        testId="chart-nps"
        labels={rows.map((r) => r.month)}
        shortLabels={rows.map((r) => s.shortMonth(r.month))}
        format={(v) => String(Math.round(v))}
        summary={s.chartSummary(rows.map((r) => `${r.month} ${r.nps ?? d.none}`).join('、'))}
        series={[{ label: s.nps, values: rows.map((r) => r.nps), color: '#00843a' }]}
      />
      <h3 class="dash-subtitle" title={`${s.csatDefinition} ${s.responseRateDefinition}`}>
        {s.rateChart}
      </h3>
      <LineChart
        testId="chart-csat"
        labels={rows.map((r) => r.month)}
        shortLabels={rows.map((r) => s.shortMonth(r.month))}
        format={(v) => `${Math.round(v * 100)}%`}
        summary={s.rateSummary(
          rows.map((r) => `${r.month} ${pct(r.csat)} / ${pct(r.responseRate)}`).join('、'),
        )}
        series={[
          { label: s.csat, values: rows.map((r) => r.csat), color: '#2f6fde' },
          { label: s.responseRate, values: rows.map((r) => r.responseRate), color: '#b45309' },
        ]}
      />
    </section>
  )
}

function Coupons({ data }: { data: DashboardInsights }) {
  const m = insightsText()
  const d = dashboardText()
  const c = m.coupons
  const csv = () =>
    toCsv(
      [c.source, c.issued, c.redeemed, c.rate],
      data.coupons.map((r) => [c.sources[r.source], r.issued, r.redeemed, ratioOr(r.rate)]),
    )
  return (
    <section class="card stack" aria-labelledby="dash-coupons" data-testid="dash-coupons">
      <SectionHead
        id="dash-coupons"
        title={c.title}
        definition={c.definition}
        csv={<CsvButton what={c.title} file={`coupons-${data.from}_${data.to}.csv`} csv={csv} />}
      />
      <div class="dash-scroll">
        <table class="dash-table" data-testid="coupon-rates">
          <caption class="sr-only">{c.title}</caption>
          <thead>
            <tr>
              <th scope="col">{c.source}</th>
              <th scope="col" class="num" title={c.issuedDefinition}>
                {c.issued}
              </th>
              <th scope="col" class="num" title={c.redeemedDefinition}>
                {c.redeemed}
              </th>
              <th scope="col" class="num" title={c.rateDefinition}>
                {c.rate}
              </th>
            </tr>
          </thead>
          <tbody>
            {data.coupons.map((r) => (
              <tr key={r.source}>
                <th scope="row">{c.sources[r.source]}</th>
                <td class="num">{d.count(r.issued)}</td>
                <td class="num">{d.count(r.redeemed)}</td>
                <td class="num">{r.rate === null ? d.none : d.percent(r.rate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}

function liftText(row: CampaignRow): string {
  const m = insightsText()
  const { lift } = row
  if (lift.difference === null) return m.campaigns.noHoldout
  const interval = lift.interval95
    ? ` ${m.campaigns.interval(lift.interval95[0], lift.interval95[1])}`
    : ''
  return `${m.campaigns.points(lift.difference)}${interval}`
}

function Campaigns({ data }: { data: DashboardInsights }) {
  const m = insightsText()
  const d = dashboardText()
  const c = m.campaigns
  const started = (at: number | null) =>
    at === null ? d.none : new Date(at).toLocaleDateString('ja-JP', { timeZone: data.timeZone })
  const csv = () =>
    toCsv(
      [
        m.csvColumns.kind,
        c.name,
        c.started,
        c.window,
        c.reached,
        c.heldOut,
        c.coupons,
        c.purchases,
        c.revenue,
        c.lift,
        'interval95_low',
        'interval95_high',
      ],
      data.campaigns.map((r) => [
        c.kind[r.kind],
        r.name,
        started(r.startedAt),
        r.windowDays,
        r.reached,
        r.heldOut,
        r.couponsRedeemed,
        r.purchases,
        r.revenueYen,
        ratioOr(r.lift.difference),
        ratioOr(r.lift.interval95?.[0] ?? null),
        ratioOr(r.lift.interval95?.[1] ?? null),
      ]),
    )
  return (
    <section class="card stack" aria-labelledby="dash-campaigns" data-testid="dash-campaigns">
      <SectionHead
        id="dash-campaigns"
        title={c.title}
        definition={c.definition}
        csv={<CsvButton what={c.title} file={`campaigns-${data.to}.csv`} csv={csv} />}
      />
      {data.campaigns.length === 0 ? (
        <p class="muted">{c.empty}</p>
      ) : (
        <div class="dash-scroll">
          <table class="dash-table" data-testid="campaign-table">
            <caption class="sr-only">{c.title}</caption>
            <thead>
              <tr>
                <th scope="col">{c.name}</th>
                <th scope="col">{c.started}</th>
                <th scope="col" class="num" title={c.reachedDefinition}>
                  {c.reached}
                </th>
                <th scope="col" class="num" title={c.heldOutDefinition}>
                  {c.heldOut}
                </th>
                <th scope="col" class="num" title={c.couponsDefinition}>
                  {c.coupons}
                </th>
                <th scope="col" class="num" title={c.purchasesDefinition}>
                  {c.purchases}
                </th>
                <th scope="col" class="num" title={c.revenueDefinition}>
                  {c.revenue}
                </th>
                <th scope="col" class="num" title={c.liftDefinition}>
                  {c.lift}
                </th>
                <th scope="col" class="num" title={c.openedDefinition}>
                  {c.opened}
                </th>
                <th scope="col" class="num" title={c.clickedDefinition}>
                  {c.clicked}
                </th>
              </tr>
            </thead>
            <tbody>
              {data.campaigns.map((r) => (
                <tr key={`${r.kind}-${r.id}`}>
                  <th scope="row">
                    <span class="muted small">{c.kind[r.kind]}</span> {r.name}
                  </th>
                  <td>
                    {started(r.startedAt)}
                    <span class="muted small"> / {c.windowDays(r.windowDays)}</span>
                  </td>
                  <td class="num">{d.people(r.reached)}</td>
                  <td class="num">{d.people(r.heldOut)}</td>
                  <td class="num">{d.count(r.couponsRedeemed)}</td>
                  <td class="num">{d.count(r.purchases)}</td>
                  <td class="num">{d.yen(r.revenueYen)}</td>
                  <td class="num">{liftText(r)}</td>
                  <td class="num" data-testid="campaign-opened">
                    <LineFigures row={r} pick="opened" timeZone={data.timeZone} />
                  </td>
                  <td class="num" data-testid="campaign-clicked">
                    <LineFigures row={r} pick="clicked" timeZone={data.timeZone} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="muted small" title={c.openClick}>
        {c.openClickNote}
      </p>
    </section>
  )
}

/** LINE's opens or clicks of a campaign: one figure (broadcast) or one per journey step. */
function LineFigures(props: { row: CampaignRow; pick: 'opened' | 'clicked'; timeZone: string }) {
  const c = insightsText().campaigns
  const d = dashboardText()
  if (props.row.line.length === 0) return <span class="muted">{c.notPolled}</span>
  const day = (at: number) => new Date(at).toLocaleDateString('ja-JP', { timeZone: props.timeZone })
  return (
    <>
      {props.row.line.map((s) => {
        const value = s[props.pick]
        return (
          <div key={s.unit} title={c.asOf(day(s.reportedAt))}>
            {s.step === null ? null : <span class="muted small">{c.step(s.step)} </span>}
            {value === null ? c.fewerThan20 : d.people(value)}
            <span class="muted small"> {c.asOf(day(s.reportedAt))}</span>
          </div>
        )
      })}
    </>
  )
}

function Economy({ data }: { data: DashboardInsights }) {
  const m = insightsText()
  const d = dashboardText()
  const e = m.economy
  const x = data.economy
  const yenOr = (v: number | null) => (v === null ? d.none : d.yen(v))
  const items: [string, string, string, string | number | null][] = [
    ['pushes', e.pushes, e.pushesDefinition, x.pushes],
    ['replies', e.replies, e.repliesDefinition, x.replies],
    ['plan', e.plan, e.planDefinition, e.plans[x.plan]],
    ['overage', e.overage, e.overageDefinition, x.overageYen],
    ['cost', e.cost, e.costDefinition, x.costYen],
    ['returning', e.returning, e.returningDefinition, x.returningBuyers],
    ['perReturning', e.perReturning, e.perReturningDefinition, x.costPerReturningYen],
  ]
  const csv = () =>
    toCsv(
      [m.csvColumns.item, m.csvColumns.value, m.csvColumns.definition],
      items.map(([, label, definition, value]) => [label, value, definition]),
    )
  return (
    <section class="card stack" aria-labelledby="dash-economy" data-testid="dash-economy">
      <SectionHead
        id="dash-economy"
        title={`${e.title}（${x.month}）`}
        definition={e.definition}
        csv={<CsvButton what={e.title} file={`messages-${x.month}.csv`} csv={csv} />}
      />
      <dl class="dash-figures">
        <Figure
          id="pushes"
          label={e.pushes}
          definition={e.pushesDefinition}
          value={d.count(x.pushes)}
        />
        <Figure
          id="replies"
          label={e.replies}
          definition={e.repliesDefinition}
          value={d.count(x.replies)}
        />
        <Figure id="plan" label={e.plan} definition={e.planDefinition} value={e.plans[x.plan]} />
        <Figure
          id="overage"
          label={e.overage}
          definition={e.overageDefinition}
          value={x.overageYen === null ? d.none : d.yen(x.overageYen)}
          previous={x.overageMessages === null ? e.overageNone : e.over(x.overageMessages)}
        />
        <Figure id="cost" label={e.cost} definition={e.costDefinition} value={yenOr(x.costYen)} />
        <Figure
          id="returning"
          label={e.returning}
          definition={e.returningDefinition}
          value={d.people(x.returningBuyers)}
        />
        <Figure
          id="perReturning"
          label={e.perReturning}
          definition={e.perReturningDefinition}
          value={yenOr(x.costPerReturningYen)}
        />
      </dl>
    </section>
  )
}
