import type { JourneyResponse } from '@joren/shared'
import { useRef, useState } from 'preact/hooks'
import { detailsOf } from '../../lib/field-errors.ts'
import { navigate } from '../../lib/router.ts'
import { move } from '../broadcasts/draft.ts'
import { useStaff } from '../context.ts'
import { href } from '../paths.ts'
import {
  checkJourney,
  emptyStep,
  journeyIssues,
  type EditableStep,
  type JourneyErrors,
  type JourneyForm,
} from './journey-draft.ts'
import { journeysText } from './messages.ts'

/**
 * The journey editor's state: the form as typed, the selected step, the errors shown (after a
 * first attempt to save) and saving (toast and back to the list, or the server's field errors).
 */
export function useJourneyEditor(id: number | null, initial: JourneyForm) {
  const { api, toast } = useStaff()
  const m = journeysText().editor
  const [form, setForm] = useState(initial)
  const [selected, setSelected] = useState(0)
  const [attempted, setAttempted] = useState(false)
  const [serverErrors, setServerErrors] = useState<JourneyErrors>({})
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const formRef = useRef<HTMLFormElement>(null)

  const checked = checkJourney(form)
  const errors: JourneyErrors = attempted ? { ...serverErrors, ...checked.errors } : {}
  const valid = Object.keys(checked.errors).length === 0
  const set = <K extends keyof JourneyForm>(key: K, value: JourneyForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }))
    setServerErrors({})
  }
  const setStep = (index: number, next: EditableStep) =>
    set(
      'steps',
      form.steps.map((s, i) => (i === index ? next : s)),
    )
  const step = form.steps[Math.min(selected, form.steps.length - 1)]
  const stepIndex = Math.min(selected, form.steps.length - 1)

  const addStep = () => {
    set('steps', [...form.steps, emptyStep()])
    setSelected(form.steps.length)
  }
  const moveStep = (to: number) => {
    set('steps', move(form.steps, stepIndex, to))
    setSelected(Math.max(0, Math.min(form.steps.length - 1, to)))
  }
  const removeStep = () => {
    set(
      'steps',
      form.steps.filter((_, i) => i !== stepIndex),
    )
    setSelected(Math.max(0, stepIndex - 1))
  }

  const focusFirstError = () =>
    requestAnimationFrame(() => {
      const invalid = formRef.current?.querySelector<HTMLElement>(
        '[aria-invalid="true"], .field-error',
      )
      invalid?.scrollIntoView({ block: 'center' })
      if (invalid && 'focus' in invalid) invalid.focus()
    })

  const save = async (event: Event) => {
    event.preventDefault()
    setAttempted(true)
    setError(null)
    if (!valid) {
      // Open the first step with a problem, so its fields show it.
      const bad = Object.keys(checked.errors)
        .map((k) => /^steps\.(\d+)/.exec(k)?.[1])
        .find((s) => s !== undefined)
      if (bad !== undefined) setSelected(Number(bad))
      focusFirstError()
      return
    }
    setBusy(true)
    try {
      const saved =
        id === null
          ? await api.send<JourneyResponse>('POST', '/api/staff/journeys', checked.draft)
          : await api.send<JourneyResponse>('PUT', `/api/staff/journeys/${id}`, checked.draft)
      toast(m.saved(saved.journey.name))
      navigate(href('/journeys'))
    } catch (failure) {
      const details = detailsOf(failure)
      if (details.length > 0) {
        setServerErrors(journeyIssues(details))
        focusFirstError()
      } else setError(failure)
    } finally {
      setBusy(false)
    }
  }

  return {
    form,
    formRef,
    errors,
    valid,
    /** The steps as the server takes them (when the form is valid). */
    draftSteps: valid ? checked.draft.steps : null,
    attempted,
    error,
    busy,
    step,
    stepIndex,
    select: setSelected,
    set,
    setStep,
    addStep,
    moveStep,
    removeStep,
    save,
  }
}
