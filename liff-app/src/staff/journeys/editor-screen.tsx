import {
  JOURNEY_STEP_CONDITIONS,
  JOURNEY_TRIGGER_KINDS,
  MAX_JOURNEY_STEPS,
  type CouponTemplateStats,
  type JourneyPreviewResult,
  type JourneyResponse,
  type JourneyStepCondition,
  type JourneyTrigger,
  type JourneyTriggerKind,
  type StaffSurveyList,
} from '@joren/shared'
import { useState } from 'preact/hooks'
import { useResource } from '../../lib/use-resource.ts'
import { ChevronLeftIcon, PlusIcon, TrashIcon } from '../../ui/icons.tsx'
import { ArrowDownIcon, ArrowUpIcon } from '../broadcasts/icons.tsx'
import { MessageEditor } from '../broadcasts/message-editor.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { FieldError } from '../components/field-error.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { useStaff } from '../context.ts'
import { href } from '../paths.ts'
import {
  emptyJourneyForm,
  fromJourney,
  stepMessageErrors,
  type EditableStep,
  type JourneyErrors,
  type JourneyForm,
} from './journey-draft.ts'
import { journeysText } from './messages.ts'
import { useJourneyEditor } from './use-journey-editor.ts'

/** /journeys/new and /journeys/:id/edit: a journey's trigger, goal and steps, with a preview. */
export default function JourneyEditorScreen({ params }: { params: Record<string, string> }) {
  const { api } = useStaff()
  const m = journeysText().editor
  const id = params.id ? Number(params.id) : null
  const existing = useResource(
    (signal) =>
      id === null
        ? Promise.resolve(null)
        : api.get<JourneyResponse>(`/api/staff/journeys/${id}`, { signal }),
    `journey:${id}`,
  )
  const templates = useResource(
    (signal) =>
      api.get<{ templates: CouponTemplateStats[] }>('/api/staff/coupons/templates', { signal }),
    'templates',
  )
  // Staff without the surveys permission still edit journeys (only the survey picker is empty).
  const surveys = useResource(
    (signal) =>
      api
        .get<StaffSurveyList>('/api/staff/surveys', { signal })
        .catch(() => ({ surveys: [] }) as StaffSurveyList),
    'surveys',
  )
  const back = (
    <a class="back-link" href={href('/journeys')}>
      <ChevronLeftIcon size={20} />
      {m.back}
    </a>
  )
  if (existing.error)
    return (
      <div class="stack">
        {back}
        <ErrorPanel error={existing.error} onRetry={existing.reload} />
      </div>
    )
  if (id !== null && !existing.data)
    return (
      <div class="stack" aria-busy="true">
        {back}
        <span class="skel skel-title" style="width:40%" />
        <span class="skel" style="height:320px" />
      </div>
    )
  const journey = existing.data?.journey
  return (
    <Editor
      key={id ?? 'new'}
      id={id}
      initial={journey ? fromJourney(journey) : emptyJourneyForm()}
      templates={templates.data?.templates ?? []}
      surveys={(surveys.data?.surveys ?? []).filter((s) => s.status !== 'closed')}
      back={back}
    />
  )
}

function Editor(props: {
  id: number | null
  initial: JourneyForm
  templates: CouponTemplateStats[]
  surveys: StaffSurveyList['surveys']
  back: preact.JSX.Element
}) {
  const m = journeysText().editor
  const editor = useJourneyEditor(props.id, props.initial)
  const { form, errors, set, step, stepIndex } = editor

  return (
    <div class="stack">
      {props.back}
      <PageHeader title={props.id === null ? m.titleNew : m.titleEdit} />
      <form
        ref={editor.formRef}
        class="jr-editor"
        noValidate
        onSubmit={(e) => void editor.save(e)}
        data-testid="journey-editor"
      >
        <div class="stack jr-editor-main">
          <section class="card stack">
            <label class="stack-sm">
              <span class="field-label">{m.name}</span>
              <input
                id="jr-name"
                class="input"
                value={form.name}
                maxLength={60}
                aria-invalid={errors.name ? true : undefined}
                aria-describedby="jr-name-error"
                onInput={(e) => set('name', e.currentTarget.value)}
              />
              <FieldError id="jr-name-error" message={errors.name} />
            </label>
            <TriggerFields
              trigger={form.trigger}
              surveys={props.surveys}
              error={errors.trigger}
              onChange={(t) => set('trigger', t)}
            />
          </section>

          <section class="card stack" aria-labelledby="jr-steps-title">
            <h2 id="jr-steps-title" class="section-title">
              {m.steps}
            </h2>
            <ol class="jr-step-tabs" data-testid="journey-steps">
              {form.steps.map((s, i) => (
                <li key={s.key} class="jr-step-tab">
                  <button
                    type="button"
                    class={`btn btn-sm ${i === stepIndex ? '' : 'btn-secondary'}`}
                    aria-pressed={i === stepIndex}
                    aria-invalid={
                      Object.keys(errors).some((k) => k.startsWith(`steps.${i}`)) ? true : undefined
                    }
                    onClick={() => editor.select(i)}
                  >
                    {m.stepN(i)}
                    <span class="muted small"> {waitSummary(s)}</span>
                  </button>
                </li>
              ))}
            </ol>
            <div class="row-actions">
              <button
                type="button"
                class="btn btn-secondary btn-sm"
                disabled={form.steps.length >= MAX_JOURNEY_STEPS}
                onClick={editor.addStep}
              >
                <PlusIcon size={18} />
                {m.addStep}
              </button>
            </div>
            {form.steps.length >= MAX_JOURNEY_STEPS && <p class="field-hint">{m.maxSteps}</p>}
            <FieldError id="jr-steps-error" message={errors.steps} />
            {step && (
              <StepFields
                key={step.key}
                index={stepIndex}
                count={form.steps.length}
                step={step}
                errors={errors}
                templates={props.templates}
                surveys={props.surveys}
                onChange={(next) => editor.setStep(stepIndex, next)}
                onMove={editor.moveStep}
                onRemove={editor.removeStep}
              />
            )}
          </section>

          <section class="card stack">
            <fieldset class="stack-sm">
              <legend class="field-label">{m.goal}</legend>
              {(['purchase', 'none'] as const).map((kind) => (
                <label key={kind} class="jr-radio">
                  <input
                    type="radio"
                    name="jr-goal"
                    checked={form.goalKind === kind}
                    onChange={() => set('goalKind', kind)}
                  />
                  {kind === 'purchase' ? m.goalPurchase : m.goalNone}
                </label>
              ))}
            </fieldset>
            <div class="jr-policy-fields">
              <NumberField
                id="jr-goal-days"
                label={m.goalDays}
                value={form.goalDays}
                error={errors.goal}
                onInput={(v) => set('goalDays', v)}
              />
              <NumberField
                id="jr-holdout"
                label={m.holdout}
                value={form.holdoutPercent}
                error={errors.holdoutPercent}
                onInput={(v) => set('holdoutPercent', v)}
              />
              <NumberField
                id="jr-priority"
                label={m.priority}
                value={form.priority}
                error={errors.priority}
                onInput={(v) => set('priority', v)}
              />
            </div>
          </section>
          {editor.error !== null && <ErrorPanel error={editor.error} />}
          {editor.attempted && !editor.valid && (
            <p class="field-error" role="alert">
              {m.fix}
            </p>
          )}
          <div class="form-actions">
            <button class="btn" type="submit" disabled={editor.busy}>
              {editor.busy ? m.saving : m.save}
            </button>
          </div>
        </div>
        {props.id !== null && step && (
          <MemberPreview
            journeyId={props.id}
            stepIndex={stepIndex}
            draftSteps={editor.draftSteps}
          />
        )}
      </form>
    </div>
  )
}

function waitSummary(step: EditableStep): string {
  const m = journeysText()
  const days = Number(step.days)
  const hours = Number(step.hours)
  if (!Number.isInteger(days) || (step.at === '' && !Number.isInteger(hours))) return ''
  return m.wait(days, step.at === '' ? hours : 0, step.at === '' ? null : step.at)
}

function NumberField(props: {
  id: string
  label: string
  value: string
  error?: string
  onInput(value: string): void
}) {
  return (
    <label class="stack-sm">
      <span class="field-label">{props.label}</span>
      <input
        id={props.id}
        class="input"
        type="number"
        inputMode="numeric"
        value={props.value}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={`${props.id}-error`}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
      <FieldError id={`${props.id}-error`} message={props.error} />
    </label>
  )
}

function defaultTrigger(kind: JourneyTriggerKind): JourneyTrigger {
  switch (kind) {
    case 'follow':
      return { kind, includeRefollow: false }
    case 'birthday':
      return { kind, daysBefore: 7 }
    case 'dormant':
      return { kind, days: 60 }
    case 'after_purchase':
      return { kind, minAmountYen: null, categories: [] }
    case 'purchase_cycle':
      return { kind, marginDays: 3, minPurchases: 3 }
    case 'points_expiring':
    case 'coupon_expiring':
      return { kind, daysBefore: 7 }
    case 'tier_drop':
      return { kind, daysBefore: 14 }
    case 'survey_low_score':
      return { kind, surveyId: null }
    case 'survey_answered':
      return { kind, surveyId: null, npsAtMost: null, ratingAtMost: null }
    case 'tier_up':
      return { kind }
  }
}

const intOrNaN = (text: string) => (text.trim() === '' ? Number.NaN : Number(text))

function TriggerFields(props: {
  trigger: JourneyTrigger
  surveys: StaffSurveyList['surveys']
  error?: string
  onChange(trigger: JourneyTrigger): void
}) {
  const m = journeysText().editor
  const t = props.trigger
  return (
    <div class="stack">
      <label class="stack-sm">
        <span class="field-label">{m.trigger}</span>
        <select
          id="jr-trigger"
          class="input"
          value={t.kind}
          onChange={(e) =>
            props.onChange(defaultTrigger(e.currentTarget.value as JourneyTriggerKind))
          }
        >
          {JOURNEY_TRIGGER_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {m.triggerKinds[kind] ?? kind}
            </option>
          ))}
        </select>
      </label>
      {t.kind === 'follow' && (
        <label class="jr-radio">
          <input
            type="checkbox"
            checked={t.includeRefollow}
            onChange={(e) => props.onChange({ ...t, includeRefollow: e.currentTarget.checked })}
          />
          {m.includeRefollow}
        </label>
      )}
      {t.kind === 'birthday' && (
        <NumberField
          id="jr-days-before"
          label={m.daysBefore}
          value={Number.isNaN(t.daysBefore) ? '' : String(t.daysBefore)}
          error={props.error}
          onInput={(v) => props.onChange({ ...t, daysBefore: intOrNaN(v) })}
        />
      )}
      {t.kind === 'dormant' && (
        <NumberField
          id="jr-dormant-days"
          label={m.dormantDays}
          value={Number.isNaN(t.days) ? '' : String(t.days)}
          error={props.error}
          onInput={(v) => props.onChange({ ...t, days: intOrNaN(v) })}
        />
      )}
      {t.kind === 'after_purchase' && (
        <>
          <NumberField
            id="jr-min-amount"
            label={m.minAmountYen}
            value={t.minAmountYen === null ? '' : String(t.minAmountYen)}
            error={props.error}
            onInput={(v) =>
              props.onChange({ ...t, minAmountYen: v.trim() === '' ? null : intOrNaN(v) })
            }
          />
          <label class="stack-sm">
            <span class="field-label">{m.categories}</span>
            <input
              id="jr-categories"
              class="input"
              value={t.categories.join('、')}
              onChange={(e) =>
                props.onChange({
                  ...t,
                  categories: e.currentTarget.value
                    .split(/[、,，]/)
                    .map((c) => c.trim())
                    .filter(Boolean),
                })
              }
            />
          </label>
        </>
      )}
      {(t.kind === 'points_expiring' || t.kind === 'coupon_expiring' || t.kind === 'tier_drop') && (
        <NumberField
          id="jr-expiry-days"
          label={m.expiryDaysBefore}
          value={Number.isNaN(t.daysBefore) ? '' : String(t.daysBefore)}
          error={props.error}
          onInput={(v) => props.onChange({ ...t, daysBefore: intOrNaN(v) })}
        />
      )}
      {(t.kind === 'survey_answered' || t.kind === 'survey_low_score') && (
        <>
          <label class="stack-sm">
            <span class="field-label">{m.surveyTrigger}</span>
            <select
              id="jr-trigger-survey"
              class="input"
              value={t.surveyId === null ? '' : String(t.surveyId)}
              onChange={(e) =>
                props.onChange({
                  ...t,
                  surveyId: e.currentTarget.value === '' ? null : Number(e.currentTarget.value),
                })
              }
            >
              <option value="">{m.anySurvey}</option>
              {props.surveys.map((s) => (
                <option key={s.id} value={String(s.id)}>
                  {s.title}
                </option>
              ))}
            </select>
          </label>
          {t.kind === 'survey_answered' ? (
            <div class="jr-policy-fields">
              <NumberField
                id="jr-nps-at-most"
                label={m.npsAtMost}
                value={t.npsAtMost === null ? '' : String(t.npsAtMost)}
                error={props.error}
                onInput={(v) =>
                  props.onChange({ ...t, npsAtMost: v.trim() === '' ? null : intOrNaN(v) })
                }
              />
              <NumberField
                id="jr-rating-at-most"
                label={m.ratingAtMost}
                value={t.ratingAtMost === null ? '' : String(t.ratingAtMost)}
                onInput={(v) =>
                  props.onChange({ ...t, ratingAtMost: v.trim() === '' ? null : intOrNaN(v) })
                }
              />
            </div>
          ) : (
            <p class="muted">{m.lowScoreFromSurvey}</p>
          )}
        </>
      )}
      {t.kind === 'purchase_cycle' && (
        <div class="jr-policy-fields">
          <NumberField
            id="jr-margin-days"
            label={m.marginDays}
            value={Number.isNaN(t.marginDays) ? '' : String(t.marginDays)}
            error={props.error}
            onInput={(v) => props.onChange({ ...t, marginDays: intOrNaN(v) })}
          />
          <NumberField
            id="jr-min-purchases"
            label={m.minPurchases}
            value={Number.isNaN(t.minPurchases) ? '' : String(t.minPurchases)}
            onInput={(v) => props.onChange({ ...t, minPurchases: intOrNaN(v) })}
          />
        </div>
      )}
    </div>
  )
}

function StepFields(props: {
  index: number
  count: number
  step: EditableStep
  errors: JourneyErrors
  templates: CouponTemplateStats[]
  surveys: StaffSurveyList['surveys']
  onChange(step: EditableStep): void
  onMove(to: number): void
  onRemove(): void
}) {
  const m = journeysText().editor
  const { step, index } = props
  const set = <K extends keyof EditableStep>(key: K, value: EditableStep[K]) =>
    props.onChange({ ...step, [key]: value })
  const stepError = props.errors[`steps.${index}`]
  const atMode = step.at !== ''
  return (
    <div class="stack jr-step" data-testid="journey-step-editor">
      <div class="jr-head">
        <h3 class="section-title grow">{m.stepN(index)}</h3>
        <button
          class="icon-button"
          type="button"
          aria-label={m.moveStepUp(index)}
          disabled={index === 0}
          onClick={() => props.onMove(index - 1)}
        >
          <ArrowUpIcon size={22} />
        </button>
        <button
          class="icon-button"
          type="button"
          aria-label={m.moveStepDown(index)}
          disabled={index === props.count - 1}
          onClick={() => props.onMove(index + 1)}
        >
          <ArrowDownIcon size={22} />
        </button>
        <button
          class="icon-button icon-danger"
          type="button"
          aria-label={m.removeStep(index)}
          disabled={props.count === 1}
          onClick={props.onRemove}
        >
          <TrashIcon size={22} />
        </button>
      </div>
      <fieldset class="stack-sm">
        <legend class="field-label">
          {m.waitMode}（{m.waitBase(index === 0)}）
        </legend>
        <label class="jr-radio">
          <input
            type="radio"
            name="jr-wait-mode"
            checked={atMode}
            onChange={() => set('at', '11:00')}
          />
          {m.waitAt}
        </label>
        <label class="jr-radio">
          <input
            type="radio"
            name="jr-wait-mode"
            checked={!atMode}
            onChange={() => set('at', '')}
          />
          {m.waitAfter}
        </label>
      </fieldset>
      <div class="jr-policy-fields">
        <NumberField
          id="jr-step-days"
          label={m.days}
          value={step.days}
          error={stepError}
          onInput={(v) => set('days', v)}
        />
        {atMode ? (
          <label class="stack-sm">
            <span class="field-label">{m.at}</span>
            <input
              id="jr-step-at"
              class="input"
              type="time"
              value={step.at}
              onInput={(e) => set('at', e.currentTarget.value)}
            />
          </label>
        ) : (
          <NumberField
            id="jr-step-hours"
            label={m.hours}
            value={step.hours}
            onInput={(v) => set('hours', v)}
          />
        )}
      </div>
      <label class="stack-sm">
        <span class="field-label">{m.condition}</span>
        <select
          id="jr-step-condition"
          class="input"
          value={step.condition}
          onChange={(e) => set('condition', e.currentTarget.value as JourneyStepCondition)}
        >
          {JOURNEY_STEP_CONDITIONS.map((c) => (
            <option key={c} value={c}>
              {m.conditions[c] ?? c}
            </option>
          ))}
        </select>
      </label>
      <h4 class="field-label">{m.messages}</h4>
      <MessageEditor
        messages={step.messages}
        templates={props.templates}
        errors={stepMessageErrors(props.errors, index)}
        onChange={(messages) => set('messages', messages)}
      />
      <label class="stack-sm">
        <span class="field-label">{m.survey}</span>
        <select
          id="jr-step-survey"
          class="input"
          value={step.surveyId === null ? '' : String(step.surveyId)}
          onChange={(e) =>
            set('surveyId', e.currentTarget.value === '' ? null : Number(e.currentTarget.value))
          }
        >
          <option value="">{m.noSurvey}</option>
          {props.surveys.map((s) => (
            <option key={s.id} value={String(s.id)}>
              {s.title}
            </option>
          ))}
        </select>
      </label>
    </div>
  )
}

type PreviewMessage =
  | { type: 'text'; text: string }
  | { type: 'image'; originalContentUrl: string }
  | { type: 'coupon_preview'; title: string }

/** One step as a chosen member would receive it (the server fills in their real values). */
function MemberPreview(props: {
  journeyId: number
  stepIndex: number
  /** The editor's steps when they are valid (unsaved edits are previewed too). */
  draftSteps: unknown[] | null
}) {
  const { api } = useStaff()
  const m = journeysText().editor
  const [memberNumber, setMemberNumber] = useState('')
  const [result, setResult] = useState<JourneyPreviewResult | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const show = async () => {
    setBusy(true)
    setError(null)
    try {
      setResult(
        await api.send<JourneyPreviewResult>(
          'POST',
          `/api/staff/journeys/${props.journeyId}/preview`,
          {
            memberNumber: memberNumber.trim(),
            ...(props.draftSteps ? { steps: props.draftSteps } : {}),
          },
        ),
      )
    } catch (failure) {
      setResult(null)
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  const messages = (result?.steps[props.stepIndex]?.messages ?? []) as PreviewMessage[]
  return (
    <aside class="card stack jr-preview" aria-labelledby="jr-preview-title">
      <h2 id="jr-preview-title" class="section-title">
        {m.preview}
      </h2>
      <p class="muted small">{m.previewHelp}</p>
      <div class="jr-preview-form">
        <label class="stack-sm grow">
          <span class="field-label">{m.memberNumber}</span>
          <input
            class="input"
            inputMode="numeric"
            value={memberNumber}
            onInput={(e) => setMemberNumber(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault()
                void show()
              }
            }}
          />
        </label>
        <button
          class="btn btn-secondary"
          type="button"
          disabled={busy || memberNumber.trim() === ''}
          onClick={() => void show()}
        >
          {m.showPreview}
        </button>
      </div>
      {error !== null && <ErrorPanel error={error} />}
      {result && (
        <div
          class="bc-phone"
          role="group"
          aria-label={m.previewOf(props.stepIndex)}
          data-testid="journey-preview"
        >
          {messages.length === 0 ? (
            <p class="bc-phone-empty">{m.previewEmpty}</p>
          ) : (
            messages.map((message, i) => (
              <div class="bc-line" key={i}>
                <span class="bc-avatar-space" aria-hidden="true" />
                <div class="bc-line-body">
                  {message.type === 'text' ? (
                    <p class="bc-bubble">{message.text}</p>
                  ) : message.type === 'image' ? (
                    <img class="bc-bubble-image" src={message.originalContentUrl} alt="" />
                  ) : (
                    <p class="bc-bubble jr-preview-coupon">{m.previewCoupon(message.title)}</p>
                  )}
                </div>
              </div>
            ))
          )}
        </div>
      )}
    </aside>
  )
}
