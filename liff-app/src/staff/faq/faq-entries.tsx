import {
  FaqEntryInputSchema,
  type FaqFiguresList,
  type FaqEntry,
  type FaqEntryInput,
  type FaqEntryList,
} from '@joren/shared'
import type { JSX } from 'preact'
import { useRef, useState } from 'preact/hooks'
import { useResource } from '../../lib/use-resource.ts'
import { PlusIcon, XIcon } from '../../ui/icons.tsx'
import { ConfirmDialog } from '../components/confirm-dialog.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { EditDeleteActions, FormActions } from '../components/row-actions.tsx'
import { FieldError } from '../components/field-error.tsx'
import { useStaff } from '../context.ts'
import { supportText } from '../support/support-messages.ts'
import { t } from '../messages.ts'
import { useEditableList } from './editable-list.ts'
import { issuesByPath, serverIssues, type Issues } from '../components/issues.ts'

const PATH = '/api/staff/faq'

/** The FAQ entries: the question and its variants, and the answer the bot sends. */
export function FaqEntries() {
  const { api } = useStaff()
  const m = supportText().faq
  const { list, editing, setEditing, deleting, setDeleting, busy, error, setError, remove, saved } =
    useEditableList<FaqEntryList, FaqEntry>({
      load: (signal) => api.get<FaqEntryList>(PATH, { signal }),
      key: 'faq',
      deletePath: (id) => `${PATH}/${id}`,
      deletedMessage: m.deleted,
    })
  // Per entry: answered, 「解決した」 and 「スタッフに聞く」 over the last 90 days.
  const figures = useResource(
    (signal) => api.get<FaqFiguresList>('/api/staff/faq-learning/figures', { signal }),
    'faq-figures',
  )
  const figuresOf = (id: number) => figures.data?.figures.find((f) => f.entryId === id)
  const learn = supportText().learn

  return (
    <section class="stack" aria-labelledby="faq-entries-title">
      <div class="page-header">
        <h2 class="section-title grow" id="faq-entries-title">
          {m.entries}
        </h2>
        {editing !== 'new' && (
          <button class="btn btn-sm" type="button" onClick={() => setEditing('new')}>
            <PlusIcon size={18} />
            {m.add}
          </button>
        )}
      </div>
      {editing === 'new' && (
        <FaqEditor onSaved={() => saved(m.created)} onCancel={() => setEditing(null)} />
      )}
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      {list.data ? (
        list.data.entries.length === 0 ? (
          <p class="card empty">{m.empty}</p>
        ) : (
          <ul class="editor-list" data-testid="faq-entries">
            {list.data.entries.map((entry) =>
              editing === entry.id ? (
                <li key={entry.id}>
                  <FaqEditor
                    entry={entry}
                    onSaved={() => saved(m.updated)}
                    onCancel={() => setEditing(null)}
                  />
                </li>
              ) : (
                <li key={entry.id} class="card editor-item">
                  <div class="grow stack-xs">
                    <p>
                      <strong>{entry.questions[0]}</strong>
                      {!entry.enabled && <span class="badge badge-gray">{m.disabled}</span>}
                    </p>
                    {entry.questions.length > 1 && (
                      <p class="small muted">
                        {m.variants(entry.questions.length - 1)}:{' '}
                        {entry.questions.slice(1).join(' ／ ')}
                      </p>
                    )}
                    <p class="pre-wrap clamp">{entry.answer}</p>
                    {figuresOf(entry.id) && (
                      <p class="small muted" title={learn.figuresLabel} data-testid="faq-figures">
                        {learn.figures(
                          figuresOf(entry.id)!.answered,
                          figuresOf(entry.id)!.resolved,
                          figuresOf(entry.id)!.escalated,
                        )}
                      </p>
                    )}
                  </div>
                  <EditDeleteActions
                    name={entry.questions[0] ?? ''}
                    onEdit={() => setEditing(entry.id)}
                    onDelete={() => setDeleting(entry)}
                  />
                </li>
              ),
            )}
          </ul>
        )
      ) : list.error ? (
        <ErrorPanel error={list.error} onRetry={list.reload} />
      ) : (
        <span class="skel" style="height:120px" aria-busy="true" />
      )}
      <ConfirmDialog
        open={deleting !== null}
        title={m.deleteTitle}
        body={`${deleting?.questions[0] ?? ''} — ${m.deleteBody}`}
        confirmLabel={t().delete}
        busy={busy}
        onConfirm={() => void remove()}
        onCancel={() => setDeleting(null)}
      />
    </section>
  )
}

function FaqEditor(props: { entry?: FaqEntry; onSaved(): void; onCancel(): void }) {
  const { api } = useStaff()
  const m = supportText().faq
  const id = props.entry ? `faq-${props.entry.id}` : 'faq-new'
  const [questions, setQuestions] = useState<string[]>(props.entry?.questions ?? [''])
  const [answer, setAnswer] = useState(props.entry?.answer ?? '')
  const [enabled, setEnabled] = useState(props.entry?.enabled ?? true)
  const [issues, setIssues] = useState<Issues>({})
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const list = useRef<HTMLOListElement>(null)

  const setQuestion = (index: number, value: string) => {
    setQuestions((qs) => qs.map((q, i) => (i === index ? value : q)))
    setIssues({})
  }
  const addQuestion = () => {
    setQuestions((qs) => [...qs, ''])
    // Focus the new, empty line once it is rendered.
    setTimeout(() => list.current?.querySelector<HTMLInputElement>('li:last-child input')?.focus())
  }

  const submit = async (event: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault()
    setError(null)
    // Blank lines are dropped; a message about the n-th sent question belongs to its own line.
    const kept = questions.flatMap((q, i) => (q.trim() === '' ? [] : [i]))
    const onLine = (found: Issues): Issues =>
      Object.fromEntries(
        Object.entries(found).map(([key, message]) => {
          const [field, n] = key.split('.')
          const line = field === 'questions' && n !== undefined ? kept[Number(n)] : undefined
          return [line === undefined ? key : `questions.${line}`, message]
        }),
      )
    const input: FaqEntryInput = { questions: kept.map((i) => questions[i] ?? ''), answer, enabled }
    const parsed = FaqEntryInputSchema.safeParse(input)
    if (!parsed.success) {
      setIssues(onLine(issuesByPath(parsed.error.issues)))
      return
    }
    setBusy(true)
    try {
      if (props.entry) await api.send('PUT', `/api/staff/faq/${props.entry.id}`, parsed.data)
      else await api.send('POST', '/api/staff/faq', parsed.data)
      props.onSaved()
    } catch (failure) {
      const fields = serverIssues(failure)
      if (fields) setIssues(onLine(fields))
      else setError(failure)
    } finally {
      setBusy(false)
    }
  }

  const listError = issues.questions
  return (
    <form class="card stack editor" onSubmit={(e) => void submit(e)} noValidate>
      <fieldset class="stack-sm">
        <legend class="field-label">{m.questions}</legend>
        <p class="field-hint">{m.questionsHelp}</p>
        <ol class="variant-list" ref={list}>
          {questions.map((question, i) => {
            const key = `questions.${i}`
            return (
              <li key={i} class="variant">
                <label class="sr-only" for={`${id}-q${i}`}>
                  {m.question(i + 1)}
                </label>
                <input
                  id={`${id}-q${i}`}
                  class="input"
                  type="text"
                  maxLength={200}
                  value={question}
                  aria-invalid={issues[key] ? true : undefined}
                  aria-describedby={issues[key] ? `${id}-q${i}-error` : undefined}
                  onInput={(e) => setQuestion(i, e.currentTarget.value)}
                />
                {questions.length > 1 && (
                  <button
                    class="icon-button"
                    type="button"
                    aria-label={m.removeQuestion(i + 1)}
                    onClick={() => setQuestions((qs) => qs.filter((_, j) => j !== i))}
                  >
                    <XIcon size={20} />
                  </button>
                )}
                <FieldError id={`${id}-q${i}-error`} message={issues[key]} />
              </li>
            )
          })}
        </ol>
        <FieldError id={`${id}-questions-error`} message={listError} />
        <button class="link-button self-start" type="button" onClick={addQuestion}>
          <PlusIcon size={18} />
          {m.addQuestion}
        </button>
      </fieldset>
      <div class="stack-sm">
        <label class="field-label" for={`${id}-answer`}>
          {m.answer}
        </label>
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
      <label class="check">
        <input
          type="checkbox"
          checked={enabled}
          onChange={(e) => setEnabled(e.currentTarget.checked)}
        />
        {m.enabled}
      </label>
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      <FormActions
        busy={busy}
        submitLabel={props.entry ? t().save : m.create}
        onCancel={props.onCancel}
      />
    </form>
  )
}
