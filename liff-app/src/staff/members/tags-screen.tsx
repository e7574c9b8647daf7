import { TagNameSchema, type Tag } from '@joren/shared'
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { ApiError } from '../../lib/api-error.ts'
import { useResource } from '../../lib/use-resource.ts'
import { PlusIcon } from '../../ui/icons.tsx'
import { ConfirmDialog } from '../components/confirm-dialog.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { EditDeleteActions } from '../components/row-actions.tsx'
import { FieldError } from '../components/field-error.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { useStaff } from '../context.ts'
import { locale, t } from '../messages.ts'
import { href } from '../paths.ts'

/** The schema's Japanese message, or the catalogue's in English. */
function nameProblem(name: string): string | undefined {
  const parsed = TagNameSchema.safeParse({ name })
  if (parsed.success) return undefined
  return locale() === 'ja' ? parsed.error.issues[0]?.message : t().errors.required
}

/** Tags with member counts; owners and admins create, rename and delete them. */
export default function TagsScreen() {
  const { api, can, toast } = useStaff()
  const m = t().tags
  const list = useResource(
    (signal) => api.get<{ tags: Tag[] }>('/api/staff/tags', { signal }),
    'tags',
  )
  const manage = can('tags.manage')
  const [editing, setEditing] = useState<number | null>(null)
  const [deleting, setDeleting] = useState<Tag | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)

  const remove = async () => {
    if (!deleting) return
    setBusy(true)
    try {
      await api.send('DELETE', `/api/staff/tags/${deleting.id}`)
      toast(m.deleted)
      setDeleting(null)
      list.reload()
    } catch (failure) {
      setDeleting(null)
      setError(failure)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div class="stack">
      <PageHeader title={m.title} intro={m.intro} />
      {manage && (
        <NameForm
          id="new-tag"
          label={m.newTag}
          submit={m.create}
          icon
          onSave={async (name) => {
            await api.send('POST', '/api/staff/tags', { name })
            toast(m.created)
            list.reload()
          }}
        />
      )}
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      {list.error && !list.data ? (
        <ErrorPanel error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <div class="card stack" aria-busy="true">
          <span class="skel" style="height:44px" />
          <span class="skel" style="height:44px" />
          <span class="skel" style="height:44px" />
        </div>
      ) : list.data.tags.length === 0 ? (
        <p class="empty card">{m.empty}</p>
      ) : (
        <ul class="card rows">
          {list.data.tags.map((tag) => (
            <li class="row" key={tag.id}>
              {editing === tag.id ? (
                <NameForm
                  id={`tag-${tag.id}`}
                  label={m.rename}
                  submit={t().save}
                  initial={tag.name}
                  onCancel={() => setEditing(null)}
                  onSave={async (name) => {
                    await api.send('PATCH', `/api/staff/tags/${tag.id}`, { name })
                    toast(m.renamed)
                    setEditing(null)
                    list.reload()
                  }}
                />
              ) : (
                <>
                  <a
                    class="row-main"
                    href={`${href('/members')}?tag=${tag.id}`}
                    title={m.showMembers(tag.name)}
                  >
                    <span class="chip">{tag.name}</span>
                    {tag.memberCount !== undefined && (
                      <span class="muted">{m.count(tag.memberCount)}</span>
                    )}
                  </a>
                  {manage && (
                    <EditDeleteActions
                      as="span"
                      name={tag.name}
                      editLabel={m.rename}
                      onEdit={() => setEditing(tag.id)}
                      onDelete={() => setDeleting(tag)}
                    />
                  )}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={deleting !== null}
        title={deleting ? m.deleteTitle(deleting.name) : ''}
        body={m.deleteBody}
        confirmLabel={t().delete}
        busy={busy}
        onConfirm={() => void remove()}
        onCancel={() => setDeleting(null)}
      />
    </div>
  )
}

interface NameFormProps {
  id: string
  label: string
  submit: string
  initial?: string
  icon?: boolean
  onSave(name: string): Promise<void>
  onCancel?(): void
}

function NameForm(props: NameFormProps) {
  const [name, setName] = useState(props.initial ?? '')
  const [invalid, setInvalid] = useState<string | undefined>()
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (event: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault()
    const problem = nameProblem(name)
    if (problem) {
      setInvalid(problem)
      return
    }
    setBusy(true)
    setError(null)
    try {
      await props.onSave(name.trim())
      if (!props.initial) setName('')
    } catch (failure) {
      if (failure instanceof ApiError && failure.status >= 400 && failure.status < 500)
        setInvalid(failure.message)
      else setError(failure)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form
      class={props.initial ? 'name-form' : 'name-form card'}
      onSubmit={(e) => void submit(e)}
      noValidate
    >
      <label class="field-label" for={props.id}>
        {props.label}
      </label>
      <div class="inline-form">
        <input
          id={props.id}
          class="input"
          value={name}
          maxLength={30}
          autoFocus={!!props.initial}
          aria-invalid={invalid ? true : undefined}
          aria-describedby={invalid ? `${props.id}-error` : undefined}
          onInput={(e) => {
            setName(e.currentTarget.value)
            setInvalid(undefined)
          }}
          onKeyDown={(e) => e.key === 'Escape' && props.onCancel?.()}
        />
        <button class="btn" type="submit" disabled={busy}>
          {props.icon && <PlusIcon size={18} />}
          {busy ? t().saving : props.submit}
        </button>
        {props.onCancel && (
          <button class="btn btn-secondary" type="button" onClick={props.onCancel}>
            {t().cancel}
          </button>
        )}
      </div>
      <FieldError id={`${props.id}-error`} message={invalid} />
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
    </form>
  )
}
