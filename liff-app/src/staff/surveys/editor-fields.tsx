import type { JSX } from 'preact'
import { FieldError } from '../components/field-error.tsx'

type InputEvent = JSX.TargetedEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>
export const valueOf = (e: InputEvent) => e.currentTarget.value

/** A labelled input with its message (aria-linked) under it. */
export function Field(props: {
  id: string
  label: string
  value: string
  error?: string
  hint?: string
  type?: string
  multiline?: boolean
  onInput(value: string): void
  extra?: Record<string, unknown>
}) {
  const errorId = `${props.id}-error`
  const hintId = `${props.id}-hint`
  const describedBy = [props.hint && hintId, props.error && errorId].filter(Boolean).join(' ')
  const common = {
    id: props.id,
    class: 'input',
    value: props.value,
    'aria-invalid': props.error ? true : undefined,
    'aria-describedby': describedBy || undefined,
    onInput: (e: InputEvent) => props.onInput(valueOf(e)),
    ...props.extra,
  }
  return (
    <div class="svs-field">
      <label class="field-label" for={props.id}>
        {props.label}
      </label>
      {props.multiline ? (
        <textarea rows={3} {...common} />
      ) : (
        <input type={props.type ?? 'text'} {...common} />
      )}
      {props.hint && (
        <p class="field-hint" id={hintId}>
          {props.hint}
        </p>
      )}
      <FieldError id={errorId} message={props.error} />
    </div>
  )
}
