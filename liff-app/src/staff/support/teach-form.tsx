import {
  FaqAddAskSchema,
  FaqNewEntryFromAskSchema,
  type FaqEntry,
  type FaqEntryList,
  type FaqLearnResult,
} from '@joren/shared'
import type { JSX } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { useResource } from '../../lib/use-resource.ts'
import { ErrorPanel } from '../components/error-panel.tsx'
import { FieldError } from '../components/field-error.tsx'
import { FormActions } from '../components/row-actions.tsx'
import { useStaff } from '../context.ts'
import { supportText } from './support-messages.ts'
import { issuesByPath, serverIssues, type Issues } from '../components/issues.ts'

interface Props {
  /** The customer's question the bot could not answer. */
  ask: { id: number; text: string }
  /** The rest of its group, taught with it. */
  alsoAskIds?: number[]
  /** The entry the matcher found closest (preselected). */
  closestEntryId?: number | null
  /** A staff reply to start the new entry's answer from. */
  suggestedAnswer?: string
  onDone(result: FaqLearnResult): void
  onCancel(): void
}

/**
 * Teaching the bot one question: add it as another wording of an entry, or make a new entry with
 * an answer (usually the staff reply, edited). One click for the common case.
 */
export function TeachForm(props: Props) {
  const { api, toast } = useStaff()
  const m = supportText().learn
  const id = `teach-${props.ask.id}`
  const entries = useResource(
    (signal) => api.get<FaqEntryList>('/api/staff/faq', { signal }),
    'faq-teach-entries',
  )
  const [mode, setMode] = useState<'existing' | 'new'>(
    props.closestEntryId || !props.suggestedAnswer ? 'existing' : 'new',
  )
  const [entryId, setEntryId] = useState<number | ''>(props.closestEntryId ?? '')
  const [answer, setAnswer] = useState(props.suggestedAnswer ?? '')
  // The staff reply can reach the thread after the form opened (the send is accepted first, the
  // thread reloads after): take it as the answer while the field is still untouched and empty.
  useEffect(() => {
    if (props.suggestedAnswer) setAnswer((typed) => (typed === '' ? props.suggestedAnswer! : typed))
  }, [props.suggestedAnswer])
  const [issues, setIssues] = useState<Issues>({})
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const alsoAskIds = props.alsoAskIds ?? []

  const submit = async (event: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault()
    setError(null)
    const parsed =
      mode === 'existing'
        ? FaqAddAskSchema.safeParse({ entryId: entryId === '' ? undefined : entryId, alsoAskIds })
        : FaqNewEntryFromAskSchema.safeParse({ answer, alsoAskIds })
    if (!parsed.success) {
      const found = issuesByPath(parsed.error.issues)
      setIssues(mode === 'existing' ? { entryId: m.chooseEntry } : found)
      return
    }
    setBusy(true)
    try {
      const path = `/api/staff/faq-learning/asks/${props.ask.id}/${mode === 'existing' ? 'add-to-entry' : 'new-entry'}`
      const result = await api.send<FaqLearnResult>('POST', path, parsed.data)
      toast(mode === 'existing' ? m.added(props.ask.text) : m.created)
      props.onDone(result)
    } catch (failure) {
      const fields = serverIssues(failure)
      if (fields) setIssues(fields)
      else setError(failure)
    } finally {
      setBusy(false)
    }
  }

  const list: FaqEntry[] = entries.data?.entries ?? []
  return (
    <form
      class="card stack editor"
      onSubmit={(e) => void submit(e)}
      noValidate
      data-testid="teach-form"
    >
      <p>
        <strong>「{props.ask.text}」</strong>
      </p>
      <fieldset class="stack-xs plain-fieldset">
        <legend class="field-label">{m.mode}</legend>
        <label class="check">
          <input
            type="radio"
            name={`${id}-mode`}
            checked={mode === 'existing'}
            onChange={() => setMode('existing')}
          />
          {m.modeExisting}
        </label>
        <label class="check">
          <input
            type="radio"
            name={`${id}-mode`}
            checked={mode === 'new'}
            onChange={() => setMode('new')}
          />
          {m.modeNew}
        </label>
      </fieldset>
      {mode === 'existing' ? (
        <div class="stack-sm">
          <label class="field-label" for={`${id}-entry`}>
            {m.entry}
          </label>
          <select
            id={`${id}-entry`}
            class="input"
            value={entryId === '' ? '' : String(entryId)}
            aria-invalid={issues.entryId ? true : undefined}
            aria-describedby={issues.entryId ? `${id}-entry-error` : undefined}
            onChange={(e) => {
              const value = e.currentTarget.value
              setEntryId(value === '' ? '' : Number(value))
              setIssues({})
            }}
          >
            <option value="">{m.chooseEntry}</option>
            {list.map((entry) => (
              <option key={entry.id} value={String(entry.id)}>
                {entry.questions[0]}
              </option>
            ))}
          </select>
          <FieldError id={`${id}-entry-error`} message={issues.entryId} />
        </div>
      ) : (
        <div class="stack-sm">
          <label class="field-label" for={`${id}-answer`}>
            {m.answer}
          </label>
          <p class="field-hint">{m.answerHelp}</p>
          <textarea
            id={`${id}-answer`}
            class="input textarea"
            rows={4}
            maxLength={2000}
            value={answer}
            aria-invalid={issues.answer ? true : undefined}
            aria-describedby={issues.answer ? `${id}-answer-error` : undefined}
            onInput={(e) => {
              setAnswer(e.currentTarget.value)
              setIssues({})
            }}
          />
          <FieldError id={`${id}-answer-error`} message={issues.answer} />
        </div>
      )}
      {entries.error !== null && entries.error !== undefined && (
        <ErrorPanel error={entries.error} onRetry={entries.reload} />
      )}
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      <FormActions busy={busy} submitLabel={m.add} onCancel={props.onCancel} />
    </form>
  )
}
