import type { ComponentChildren } from 'preact'
import { dashboardText } from './messages.ts'

/** Pieces every dashboard section shares: CSV download, section heading, a figure with its definition. */

/** Saves `text` as a file (a CSV with its BOM) through a temporary link. */
function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }))
  const link = Object.assign(document.createElement('a'), { href: url, download: name })
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1_000)
}

export function CsvButton(props: { what: string; file: string; csv: () => string }) {
  const m = dashboardText()
  return (
    <button
      type="button"
      class="btn btn-secondary btn-sm"
      aria-label={m.csvLabel(props.what)}
      onClick={() => download(props.file, props.csv())}
    >
      {m.csv}
    </button>
  )
}

export function SectionHead(props: {
  id: string
  title: string
  definition: string
  csv?: ComponentChildren
}) {
  return (
    <div class="dash-section-head">
      <div class="grow">
        <h2 class="section-title" id={props.id}>
          {props.title}
        </h2>
        <p class="muted small">{props.definition}</p>
      </div>
      {props.csv}
    </div>
  )
}

export function Figure(props: {
  id: string
  label: string
  definition: string
  value: string
  previous?: string
  delta?: ComponentChildren
}) {
  return (
    <div class="dash-figure" title={props.definition} data-testid={`kpi-${props.id}`}>
      <dt aria-describedby={`def-${props.id}`}>{props.label}</dt>
      <dd class="dash-value">
        <span data-testid={`kpi-${props.id}-value`}>{props.value}</span>
        {props.delta}
      </dd>
      {props.previous && <dd class="muted small">{props.previous}</dd>}
      <dd class="sr-only" id={`def-${props.id}`}>
        {props.definition}
      </dd>
    </div>
  )
}
