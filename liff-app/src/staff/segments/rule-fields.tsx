import {
  SEGMENT_WINDOW_DAYS,
  type Category,
  type SegmentWindow,
  type Tag,
  type Tier,
} from '@joren/shared'
import { segmentsText } from './messages.ts'

/* The small inputs a segment condition is made of. */

/** What the pickers offer, loaded once by the screen from the existing staff APIs. */
export interface RuleChoices {
  tags: Tag[]
  tiers: Tier[]
  surveys: { id: number; title: string }[]
  templates: { id: number; title: string }[]
  categories: Category[]
}

function toInt(value: string): number {
  const n = Number.parseInt(value, 10)
  return Number.isNaN(n) ? 0 : n
}

export function NumberField(props: {
  label: string
  value: number
  unit: string
  onChange: (n: number) => void
  min?: number
}) {
  return (
    <label class="seg-field">
      <span class="sr-only">{props.label}</span>
      <input
        class="input seg-number"
        type="number"
        inputMode="numeric"
        min={props.min ?? 0}
        aria-label={props.label}
        value={props.value}
        onInput={(e) => props.onChange(toInt(e.currentTarget.value))}
      />
      <span class="seg-unit">{props.unit}</span>
    </label>
  )
}

/** A number with its unit and a comparison ("≥ 3 回", "90 日以上"), as most rules take. */
export function Threshold<Op extends string>(props: {
  label: string
  value: number
  unit: string
  op: Op
  ops: { value: Op; label: string }[]
  onChange: (value: number, op: Op) => void
}) {
  return (
    <>
      <NumberField
        label={props.label}
        value={props.value}
        unit={props.unit}
        onChange={(value) => props.onChange(value, props.op)}
      />
      <Select
        label={props.label}
        value={props.op}
        options={props.ops}
        onChange={(op) => props.onChange(props.value, op)}
      />
    </>
  )
}

export function Select<T extends string | number>(props: {
  label: string
  value: T
  options: readonly { value: T; label: string }[]
  onChange: (value: T) => void
}) {
  return (
    <select
      class="input seg-select"
      aria-label={props.label}
      value={String(props.value)}
      onChange={(e) => {
        const picked = props.options.find((o) => String(o.value) === e.currentTarget.value)
        if (picked) props.onChange(picked.value)
      }}
    >
      {props.options.length === 0 && <option value="">{segmentsText().none}</option>}
      {props.options.map((o) => (
        <option key={String(o.value)} value={String(o.value)}>
          {o.label}
        </option>
      ))}
    </select>
  )
}

/** Toggle buttons for picking several values (tags, categories, genders, prefectures). */
export function MultiPick<T extends string | number>(props: {
  label: string
  values: readonly T[]
  options: readonly { value: T; label: string }[]
  onChange: (values: T[]) => void
}) {
  const m = segmentsText()
  if (props.options.length === 0) return <span class="muted">{m.none}</span>
  return (
    <div class="seg-picks" role="group" aria-label={props.label}>
      {props.options.map((o) => {
        const on = props.values.includes(o.value)
        return (
          <button
            key={String(o.value)}
            type="button"
            class={on ? 'chip seg-pick seg-pick-on' : 'chip seg-pick'}
            aria-pressed={on}
            onClick={() =>
              props.onChange(
                on ? props.values.filter((v) => v !== o.value) : [...props.values, o.value],
              )
            }
          >
            {o.label}
          </button>
        )
      })}
    </div>
  )
}

/** The windows the purchase summary keeps: all time, 12 months, the last 30 / 90 / 180 / 365 days. */
export function WindowPick(props: { value: SegmentWindow; onChange: (w: SegmentWindow) => void }) {
  const m = segmentsText()
  const options: { value: string; label: string; window: SegmentWindow }[] = [
    { value: '12m', label: m.window['12m'], window: '12m' },
    { value: 'all', label: m.window.all, window: 'all' },
    ...SEGMENT_WINDOW_DAYS.map((days) => ({
      value: String(days),
      label: m.window.lastDays(days),
      window: { days },
    })),
  ]
  const value = typeof props.value === 'object' ? String(props.value.days) : props.value
  return (
    <Select
      label={m.window.days}
      value={value}
      options={options}
      onChange={(picked) => {
        const option = options.find((o) => o.value === picked)
        if (option) props.onChange(option.window)
      }}
    />
  )
}

/** The comparisons conditions offer: for days ("90 日以上") and for counts and amounts (≥, ≤, =). */
export function comparisons(m: ReturnType<typeof segmentsText>) {
  return {
    daysOps: [
      { value: 'gte' as const, label: m.daysOps.gte },
      { value: 'lte' as const, label: m.daysOps.lte },
    ],
    cmpOps: [
      { value: 'gte' as const, label: m.cmpOps.gte },
      { value: 'lte' as const, label: m.cmpOps.lte },
      { value: 'eq' as const, label: m.cmpOps.eq },
    ],
  }
}
