import { ReplyInputSchema, type ReplyMode, type ReplyResult } from '@joren/shared'
import type { JSX } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { ApiError } from '../../lib/api-error.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ErrorPanel } from '../components/error-panel.tsx'
import { FieldError } from '../components/field-error.tsx'
import { useStaff } from '../context.ts'
import { locale } from '../messages.ts'
import { href } from '../paths.ts'
import { loadCannedReplies } from './canned.ts'
import { paths } from './paths.ts'
import { replyModeAt } from './reply-mode.ts'
import { shortTime, supportText } from '../support/support-messages.ts'

interface Props {
  conversationId: number
  blocked: boolean
  replyMode: ReplyMode
  replyTokenExpiresAt: number | null
  onSent(): void
}

/** One key per message being written: a double click, or a retry after a lost answer, sends once. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** The reply box: canned replies, free reply or billed push said before sending, and after. */
export function ReplyBox({
  conversationId,
  blocked,
  replyMode,
  replyTokenExpiresAt,
  onSent,
}: Props) {
  const { api, can } = useStaff()
  const m = supportText().reply
  const [text, setText] = useState('')
  const [key, setKey] = useState(newIdempotencyKey)
  const [busy, setBusy] = useState(false)
  const [invalid, setInvalid] = useState<string>()
  const [error, setError] = useState<unknown>(null)
  const [sent, setSent] = useState<ReplyResult | null>(null)
  const sending = useRef(false)
  const mode = useReplyMode(replyMode, replyTokenExpiresAt)
  const canned = useResource((signal) => loadCannedReplies(api, signal), 'canned-picker')
  const input = useRef<HTMLTextAreaElement>(null)

  const send = async () => {
    if (sending.current || blocked) return
    setError(null)
    setSent(null)
    const parsed = ReplyInputSchema.safeParse({ text, idempotencyKey: key })
    if (!parsed.success) {
      setInvalid(locale() === 'ja' ? parsed.error.issues[0]?.message : m.required)
      input.current?.focus()
      return
    }
    sending.current = true
    setBusy(true)
    try {
      const result = await api.send<ReplyResult>('POST', paths.reply(conversationId), parsed.data)
      setSent(result)
      setText('')
      setKey(newIdempotencyKey())
      onSent()
    } catch (failure) {
      // The same key is kept: sending again cannot deliver the message twice.
      if (failure instanceof ApiError && failure.status === 400) setInvalid(failure.message)
      else setError(failure)
    } finally {
      sending.current = false
      setBusy(false)
    }
  }

  const submit = (event: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault()
    void send()
  }
  const onKeyDown = (event: JSX.TargetedKeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.isComposing) {
      event.preventDefault()
      void send()
    }
  }
  const insert = (body: string) => {
    setText((current) => (current.trim() ? `${current.trimEnd()}\n${body}` : body))
    setInvalid(undefined)
    input.current?.focus()
  }

  const free = mode === 'reply'
  return (
    <form class="reply-box" onSubmit={submit} noValidate aria-labelledby="reply-label">
      {blocked && <p class="form-alert">{supportText().thread.blocked}</p>}
      {canned.data && (
        <div class="reply-tools">
          <label class="sr-only" for="canned-picker">
            {m.canned}
          </label>
          <select
            id="canned-picker"
            class="input"
            value=""
            disabled={blocked || canned.data.length === 0}
            onChange={(e) => {
              const chosen = canned.data?.find((c) => String(c.id) === e.currentTarget.value)
              if (chosen) insert(chosen.body)
            }}
          >
            <option value="">{canned.data.length ? m.cannedChoose : m.cannedEmpty}</option>
            {canned.data.map((c) => (
              <option key={c.id} value={String(c.id)}>
                {c.title}
              </option>
            ))}
          </select>
          {can('support.manage') && (
            <a class="link-button" href={href('/faq?tab=canned')}>
              {m.cannedManage}
            </a>
          )}
        </div>
      )}
      <label class="field-label" id="reply-label" for="reply-text">
        {m.label}
      </label>
      <textarea
        id="reply-text"
        ref={input}
        class="input textarea"
        rows={3}
        maxLength={5000}
        placeholder={m.placeholder}
        value={text}
        disabled={blocked}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={`reply-mode reply-shortcut${invalid ? ' reply-error' : ''}`}
        onInput={(e) => {
          setText(e.currentTarget.value)
          setInvalid(undefined)
        }}
        onKeyDown={onKeyDown}
      />
      <FieldError id="reply-error" message={invalid} />
      {error !== null && <ErrorPanel error={error} onRetry={() => void send()} />}
      <div class="reply-foot">
        <p
          id="reply-mode"
          class={`reply-mode ${free ? 'mode-free' : 'mode-push'}`}
          data-mode={mode}
        >
          <strong>{free ? m.free : m.push}</strong>
          {free && replyTokenExpiresAt && (
            <span class="small">{m.freeUntil(shortTime(replyTokenExpiresAt))}</span>
          )}
        </p>
        <span id="reply-shortcut" class="small muted">
          {m.shortcut}
        </span>
        <button class="btn" type="submit" disabled={busy || blocked}>
          {busy ? m.sending : m.send}
        </button>
      </div>
      <p class="reply-sent" role="status" aria-live="polite">
        {sent && (
          <span class={`badge ${sent.billed ? 'badge-red' : 'badge-green'}`} data-via={sent.via}>
            {sent.via === 'reply' ? m.sentFree : m.sentPush}
          </span>
        )}
      </p>
    </form>
  )
}

/** The server's reply mode, re-evaluated when the reply token's time is up. */
function useReplyMode(mode: ReplyMode, expiresAt: number | null): ReplyMode {
  const [now, setNow] = useState(Date.now)
  useEffect(() => {
    setNow(Date.now())
    if (mode !== 'reply' || expiresAt === null) return
    const left = expiresAt - Date.now()
    if (left <= 0) return
    const timer = setTimeout(() => setNow(Date.now()), left + 50)
    return () => clearTimeout(timer)
  }, [mode, expiresAt])
  return replyModeAt(mode, expiresAt, now)
}
