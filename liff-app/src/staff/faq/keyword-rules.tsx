import {
  KEYWORD_MATCH_TYPES,
  KeywordRuleInputSchema,
  unsafePatternReason,
  type KeywordMatch,
  type KeywordReply,
  type KeywordRule,
  type KeywordRuleList,
} from '@joren/shared'
import type { JSX } from 'preact'
import { useState, type Dispatch, type StateUpdater } from 'preact/hooks'
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

const PATH = '/api/staff/keyword-rules'

/** Keyword rules: checked before the FAQ, in priority order; each replies with 1–5 messages. */
export function KeywordRules() {
  const { api } = useStaff()
  const m = supportText().rules
  const { list, editing, setEditing, deleting, setDeleting, busy, error, setError, remove, saved } =
    useEditableList<KeywordRuleList, KeywordRule>({
      load: (signal) => api.get<KeywordRuleList>(PATH, { signal }),
      key: 'rules',
      deletePath: (id) => `${PATH}/${id}`,
      deletedMessage: m.deleted,
    })

  return (
    <section class="stack" aria-labelledby="rules-title">
      <div class="page-header">
        <div class="grow">
          <h2 class="section-title" id="rules-title">
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
        <RuleEditor onSaved={() => saved(m.created)} onCancel={() => setEditing(null)} />
      )}
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      {list.data ? (
        list.data.rules.length === 0 ? (
          <p class="card empty">{m.empty}</p>
        ) : (
          <ul class="editor-list" data-testid="keyword-rules">
            {list.data.rules.map((rule) =>
              editing === rule.id ? (
                <li key={rule.id}>
                  <RuleEditor
                    rule={rule}
                    onSaved={() => saved(m.updated)}
                    onCancel={() => setEditing(null)}
                  />
                </li>
              ) : (
                <li key={rule.id} class="card editor-item">
                  <div class="grow stack-xs">
                    <p class="rule-head">
                      <span class="chip-sm">{m.matches[rule.match]}</span>
                      <code class="pattern">{rule.pattern}</code>
                      <span class="small muted">
                        {m.priority} {rule.priority}
                      </span>
                      {!rule.enabled && <span class="badge badge-gray">{m.disabled}</span>}
                    </p>
                    {rule.reply.map((reply, i) =>
                      reply.type === 'text' ? (
                        <p key={i} class="pre-wrap clamp">
                          {reply.text}
                        </p>
                      ) : (
                        <img
                          key={i}
                          class="rule-thumb"
                          src={reply.previewImageUrl}
                          alt={m.replyImage}
                          loading="lazy"
                          referrerpolicy="no-referrer"
                        />
                      ),
                    )}
                  </div>
                  <EditDeleteActions
                    name={rule.pattern}
                    onEdit={() => setEditing(rule.id)}
                    onDelete={() => setDeleting(rule)}
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
        title={m.deleteTitle(deleting?.pattern ?? '')}
        body={m.deleteBody}
        confirmLabel={t().delete}
        busy={busy}
        onConfirm={() => void remove()}
        onCancel={() => setDeleting(null)}
      />
    </section>
  )
}

type Draft = KeywordReply[number]

function RuleEditor(props: { rule?: KeywordRule; onSaved(): void; onCancel(): void }) {
  const { api } = useStaff()
  const m = supportText().rules
  const id = props.rule ? `rule-${props.rule.id}` : 'rule-new'
  const [match, setMatch] = useState<KeywordMatch>(props.rule?.match ?? 'contains')
  const [pattern, setPattern] = useState(props.rule?.pattern ?? '')
  const [reply, setReply] = useState<Draft[]>(props.rule?.reply ?? [{ type: 'text', text: '' }])
  const [priority, setPriority] = useState(String(props.rule?.priority ?? 0))
  const [enabled, setEnabled] = useState(props.rule?.enabled ?? true)
  const [issues, setIssues] = useState<Issues>({})
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)

  /** The regex checker runs here too, so an unsafe pattern is flagged as it is typed. */
  const checkPattern = (nextMatch: KeywordMatch, nextPattern: string) => {
    const reason = nextMatch === 'regex' && nextPattern ? unsafePatternReason(nextPattern) : null
    setIssues((found) => {
      const { pattern: _, ...rest } = found
      void _
      return reason ? { ...rest, pattern: `この正規表現は使えません: ${reason}` } : rest
    })
  }
  const setDraft = (index: number, next: Draft) => {
    setReply((list) => list.map((r, i) => (i === index ? next : r)))
    setIssues({})
  }

  const submit = async (event: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault()
    setError(null)
    const parsed = KeywordRuleInputSchema.safeParse({
      match,
      pattern,
      reply,
      priority: priority.trim() === '' ? 0 : Number(priority),
      enabled,
    })
    if (!parsed.success) {
      setIssues(issuesByPath(parsed.error.issues))
      return
    }
    setBusy(true)
    try {
      if (props.rule) await api.send('PUT', `${PATH}/${props.rule.id}`, parsed.data)
      else await api.send('POST', PATH, parsed.data)
      props.onSaved()
    } catch (failure) {
      const fields = serverIssues(failure)
      if (fields) setIssues(fields)
      else setError(failure)
    } finally {
      setBusy(false)
    }
  }

  const described = (key: string) =>
    issues[key] ? { 'aria-invalid': true, 'aria-describedby': `${id}-${key}-error` } : {}
  return (
    <form class="card stack editor" onSubmit={(e) => void submit(e)} noValidate>
      <div class="form-grid">
        <div class="stack-sm">
          <label class="field-label" for={`${id}-match`}>
            {m.match}
          </label>
          <select
            id={`${id}-match`}
            class="input"
            value={match}
            onChange={(e) => {
              const next = e.currentTarget.value as KeywordMatch
              setMatch(next)
              checkPattern(next, pattern)
            }}
          >
            {KEYWORD_MATCH_TYPES.map((type) => (
              <option key={type} value={type}>
                {m.matches[type]}
              </option>
            ))}
          </select>
        </div>
        <div class="stack-sm grow-2">
          <label class="field-label" for={`${id}-pattern`}>
            {m.pattern}
          </label>
          <input
            id={`${id}-pattern`}
            class={`input${match === 'regex' ? ' input-mono' : ''}`}
            type="text"
            maxLength={200}
            value={pattern}
            {...described('pattern')}
            onInput={(e) => {
              setPattern(e.currentTarget.value)
              checkPattern(match, e.currentTarget.value)
            }}
          />
          {match === 'regex' && <span class="field-hint">{m.patternRegexHelp}</span>}
          <FieldError id={`${id}-pattern-error`} message={issues.pattern} />
        </div>
      </div>
      <ReplyDrafts
        id={id}
        reply={reply}
        setReply={setReply}
        setDraft={setDraft}
        issues={issues}
        described={described}
      />
      <div class="form-grid">
        <div class="stack-sm">
          <label class="field-label" for={`${id}-priority`}>
            {m.priority}
          </label>
          <input
            id={`${id}-priority`}
            class="input"
            type="number"
            inputMode="numeric"
            min={-1000}
            max={1000}
            step={1}
            value={priority}
            {...described('priority')}
            onInput={(e) => setPriority(e.currentTarget.value)}
          />
          <span class="field-hint">{m.priorityHelp}</span>
          <FieldError id={`${id}-priority-error`} message={issues.priority} />
        </div>
        <label class="check self-end">
          <input
            type="checkbox"
            checked={enabled}
            onChange={(e) => setEnabled(e.currentTarget.checked)}
          />
          {m.enabled}
        </label>
      </div>
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      <FormActions
        busy={busy}
        submitLabel={props.rule ? t().save : m.create}
        onCancel={props.onCancel}
      />
    </form>
  )
}

/** The rule's replies (1–5): text or image drafts, each removable, with the add buttons below. */
function ReplyDrafts(props: {
  id: string
  reply: Draft[]
  setReply: Dispatch<StateUpdater<Draft[]>>
  setDraft(index: number, next: Draft): void
  issues: Issues
  described(key: string): Record<string, unknown>
}) {
  const { id, reply, setReply, setDraft, issues, described } = props
  const m = supportText().rules
  return (
    <fieldset class="stack-sm">
      <legend class="field-label">{m.replies}</legend>
      <ol class="variant-list">
        {reply.map((draft, i) => (
          <li key={i} class="reply-draft stack-sm">
            {draft.type === 'text' ? (
              <>
                <label class="small muted" for={`${id}-r${i}`}>
                  {m.text(i + 1)}
                </label>
                <textarea
                  id={`${id}-r${i}`}
                  class="input textarea"
                  rows={3}
                  maxLength={4800}
                  value={draft.text}
                  {...described(`reply.${i}.text`)}
                  onInput={(e) => setDraft(i, { type: 'text', text: e.currentTarget.value })}
                />
                <FieldError
                  id={`${id}-reply.${i}.text-error`}
                  message={issues[`reply.${i}.text`]}
                />
              </>
            ) : (
              <>
                <label class="small muted" for={`${id}-r${i}`}>
                  {m.image(i + 1)}
                </label>
                <input
                  id={`${id}-r${i}`}
                  class="input"
                  type="url"
                  inputMode="url"
                  placeholder="https://"
                  value={draft.originalContentUrl}
                  {...described(`reply.${i}.originalContentUrl`)}
                  onInput={(e) =>
                    setDraft(i, {
                      ...draft,
                      originalContentUrl: e.currentTarget.value,
                      // The preview follows the original until someone sets it apart.
                      previewImageUrl:
                        draft.previewImageUrl === draft.originalContentUrl
                          ? e.currentTarget.value
                          : draft.previewImageUrl,
                    })
                  }
                />
                <FieldError
                  id={`${id}-reply.${i}.originalContentUrl-error`}
                  message={issues[`reply.${i}.originalContentUrl`]}
                />
                <label class="small muted" for={`${id}-p${i}`}>
                  {m.preview(i + 1)}
                </label>
                <input
                  id={`${id}-p${i}`}
                  class="input"
                  type="url"
                  inputMode="url"
                  placeholder="https://"
                  value={draft.previewImageUrl}
                  {...described(`reply.${i}.previewImageUrl`)}
                  onInput={(e) => setDraft(i, { ...draft, previewImageUrl: e.currentTarget.value })}
                />
                <FieldError
                  id={`${id}-reply.${i}.previewImageUrl-error`}
                  message={issues[`reply.${i}.previewImageUrl`]}
                />
              </>
            )}
            {reply.length > 1 && (
              <button
                class="link-button self-start danger-link"
                type="button"
                onClick={() => setReply((list) => list.filter((_, j) => j !== i))}
              >
                <XIcon size={18} />
                {m.removeReply(i + 1)}
              </button>
            )}
          </li>
        ))}
      </ol>
      <FieldError id={`${id}-reply-error`} message={issues.reply} />
      {reply.length < 5 && (
        <div class="inline-actions">
          <button
            class="link-button"
            type="button"
            onClick={() => setReply((list) => [...list, { type: 'text', text: '' }])}
          >
            <PlusIcon size={18} />
            {m.addText}
          </button>
          <button
            class="link-button"
            type="button"
            onClick={() =>
              setReply((list) => [
                ...list,
                { type: 'image', originalContentUrl: '', previewImageUrl: '' },
              ])
            }
          >
            <PlusIcon size={18} />
            {m.addImage}
          </button>
        </div>
      )}
    </fieldset>
  )
}
