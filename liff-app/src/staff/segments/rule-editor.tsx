import {
  SEGMENT_MAX_DEPTH,
  type SegmentLeaf,
  type SegmentLeafType,
  type SegmentRule,
} from '@joren/shared'
import type { ComponentChildren } from 'preact'
import { LeafFields } from './leaf-fields.tsx'
import { segmentsText } from './messages.ts'
import { Select, type RuleChoices } from './rule-fields.tsx'
import { segmentsJa } from './segments-ja.ts'

export type { RuleChoices }

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
