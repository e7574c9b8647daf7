import {
  GENDERS,
  NPS_BANDS,
  PREFECTURES,
  SEGMENT_MAX_DEPTH,
  SEGMENT_WINDOW_DAYS,
  type Category,
  type SegmentLeaf,
  type SegmentLeafType,
  type SegmentRule,
  type SegmentWindow,
  type StaffSurvey,
  type Tag,
  type Tier,
} from '@joren/shared'
import type { ComponentChildren } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { useStaff } from '../context.ts'
import { locale } from '../messages.ts'
import { segmentsText } from './messages.ts'
import { segmentsJa } from './segments-ja.ts'

/** What the pickers offer, loaded once by the screen from the existing staff APIs. */
export interface RuleChoices {
  tags: Tag[]
  tiers: Tier[]
  surveys: { id: number; title: string }[]
  templates: { id: number; title: string }[]
  categories: Category[]
}

const LEAF_TYPES = Object.keys(segmentsJa.types) as SegmentLeafType[]

/** A sensible starting value for each condition type. */
export function defaultLeaf(type: SegmentLeafType, choices: RuleChoices): SegmentLeaf {
  switch (type) {
    case 'lastPurchase':
      return { type, op: 'gte', days: 90 }
    case 'firstPurchase':
      return { type, op: 'lte', days: 30 }
    case 'purchaseCount':
      return { type, op: 'gte', value: 5, window: '12m' }
    case 'spend':
      return { type, op: 'gte', valueYen: 10_000, window: '12m' }
    case 'spendTopPercent':
      return { type, percent: 20 }
    case 'category':
      return { type, categories: choices.categories.slice(0, 1).map((c) => c.id), withinDays: null }
    case 'tier':
      return { type, op: 'atLeast', tierId: choices.tiers[1]?.id ?? choices.tiers[0]?.id ?? 1 }
    case 'tags':
      return { type, match: 'any', tagIds: choices.tags.slice(0, 1).map((t) => t.id) }
    case 'gender':
      return { type, genders: ['female'] }
    case 'prefecture':
      return { type, prefectures: ['13'] }
    case 'age':
      return { type, min: 20, max: 29 }
    case 'birthdayMonth':
      return { type, month: 'current' }
    case 'interests':
      return { type, interests: [] }
    case 'attribute':
      return { type, key: '', value: '' }
    case 'followedWithin':
      return { type, days: 30 }
    case 'followedBefore':
      return { type, date: new Date().toISOString().slice(0, 10) }
    case 'surveyAnswered':
      return { type, surveyId: choices.surveys[0]?.id ?? 0 }
    case 'surveyOption':
      return { type, surveyId: choices.surveys[0]?.id ?? 0, questionId: '', optionId: '' }
    case 'npsBand':
      return { type, surveyId: choices.surveys[0]?.id ?? 0, band: 'promoter' }
    case 'points':
      return { type, op: 'gte', value: 100 }
    case 'unusedCoupon':
      return { type, templateId: choices.templates[0]?.id ?? 0 }
    case 'lastInteraction':
      return { type, op: 'lte', days: 30 }
  }
}

function toInt(value: string): number {
  const n = Number.parseInt(value, 10)
  return Number.isNaN(n) ? 0 : n
}

function NumberField(props: {
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
function Threshold<Op extends string>(props: {
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

function Select<T extends string | number>(props: {
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
function MultiPick<T extends string | number>(props: {
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
function WindowPick(props: { value: SegmentWindow; onChange: (w: SegmentWindow) => void }) {
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

function SurveyOptionFields(props: {
  leaf: Extract<SegmentLeaf, { type: 'surveyOption' }>
  choices: RuleChoices
  onChange: (leaf: SegmentLeaf) => void
}) {
  const { api } = useStaff()
  const m = segmentsText()
  const { leaf } = props
  const [survey, setSurvey] = useState<StaffSurvey | null>(null)
  useEffect(() => {
    if (!leaf.surveyId) return
    const controller = new AbortController()
    api
      .get<StaffSurvey>(`/api/staff/surveys/${leaf.surveyId}`, { signal: controller.signal })
      .then(setSurvey, () => setSurvey(null))
    return () => controller.abort()
  }, [leaf.surveyId])
  const questions = (survey?.questions ?? []).flatMap((q) =>
    q.type === 'single' || q.type === 'multiple' ? [q] : [],
  )
  const question = questions.find((q) => q.id === leaf.questionId)
  return (
    <>
      <Select
        label={m.survey}
        value={leaf.surveyId}
        options={props.choices.surveys.map((s) => ({ value: s.id, label: s.title }))}
        onChange={(surveyId) => props.onChange({ ...leaf, surveyId, questionId: '', optionId: '' })}
      />
      {survey === null ? (
        <span class="muted">{m.loadingChoices}</span>
      ) : (
        <>
          <Select
            label={m.question}
            value={leaf.questionId}
            options={[
              { value: '', label: m.choose },
              ...questions.map((q) => ({ value: q.id, label: q.label })),
            ]}
            onChange={(questionId) => props.onChange({ ...leaf, questionId, optionId: '' })}
          />
          <Select
            label={m.option}
            value={leaf.optionId}
            options={[
              { value: '', label: m.choose },
              ...(question?.options ?? []).map((o) => ({ value: o.id, label: o.label })),
            ]}
            onChange={(optionId) => props.onChange({ ...leaf, optionId })}
          />
        </>
      )}
    </>
  )
}

function LeafFields(props: {
  leaf: SegmentLeaf
  choices: RuleChoices
  onChange: (leaf: SegmentLeaf) => void
}) {
  const m = segmentsText()
  const { leaf, choices, onChange } = props
  const daysOps = [
    { value: 'gte' as const, label: m.daysOps.gte },
    { value: 'lte' as const, label: m.daysOps.lte },
  ]
  const cmpOps = [
    { value: 'gte' as const, label: m.cmpOps.gte },
    { value: 'lte' as const, label: m.cmpOps.lte },
    { value: 'eq' as const, label: m.cmpOps.eq },
  ]
  const surveyOptions = choices.surveys.map((s) => ({ value: s.id, label: s.title }))
  switch (leaf.type) {
    case 'lastPurchase':
    case 'firstPurchase':
    case 'lastInteraction':
      return (
        <Threshold
          label={m.types[leaf.type]}
          value={leaf.days}
          unit={m.daysUnit}
          op={leaf.op}
          ops={daysOps}
          onChange={(days, op) => onChange({ ...leaf, days, op })}
        />
      )
    case 'purchaseCount':
      return (
        <>
          <WindowPick value={leaf.window} onChange={(window) => onChange({ ...leaf, window })} />
          <Threshold
            label={m.types.purchaseCount}
            value={leaf.value}
            unit={m.timesUnit}
            op={leaf.op}
            ops={cmpOps}
            onChange={(value, op) => onChange({ ...leaf, value, op })}
          />
        </>
      )
    case 'spend':
      return (
        <>
          <WindowPick value={leaf.window} onChange={(window) => onChange({ ...leaf, window })} />
          <Threshold
            label={m.types.spend}
            value={leaf.valueYen}
            unit={m.yenUnit}
            op={leaf.op}
            ops={cmpOps}
            onChange={(valueYen, op) => onChange({ ...leaf, valueYen, op })}
          />
        </>
      )
    case 'spendTopPercent':
      return (
        <NumberField
          label={m.types.spendTopPercent}
          value={leaf.percent}
          unit={m.percentUnit}
          min={1}
          onChange={(percent) => onChange({ ...leaf, percent })}
        />
      )
    case 'category':
      return (
        <>
          <Select
            label={m.window.days}
            value={leaf.withinDays === null ? 'ever' : 'days'}
            options={[
              { value: 'ever', label: m.ever },
              { value: 'days', label: m.window.customDays },
            ]}
            onChange={(k) => onChange({ ...leaf, withinDays: k === 'ever' ? null : 30 })}
          />
          {leaf.withinDays !== null && (
            <NumberField
              label={m.window.days}
              value={leaf.withinDays}
              unit={m.daysUnit}
              min={1}
              onChange={(withinDays) => onChange({ ...leaf, withinDays })}
            />
          )}
          <MultiPick
            label={m.types.category}
            values={leaf.categories}
            options={choices.categories.map((c) => ({ value: c.id, label: c.label }))}
            onChange={(categories) => onChange({ ...leaf, categories })}
          />
        </>
      )
    case 'tier':
      return (
        <>
          <Select
            label={m.types.tier}
            value={leaf.tierId}
            options={choices.tiers.map((t) => ({ value: t.id, label: t.name }))}
            onChange={(tierId) => onChange({ ...leaf, tierId })}
          />
          <Select
            label={m.types.tier}
            value={leaf.op}
            options={[
              { value: 'atLeast' as const, label: m.tierAtLeast },
              { value: 'exactly' as const, label: m.tierExactly },
            ]}
            onChange={(op) => onChange({ ...leaf, op })}
          />
        </>
      )
    case 'tags':
      return (
        <>
          <Select
            label={m.types.tags}
            value={leaf.match}
            options={(['any', 'all', 'none'] as const).map((k) => ({
              value: k,
              label: m.tagsMatch[k],
            }))}
            onChange={(match) => onChange({ ...leaf, match })}
          />
          <MultiPick
            label={m.types.tags}
            values={leaf.tagIds}
            options={choices.tags.map((t) => ({ value: t.id, label: t.name }))}
            onChange={(tagIds) => onChange({ ...leaf, tagIds })}
          />
        </>
      )
    case 'gender':
      return (
        <MultiPick
          label={m.types.gender}
          values={leaf.genders}
          options={GENDERS.map((g) => ({ value: g, label: m.genders[g] }))}
          onChange={(genders) => onChange({ ...leaf, genders })}
        />
      )
    case 'prefecture':
      return (
        <MultiPick
          label={m.types.prefecture}
          values={leaf.prefectures}
          options={PREFECTURES.map(([code, ja, en]) => ({
            value: code,
            label: locale() === 'en' ? en : ja,
          }))}
          onChange={(prefectures) => onChange({ ...leaf, prefectures })}
        />
      )
    case 'age':
      return (
        <>
          <NumberField
            label={m.ageMin}
            value={leaf.min ?? 0}
            unit={m.ageUnit}
            onChange={(min) => onChange({ ...leaf, min })}
          />
          <span>〜</span>
          <NumberField
            label={m.ageMax}
            value={leaf.max ?? 0}
            unit={m.ageUnit}
            onChange={(max) => onChange({ ...leaf, max })}
          />
        </>
      )
    case 'birthdayMonth':
      return (
        <Select
          label={m.types.birthdayMonth}
          value={leaf.month}
          options={[
            { value: 'current' as const, label: m.currentMonth },
            ...Array.from({ length: 12 }, (_, i) => ({ value: i + 1, label: m.monthLabel(i + 1) })),
          ]}
          onChange={(month) => onChange({ ...leaf, month })}
        />
      )
    case 'interests':
      return (
        <input
          class="input seg-text"
          aria-label={m.types.interests}
          placeholder={m.interestsHint}
          value={leaf.interests.join(', ')}
          onChange={(e) =>
            onChange({
              ...leaf,
              interests: e.currentTarget.value
                .split(/[,、\s]+/)
                .map((s) => s.trim())
                .filter(Boolean),
            })
          }
        />
      )
    case 'attribute':
      return (
        <>
          <input
            class="input seg-text"
            aria-label={m.attrKey}
            placeholder={m.attrKey}
            maxLength={64}
            value={leaf.key}
            onInput={(e) => onChange({ ...leaf, key: e.currentTarget.value })}
          />
          <span>=</span>
          <input
            class="input seg-text"
            aria-label={m.attrValue}
            placeholder={m.attrValue}
            maxLength={200}
            value={leaf.value}
            onInput={(e) => onChange({ ...leaf, value: e.currentTarget.value })}
          />
        </>
      )
    case 'followedWithin':
      return (
        <NumberField
          label={m.types.followedWithin}
          value={leaf.days}
          unit={m.daysOps.lte}
          min={1}
          onChange={(days) => onChange({ ...leaf, days })}
        />
      )
    case 'followedBefore':
      return (
        <input
          class="input seg-text"
          type="date"
          aria-label={m.date}
          value={leaf.date}
          onInput={(e) => onChange({ ...leaf, date: e.currentTarget.value })}
        />
      )
    case 'surveyAnswered':
      return (
        <Select
          label={m.survey}
          value={leaf.surveyId}
          options={surveyOptions}
          onChange={(surveyId) => onChange({ ...leaf, surveyId })}
        />
      )
    case 'surveyOption':
      return <SurveyOptionFields leaf={leaf} choices={choices} onChange={onChange} />
    case 'npsBand':
      return (
        <>
          <Select
            label={m.survey}
            value={leaf.surveyId}
            options={surveyOptions}
            onChange={(surveyId) => onChange({ ...leaf, surveyId })}
          />
          <Select
            label={m.types.npsBand}
            value={leaf.band}
            options={NPS_BANDS.map((b) => ({ value: b, label: m.npsBands[b] }))}
            onChange={(band) => onChange({ ...leaf, band })}
          />
        </>
      )
    case 'points':
      return (
        <Threshold
          label={m.types.points}
          value={leaf.value}
          unit={m.pointsUnit}
          op={leaf.op}
          ops={cmpOps}
          onChange={(value, op) => onChange({ ...leaf, value, op })}
        />
      )
    case 'unusedCoupon':
      return (
        <Select
          label={m.template}
          value={leaf.templateId}
          options={choices.templates.map((t) => ({ value: t.id, label: t.title }))}
          onChange={(templateId) => onChange({ ...leaf, templateId })}
        />
      )
  }
}

function RuleRow(props: {
  rule: SegmentRule
  depth: number
  choices: RuleChoices
  onChange: (rule: SegmentRule) => void
  onRemove: () => void
}) {
  const m = segmentsText()
  const negated = props.rule.type === 'not'
  const inner = props.rule.type === 'not' ? props.rule.rule : props.rule
  const set = (next: SegmentRule) => props.onChange(negated ? { type: 'not', rule: next } : next)
  let body: ComponentChildren
  if (inner.type === 'all' || inner.type === 'any') {
    body = <RuleGroup rule={inner} depth={props.depth + 1} choices={props.choices} onChange={set} />
  } else if (inner.type === 'not') {
    body = null
  } else {
    body = (
      <div class="seg-leaf">
        <Select
          label={m.group.chooseType}
          value={inner.type}
          options={LEAF_TYPES.map((type) => ({ value: type, label: m.types[type] }))}
          onChange={(type) => set(defaultLeaf(type, props.choices))}
        />
        <LeafFields leaf={inner} choices={props.choices} onChange={set} />
      </div>
    )
  }
  return (
    <li class="seg-rule">
      <div class="grow stack">{body}</div>
      <div class="seg-rule-actions">
        <label class="seg-negate">
          <input
            type="checkbox"
            checked={negated}
            onChange={() => props.onChange(negated ? inner : { type: 'not', rule: inner })}
          />
          {m.group.negate}
        </label>
        <button
          class="btn btn-sm btn-secondary"
          type="button"
          aria-label={m.group.remove}
          title={m.group.remove}
          onClick={props.onRemove}
        >
          ×
        </button>
      </div>
    </li>
  )
}

/** An all / any group of conditions and nested groups. */
export function RuleGroup(props: {
  rule: Extract<SegmentRule, { type: 'all' | 'any' }>
  depth: number
  choices: RuleChoices
  onChange: (rule: SegmentRule) => void
}) {
  const m = segmentsText()
  const { rule } = props
  const replace = (i: number, next: SegmentRule | null) =>
    props.onChange({
      ...rule,
      rules:
        next === null
          ? rule.rules.filter((_, j) => j !== i)
          : rule.rules.map((r, j) => (j === i ? next : r)),
    })
  // Group (1) › negated row (2) › nested group (3) › negated row (4) › condition (5): one level of
  // nesting always fits SEGMENT_MAX_DEPTH.
  const canNest = props.depth === 0 && SEGMENT_MAX_DEPTH >= 5
  return (
    <div class={props.depth === 0 ? 'seg-group' : 'seg-group seg-group-nested'}>
      <Select
        label={m.group.all}
        value={rule.type}
        options={[
          { value: 'all' as const, label: m.group.all },
          { value: 'any' as const, label: m.group.any },
        ]}
        onChange={(type) => props.onChange({ ...rule, type })}
      />
      {rule.rules.length === 0 ? (
        <p class="muted">{m.group.empty}</p>
      ) : (
        <ul class="seg-rules">
          {rule.rules.map((child, i) => (
            <RuleRow
              key={i}
              rule={child}
              depth={props.depth}
              choices={props.choices}
              onChange={(next) => replace(i, next)}
              onRemove={() => replace(i, null)}
            />
          ))}
        </ul>
      )}
      <div class="seg-add">
        <button
          class="btn btn-secondary"
          type="button"
          onClick={() =>
            props.onChange({
              ...rule,
              rules: [...rule.rules, defaultLeaf('lastPurchase', props.choices)],
            })
          }
        >
          ＋ {m.group.addCondition}
        </button>
        {canNest && (
          <button
            class="btn btn-secondary"
            type="button"
            onClick={() =>
              props.onChange({
                ...rule,
                rules: [
                  ...rule.rules,
                  { type: 'any', rules: [defaultLeaf('lastPurchase', props.choices)] },
                ],
              })
            }
          >
            ＋ {m.group.addGroup}
          </button>
        )}
      </div>
    </div>
  )
}
