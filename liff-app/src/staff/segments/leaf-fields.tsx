import {
  GENDERS,
  NPS_BANDS,
  PREFECTURES,
  type SegmentLeaf,
  type SegmentLeafType,
  type StaffSurvey,
} from '@joren/shared'
import { useEffect, useState } from 'preact/hooks'
import { useStaff } from '../context.ts'
import { locale } from '../messages.ts'
import { segmentsText } from './messages.ts'
import {
  comparisons,
  MultiPick,
  NumberField,
  Select,
  Threshold,
  WindowPick,
  type RuleChoices,
} from './rule-fields.tsx'

type LeafOf<T extends SegmentLeafType> = Extract<SegmentLeaf, { type: T }>

interface FieldsProps<Leaf extends SegmentLeaf> {
  leaf: Leaf
  choices: RuleChoices
  onChange: (leaf: SegmentLeaf) => void
}

/** A condition's own inputs, by what it is about: purchases, the member, or engagement. */
export function LeafFields({ leaf, choices, onChange }: FieldsProps<SegmentLeaf>) {
  switch (leaf.type) {
    case 'lastPurchase':
    case 'firstPurchase':
    case 'lastInteraction':
    case 'purchaseCount':
    case 'spend':
    case 'spendTopPercent':
    case 'category':
      return <PurchaseFields leaf={leaf} choices={choices} onChange={onChange} />
    case 'tier':
    case 'tags':
    case 'gender':
    case 'prefecture':
    case 'age':
    case 'birthdayMonth':
    case 'interests':
    case 'attribute':
    case 'followedWithin':
    case 'followedBefore':
      return <ProfileFields leaf={leaf} choices={choices} onChange={onChange} />
    case 'surveyAnswered':
    case 'surveyOption':
    case 'npsBand':
    case 'points':
    case 'unusedCoupon':
      return <EngagementFields leaf={leaf} choices={choices} onChange={onChange} />
  }
}

/** When and how much they bought (and their last interaction, measured in days like a purchase). */
function PurchaseFields({
  leaf,
  choices,
  onChange,
}: FieldsProps<
  LeafOf<
    | 'lastPurchase'
    | 'firstPurchase'
    | 'lastInteraction'
    | 'purchaseCount'
    | 'spend'
    | 'spendTopPercent'
    | 'category'
  >
>) {
  const m = segmentsText()
  const { daysOps, cmpOps } = comparisons(m)
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
  }
}

/** Who the member is: tier, tags, profile, when they became a friend. */
function ProfileFields({
  leaf,
  choices,
  onChange,
}: FieldsProps<
  LeafOf<
    | 'tier'
    | 'tags'
    | 'gender'
    | 'prefecture'
    | 'age'
    | 'birthdayMonth'
    | 'interests'
    | 'attribute'
    | 'followedWithin'
    | 'followedBefore'
  >
>) {
  const m = segmentsText()
  switch (leaf.type) {
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
  }
}

/** What they answered, hold and have not used: surveys, points, coupons. */
function EngagementFields({
  leaf,
  choices,
  onChange,
}: FieldsProps<LeafOf<'surveyAnswered' | 'surveyOption' | 'npsBand' | 'points' | 'unusedCoupon'>>) {
  const m = segmentsText()
  const { cmpOps } = comparisons(m)
  const surveyOptions = choices.surveys.map((s) => ({ value: s.id, label: s.title }))
  switch (leaf.type) {
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
