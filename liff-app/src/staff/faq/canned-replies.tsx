import { CannedReplyInputSchema, type CannedReply } from '@joren/shared'
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { PlusIcon } from '../../ui/icons.tsx'
import { ConfirmDialog } from '../components/confirm-dialog.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { EditDeleteActions, FormActions } from '../components/row-actions.tsx'
import { FieldError } from '../components/field-error.tsx'
import { useStaff } from '../context.ts'
import { loadCannedReplies } from '../inbox/canned.ts'
import { paths } from '../inbox/paths.ts'
import { supportText } from '../support/support-messages.ts'
import { t } from '../messages.ts'
import { useEditableList } from './editable-list.ts'
import { issuesByPath, serverIssues, type Issues } from '../components/issues.ts'

/** Canned replies: texts staff pick in the inbox's reply box. */
export function CannedReplies() {
  const { api } = useStaff()
  const m = supportText().canned
  const { list, editing, setEditing, deleting, setDeleting, busy, error, setError, remove, saved } =
    useEditableList<CannedReply[], CannedReply>({
      load: (signal) => loadCannedReplies(api, signal),
      key: 'canned',
      deletePath: paths.cannedOne,
      deletedMessage: m.deleted,
    })

  return (
    <section class="stack" aria-labelledby="canned-title">
      <div class="page-header">
        <div class="grow">
          <h2 class="section-title" id="canned-title">
            {m.title}
          </h2>
          <p class="small muted">{m.intro}</p>
        </div>
        {editing !== 'new' && (
          <button class="btn btn-sm" type="button" onClick={() => setEditing('new')}>
            <PlusIcon size={18} />
            {m.add}
          </button>
        )}
      </div>
      {editing === 'new' && (
        <CannedEditor onSaved={() => saved(m.created)} onCancel={() => setEditing(null)} />
      )}
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      {list.data ? (
        list.data.length === 0 ? (
          <p class="card empty">{m.empty}</p>
        ) : (
          <ul class="editor-list" data-testid="canned-replies">
            {list.data.map((reply) =>
              editing === reply.id ? (
                <li key={reply.id}>
                  <CannedEditor
                    reply={reply}
                    onSaved={() => saved(m.updated)}
                    onCancel={() => setEditing(null)}
                  />
                </li>
              ) : (
                <li key={reply.id} class="card editor-item">
                  <div class="grow stack-xs">
                    <p>
                      <strong>{reply.title}</strong>
                    </p>
                    <p class="pre-wrap clamp">{reply.body}</p>
                  </div>
                  <EditDeleteActions
                    name={reply.title}
                    onEdit={() => setEditing(reply.id)}
                    onDelete={() => setDeleting(reply)}
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
        title={m.deleteTitle(deleting?.title ?? '')}
        body={m.deleteBody}
        confirmLabel={t().delete}
        busy={busy}
        onConfirm={() => void remove()}
        onCancel={() => setDeleting(null)}
      />
    </section>
  )
}

function CannedEditor(props: { reply?: CannedReply; onSaved(): void; onCancel(): void }) {
  const { api } = useStaff()
  const m = supportText().canned
  const id = props.reply ? `canned-${props.reply.id}` : 'canned-new'
  const [title, setTitle] = useState(props.reply?.title ?? '')
  const [body, setBody] = useState(props.reply?.body ?? '')
  const [issues, setIssues] = useState<Issues>({})
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (event: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault()
    setError(null)
    const parsed = CannedReplyInputSchema.safeParse({ title, body })
    if (!parsed.success) {
      setIssues(issuesByPath(parsed.error.issues))
      return
    }
    setBusy(true)
    try {
      if (props.reply) await api.send('PUT', paths.cannedOne(props.reply.id), parsed.data)
      else await api.send('POST', paths.canned, parsed.data)
      props.onSaved()
    } catch (failure) {
      const fields = serverIssues(failure)
      if (fields) setIssues(fields)
      else setError(failure)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="card stack editor" onSubmit={(e) => void submit(e)} noValidate>
      <div class="stack-sm">
        <label class="field-label" for={`${id}-title`}>
          {m.name}
        </label>
        <input
          id={`${id}-title`}
          class="input"
          type="text"
          maxLength={40}
          value={title}
          aria-invalid={issues.title ? true : undefined}
          aria-describedby={issues.title ? `${id}-title-error` : undefined}
          onInput={(e) => {
            setTitle(e.currentTarget.value)
            setIssues({})
          }}
        />
        <FieldError id={`${id}-title-error`} message={issues.title} />
      </div>
      <div class="stack-sm">
        <label class="field-label" for={`${id}-body`}>
          {m.body}
        </label>
        <textarea
          id={`${id}-body`}
          class="input textarea"
          rows={4}
          maxLength={2000}
          value={body}
          aria-invalid={issues.body ? true : undefined}
          aria-describedby={issues.body ? `${id}-body-error` : undefined}
          onInput={(e) => {
            setBody(e.currentTarget.value)
            setIssues({})
          }}
        />
        <FieldError id={`${id}-body-error`} message={issues.body} />
      </div>
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      <FormActions busy={busy} submitLabel={m.save} onCancel={props.onCancel} />
    </form>
  )
}
