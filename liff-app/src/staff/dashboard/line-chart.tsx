import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import { useEffect, useRef } from 'preact/hooks'

export interface ChartSeries {
  label: string
  values: (number | null)[]
  /** A CSS colour (the console's palette). */
  color: string
}

const HEIGHT = 220

/**
 * A small line chart (uPlot, on a canvas) over labelled points — month ends, months since — that
 * follows its container's width, so it reads on a 390 px phone and on a desk. The figures are
 * also in the summary (for screen readers) and in the CSV beside every chart.
 */
export function LineChart(props: {
  labels: readonly string[]
  /** Shorter labels for a narrow chart (a phone); every other one is shown when even those crowd. */
  shortLabels: readonly string[]
  series: readonly ChartSeries[]
  format: (value: number) => string
  summary: string
  testId: string
}) {
  const box = useRef<HTMLDivElement>(null)
  const { labels, shortLabels, series, format } = props
  const key = JSON.stringify([labels, series])

  useEffect(() => {
    const el = box.current
    if (!el) return
    const xs = labels.map((_, i) => i)
    const width = () => Math.max(240, Math.floor(el.clientWidth))
    const chart = new uPlot(
      {
        width: width(),
        height: HEIGHT,
        legend: { show: true, live: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: false, range: [-0.3, Math.max(0.3, labels.length - 0.7)] } },
        axes: [
          {
            splits: () => xs,
            values: (u, splits) => {
              const room = u.bbox.width / devicePixelRatio / Math.max(1, labels.length)
              return splits.map((i) => {
                if (room >= 72) return labels[i] ?? ''
                if (room >= 36 || i % 2 === 0) return shortLabels[i] ?? ''
                return ''
              })
            },
            gap: 4,
            size: 36,
          },
          {
            values: (_u, splits) => splits.map((v) => format(v)),
            size: 72,
          },
        ],
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            points: { show: true, size: 7, fill: s.color },
            value: (_u: uPlot, v: number | null) => (v === null ? '—' : format(v)),
          })),
        ],
      },
      [xs, ...series.map((s) => s.values)] as uPlot.AlignedData,
      el,
    )
    const resize = new ResizeObserver(() => chart.setSize({ width: width(), height: HEIGHT }))
    resize.observe(el)
    return () => {
      resize.disconnect()
      chart.destroy()
    }
  }, [key])

  return (
    <figure class="dash-chart" data-testid={props.testId}>
      <div ref={box} class="dash-chart-canvas" role="img" aria-label={props.summary} />
    </figure>
  )
}
