import {
  SURVEY_QUESTION_TYPES,
  type CouponTemplateStats,
  type StaffSurvey,
  type SurveyQuestionType,
} from '@joren/shared'
import { useRef, useState } from 'preact/hooks'
import { ApiError } from '../../lib/api-error.ts'
import { navigate } from '../../lib/router.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ErrorPanel } from '../components/error-panel.tsx'
import { FieldError } from '../components/field-error.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { useStaff } from '../context.ts'
import { href } from '../paths.ts'
import {
  EMPTY_FORM,
  changeType,
  checkForm,
  emptyOption,
  emptyQuestion,
  issuesByPath,
  move,
  toDefinition,
  toForm,
  type EditorErrors,
  type OptionForm,
  type QuestionForm,
  type SurveyForm,
} from './editor-model.ts'
import { Field, valueOf } from './editor-fields.tsx'
import { SurveySettings } from './editor-settings.tsx'
import { surveyText } from './survey-text.ts'

function OptionEditor(props: {
  path: string
  index: number
  option: OptionForm
  errors: EditorErrors
  removable: boolean
  onChange(option: OptionForm): void
  onRemove(): void
}) {
  const m = surveyText()
  const { option, path, index } = props
  const set = (patch: Partial<OptionForm>) => props.onChange({ ...option, ...patch })
  const attribute = option.attributes[0] ?? { key: '', value: '' }
  const setAttribute = (patch: Partial<typeof attribute>) =>
    set({ attributes: [{ ...attribute, ...patch }, ...option.attributes.slice(1)] })
  const id = path.replaceAll('.', '-')
  return (
    <li class="svs-option">
      <div class="svs-option-main">
        <Field
          id={`${id}-label`}
          label={m.optionLabel(index + 1)}
          value={option.label}
          error={props.errors[`${path}.label`] ?? props.errors[`${path}.id`]}
          onInput={(label) => set({ label })}
          extra={{ maxLength: 80 }}
        />
        <button
          class="icon-button svs-remove"
          type="button"
          aria-label={m.removeOption(index + 1)}
          disabled={!props.removable}
          onClick={props.onRemove}
        >
          ×
        </button>
      </div>
      <details class="svs-mapping" open={!!option.tags || option.attributes.length > 0}>
        <summary>
          {m.mappingTags} / {m.mappingAttribute}
        </summary>
        <Field
          id={`${id}-tags`}
          label={m.mappingTags}
          hint={m.mappingTagsHint}
          value={option.tags}
          error={props.errors[`${path}.mapping.tags`] ?? props.errors[`${path}.mapping.tags.0`]}
          onInput={(tags) => set({ tags })}
        />
        <div class="svs-pair">
          <Field
            id={`${id}-attr-key`}
            label={m.mappingAttributeKey}
            value={attribute.key}
            error={props.errors[`${path}.mapping.attributes.0.key`]}
            onInput={(key) => setAttribute({ key })}
          />
          <Field
            id={`${id}-attr-value`}
            label={m.mappingAttributeValue}
            value={attribute.value}
            error={props.errors[`${path}.mapping.attributes.0.value`]}
            onInput={(value) => setAttribute({ value })}
          />
        </div>
      </details>
    </li>
  )
}

function QuestionEditor(props: {
  index: number
  count: number
  question: QuestionForm
  errors: EditorErrors
  /** IDs removed in this session: `q3`, and options as `q1/o2`. */
  retired: Set<string>
  onChange(question: QuestionForm): void
  onMove(to: number): void
  onRemove(): void
}) {
  const m = surveyText()
  const { question: q, index } = props
  const path = `questions.${index}`
  const id = `q-${index}`
  const set = (patch: Partial<QuestionForm>) => props.onChange({ ...q, ...patch })
  const err = (key: string) => props.errors[`${path}.${key}`]
  const choice = q.type === 'single' || q.type === 'multiple'
  return (
    <li class="card svs-question" data-testid="question-editor">
      <fieldset class="svs-plain">
        <legend class="section-title">{m.questionN(index + 1)}</legend>
        <div class="svs-question-tools">
          <button
            class="icon-button"
            type="button"
            aria-label={m.moveUp(index + 1)}
            disabled={index === 0}
            onClick={() => props.onMove(index - 1)}
          >
            ↑
          </button>
          <button
            class="icon-button"
            type="button"
            aria-label={m.moveDown(index + 1)}
            disabled={index === props.count - 1}
            onClick={() => props.onMove(index + 1)}
          >
            ↓
          </button>
          <button
            class="icon-button icon-danger"
            type="button"
            aria-label={m.removeQuestion(index + 1)}
            disabled={props.count === 1}
            onClick={props.onRemove}
          >
            ×
          </button>
        </div>
        <div class="svs-grid">
          <div class="svs-field">
            <label class="field-label" for={`${id}-type`}>
              {m.questionType}
            </label>
            <select
              id={`${id}-type`}
              class="input"
              value={q.type}
              onChange={(e) => props.onChange(changeType(q, valueOf(e) as SurveyQuestionType))}
            >
              {SURVEY_QUESTION_TYPES.map((type) => (
                <option key={type} value={type}>
                  {m.types[type]}
                </option>
              ))}
            </select>
          </div>
          <label class="svs-check">
            <input
              type="checkbox"
              checked={q.required}
              onChange={(e) => set({ required: e.currentTarget.checked })}
            />
            {m.required}
          </label>
        </div>
        <Field
          id={`${id}-label`}
          label={m.questionText}
          value={q.label}
          error={err('label') ?? err('id')}
          onInput={(label) => set({ label })}
          extra={{ maxLength: 200 }}
        />
        <Field
          id={`${id}-desc`}
          label={m.questionHelp}
          value={q.description}
          error={err('description')}
          onInput={(description) => set({ description })}
        />
        {choice && (
          <div class="svs-field">
            <span class="field-label">{m.options}</span>
            <ol class="svs-options">
              {q.options.map((option, i) => (
                <OptionEditor
                  key={option.id}
                  path={`${path}.options.${i}`}
                  index={i}
                  option={option}
                  errors={props.errors}
                  removable={q.options.length > 2}
                  onChange={(next) =>
                    set({ options: q.options.map((o, j) => (j === i ? next : o)) })
                  }
                  onRemove={() => {
                    props.retired.add(`${q.id}/${option.id}`)
                    set({ options: q.options.filter((_, j) => j !== i) })
                  }}
                />
              ))}
            </ol>
            <FieldError id={`${id}-options-error`} message={err('options')} />
            <button
              class="btn btn-secondary btn-sm self-start"
              type="button"
              disabled={q.options.length >= 20}
              onClick={() =>
                set({
                  options: [
                    ...q.options,
                    emptyOption([
                      ...q.options.map((o) => o.id),
                      ...[...props.retired]
                        .filter((key) => key.startsWith(`${q.id}/`))
                        .map((key) => key.slice(q.id.length + 1)),
                    ]),
                  ],
                })
              }
            >
              {m.addOption}
            </button>
          </div>
        )}
        {q.type === 'multiple' && (
          <div class="svs-pair">
            <Field
              id={`${id}-min`}
              label={m.minChoices}
              type="number"
              value={q.minChoices}
              error={err('minChoices')}
              onInput={(minChoices) => set({ minChoices })}
              extra={{ min: 1, max: 20 }}
            />
            <Field
              id={`${id}-max`}
              label={m.maxChoices}
              type="number"
              value={q.maxChoices}
              error={err('maxChoices')}
              onInput={(maxChoices) => set({ maxChoices })}
              extra={{ min: 1, max: 20 }}
            />
          </div>
        )}
        {q.type === 'text' && (
          <Field
            id={`${id}-maxlength`}
            label={m.maxLength}
            type="number"
            value={q.maxLength}
            error={err('maxLength')}
            onInput={(maxLength) => set({ maxLength })}
            extra={{ min: 1, max: 2000 }}
          />
        )}
      </fieldset>
    </li>
  )
}

function Editor({ survey }: { survey: StaffSurvey | null }) {
  const { api, toast } = useStaff()
  const m = surveyText()
  const [form, setForm] = useState<SurveyForm>(() => (survey ? toForm(survey) : EMPTY_FORM))
  const [errors, setErrors] = useState<EditorErrors>({})
  const [failure, setFailure] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const templates = useResource(
    (signal) =>
      api.get<{ templates: CouponTemplateStats[] }>('/api/staff/coupons/templates', { signal }),
    'templates',
  )
  const set = (patch: Partial<SurveyForm>) => setForm((f) => ({ ...f, ...patch }))
  const setQuestions = (questions: QuestionForm[]) => set({ questions })

  const save = async (andOpen: boolean) => {
    const found = checkForm(form)
    setErrors(found)
    setFailure(null)
    if (Object.keys(found).length > 0) {
      requestAnimationFrame(() =>
        document.querySelector<HTMLElement>('.svs-editor [aria-invalid="true"]')?.focus(),
      )
      return
    }
    setBusy(true)
    try {
      const body = toDefinition(form)
      let saved = survey
        ? await api.send<StaffSurvey>('PUT', `/api/staff/surveys/${survey.id}`, body)
        : await api.send<StaffSurvey>('POST', '/api/staff/surveys', body)
      if (andOpen)
        saved = await api.send<StaffSurvey>('POST', `/api/staff/surveys/${saved.id}/open`)
      toast(
        survey && saved.version !== survey.version
          ? m.savedNewVersion(saved.version)
          : andOpen
            ? m.opened
            : m.saved,
      )
      navigate(href('/surveys'))
    } catch (error) {
      if (error instanceof ApiError && error.details.length > 0)
        setErrors(issuesByPath(error.details))
      setFailure(error)
    } finally {
      setBusy(false)
    }
  }

  // IDs removed in this session are not given out again: an answered survey's next version must
  // not reuse an ID for a different question or option.
  const retired = useRef(new Set<string>()).current
  const ids = [...form.questions.map((q) => q.id), ...retired]
  const active = (templates.data?.templates ?? []).filter(
    (t) => t.status === 'active' || String(t.id) === form.rewardTemplateId,
  )
  return (
    <form
      class="stack svs-editor"
      noValidate
      onSubmit={(e) => {
        e.preventDefault()
        void save(false)
      }}
    >
      <PageHeader title={survey ? m.editTitle : m.newTitle}>
        <a class="btn btn-secondary" href={href('/surveys')}>
          {m.cancel}
        </a>
      </PageHeader>
      {survey && survey.status !== 'draft' && (
        <p class="svs-notice" role="note">
          {m.versionNotice}
        </p>
      )}
      {failure !== null && <ErrorPanel error={failure} onRetry={() => setFailure(null)} />}
      {survey && (
        <div class="svs-field">
          <label class="field-label" for="survey-liff-url">
            {m.liffUrl}
          </label>
          <input
            id="survey-liff-url"
            class="input mono"
            readOnly
            value={survey.liffUrl}
            onFocus={(e) => e.currentTarget.select()}
          />
        </div>
      )}
      <fieldset class="card stack">
        <legend class="section-title">{m.basics}</legend>
        <Field
          id="survey-title"
          label={m.surveyTitle}
          value={form.title}
          error={errors.title}
          onInput={(title) => set({ title })}
          extra={{ maxLength: 60, required: true }}
        />
        <Field
          id="survey-intro"
          label={m.surveyIntro}
          value={form.intro}
          error={errors.intro}
          multiline
          onInput={(intro) => set({ intro })}
        />
      </fieldset>
      <section class="stack" aria-labelledby="svs-questions">
        <h2 class="section-title" id="svs-questions">
          {m.questions}
        </h2>
        <FieldError id="questions-error" message={errors.questions} />
        <ol class="svs-questions">
          {form.questions.map((question, index) => (
            <QuestionEditor
              key={question.id}
              index={index}
              count={form.questions.length}
              question={question}
              errors={errors}
              onChange={(next) =>
                setQuestions(form.questions.map((q, i) => (i === index ? next : q)))
              }
              onMove={(to) => setQuestions(move(form.questions, index, to))}
              retired={retired}
              onRemove={() => {
                retired.add(question.id)
                setQuestions(form.questions.filter((_, i) => i !== index))
              }}
            />
          ))}
        </ol>
        <div class="svs-add">
          {SURVEY_QUESTION_TYPES.map((type) => (
            <button
              key={type}
              class="btn btn-secondary btn-sm"
              type="button"
              disabled={form.questions.length >= 30}
              onClick={() => setQuestions([...form.questions, emptyQuestion(type, ids)])}
            >
              ＋ {m.types[type]}
            </button>
          ))}
        </div>
      </section>
      <SurveySettings form={form} errors={errors} active={active} set={set} />
      <div class="form-actions svs-actions">
        <button class="btn" type="submit" disabled={busy}>
          {survey ? m.saveChanges : m.save}
        </button>
        {(!survey || survey.status !== 'open') && (
          <button
            class="btn btn-secondary"
            type="button"
            disabled={busy}
            onClick={() => void save(true)}
          >
            {m.saveAndOpen}
          </button>
        )}
      </div>
    </form>
  )
}

/** `/staff/surveys/new` and `/staff/surveys/:id/edit`. */
export default function EditorScreen({ params }: { params: Record<string, string> }) {
  const { api } = useStaff()
  const id = params.id
  const survey = useResource(
    (signal) =>
      id
        ? api.get<StaffSurvey>(`/api/staff/surveys/${encodeURIComponent(id)}`, { signal })
        : Promise.resolve(null),
    `survey:${id ?? 'new'}`,
  )
  if (survey.error && survey.data === undefined)
    return <ErrorPanel error={survey.error} onRetry={survey.reload} />
  if (survey.data === undefined) return <span class="skel" style="height:240px" aria-busy="true" />
  return <Editor key={survey.data?.id ?? 'new'} survey={survey.data} />
}
