import {
  NPS_MAX,
  NPS_MIN,
  RATING_MAX,
  RATING_MIN,
  surveyScaleLabels,
  type SurveyAnswerValue,
  type SurveyQuestion,
} from '@joren/shared'
import { toggleChoice } from './restore-draft.ts'
import { locale } from '../messages.ts'
import { surveyText } from './survey-text.ts'

interface Props {
  question: SurveyQuestion
  index: number
  value: SurveyAnswerValue | undefined
  /** The message to show under the question (after blur or a submit attempt). */
  error: string | undefined
  onChange(value: SurveyAnswerValue): void
  /** Focus left the question: its message may show now. */
  onLeave(): void
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i)

/** Code points after trimming, as the shared validation counts them. */
export const textLength = (text: string) => [...text.trim()].length

function choiceHint(question: Extract<SurveyQuestion, { type: 'multiple' }>): string {
  const m = surveyText()
  const { minChoices: min, maxChoices: max } = question
  if (min !== null && min > 1) return m.chooseBetween(min, max)
  if (max !== null) return m.chooseUpTo(max)
  return m.chooseAny
}

/** One question as a fieldset: legend, hint, the control, and its message (aria-linked). */
export function QuestionField({ question, index, value, error, onChange, onLeave }: Props) {
  const m = surveyText()
  const base = `q-${question.id}`
  const errorId = `${base}-error`
  const hintId = `${base}-hint`
  const length = question.type === 'text' && typeof value === 'string' ? textLength(value) : 0
  const over = question.type === 'text' ? length - question.maxLength : 0
  let hint: string | null = null
  if (question.type === 'multiple') hint = choiceHint(question)
  if (question.type === 'text')
    hint = m.characters(length, question.maxLength) + (over > 0 ? `・${m.tooLong(over)}` : '')
  const scale = question.type === 'rating' || question.type === 'nps'
  const describedBy = [
    question.description && `${base}-desc`,
    scale && `${base}-ends`,
    hint && hintId,
    error && errorId,
  ]
    .filter(Boolean)
    .join(' ')
  const invalid = error ? true : undefined
  const common = {
    'aria-invalid': invalid,
    'aria-describedby': describedBy || undefined,
  }

  let control
  switch (question.type) {
    case 'single':
      control = (
        <div class="sv-cards">
          {question.options.map((option) => (
            <label class="sv-card" key={option.id}>
              <input
                type="radio"
                name={base}
                value={option.id}
                checked={value === option.id}
                onChange={() => onChange(option.id)}
                {...common}
              />
              <span>{option.label}</span>
            </label>
          ))}
        </div>
      )
      break
    case 'multiple': {
      const ids = question.options.map((o) => o.id)
      control = (
        <div class="sv-cards">
          {question.options.map((option) => (
            <label class="sv-card sv-card-check" key={option.id}>
              <input
                type="checkbox"
                name={base}
                value={option.id}
                checked={Array.isArray(value) && value.includes(option.id)}
                onChange={() => onChange(toggleChoice(ids, value, option.id))}
                {...common}
              />
              <span>{option.label}</span>
            </label>
          ))}
        </div>
      )
      break
    }
    case 'rating':
    case 'nps': {
      const nps = question.type === 'nps'
      const values = nps ? range(NPS_MIN, NPS_MAX) : range(RATING_MIN, RATING_MAX)
      // The same end labels as the chat's quick-reply question (one source in @joren/shared).
      const { low, high } = surveyScaleLabels(question, locale())
      control = (
        <div class="sv-scale-wrap">
          <div class={`sv-scale ${nps ? 'sv-scale-nps' : 'sv-scale-rating'}`}>
            {values.map((n) => (
              <label class="sv-scale-item" key={n}>
                <input
                  type="radio"
                  name={base}
                  value={String(n)}
                  checked={value === n}
                  onChange={() => onChange(n)}
                  {...common}
                />
                <span>{m.ratingValue(n)}</span>
              </label>
            ))}
          </div>
          <p class="sv-scale-ends" id={`${base}-ends`}>
            <span>{low}</span>
            <span>{high}</span>
          </p>
        </div>
      )
      break
    }
    case 'text': {
      const text = typeof value === 'string' ? value : ''
      const Tag = question.multiline ? 'textarea' : 'input'
      control = (
        <Tag
          id={`${base}-input`}
          class="input sv-text"
          rows={question.multiline ? 4 : undefined}
          value={text}
          onInput={(e) => onChange(e.currentTarget.value)}
          {...common}
        />
      )
      break
    }
    case 'date':
      control = (
        <input
          id={`${base}-input`}
          class="input sv-date"
          type="date"
          value={typeof value === 'string' ? value : ''}
          onInput={(e) => onChange(e.currentTarget.value)}
          {...common}
        />
      )
      break
  }

  const labelled = question.type === 'text' || question.type === 'date'
  const title = (
    <>
      <span class="sv-number">{`Q${index + 1}`}</span>
      <span class="sv-label">{question.label}</span>
      <span class={question.required ? 'sv-required' : 'sv-optional'}>
        {question.required ? m.required : m.optional}
      </span>
    </>
  )
  return (
    <fieldset
      class={`sv-question${error ? ' sv-has-error' : ''}`}
      data-question={question.id}
      onFocusOut={(e) => {
        const next = e.relatedTarget as Node | null
        if (!next || !e.currentTarget.contains(next)) onLeave()
      }}
    >
      <legend class="sv-legend">
        {labelled ? (
          <label for={`${base}-input`} class="sv-legend-label">
            {title}
          </label>
        ) : (
          title
        )}
      </legend>
      {question.description && (
        <p class="sv-desc" id={`${base}-desc`}>
          {question.description}
        </p>
      )}
      {control}
      {hint && (
        <p class={`sv-hint${over > 0 ? ' sv-hint-over' : ''}`} id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p class="sv-error" id={errorId}>
          {error}
        </p>
      )}
    </fieldset>
  )
}
