import type { ThreadContent, ThreadMessage } from '@joren/shared'
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks'
import { formatDateTime } from '../../lib/format.ts'
import { XIcon } from '../../ui/icons.tsx'
import { useStaff } from '../context.ts'
import { locale, t } from '../messages.ts'
import { shortTime, supportText } from '../support/support-messages.ts'

interface Props {
  messages: readonly ThreadMessage[]
  memberName: string
  hasOlder: boolean
  loadingOlder: boolean
  onOlder(): void
  /** After a resend was queued: refresh the thread. */
  onResent?(): void
  /** The member blocked the account: nothing can be resent. */
  blocked?: boolean
}

/** The chat as LINE shows it to the shop: the customer on the left, the bot and staff on the right. */
export function Thread({
  messages,
  memberName,
  hasOlder,
  loadingOlder,
  onOlder,
  onResent,
  blocked = false,
}: Props) {
  const m = supportText().thread
  const log = useRef<HTMLDivElement>(null)
  const stuckToBottom = useRef(true)
  const last = messages.at(-1)?.id

  // Follow new messages unless the reader scrolled up to read older ones.
  useLayoutEffect(() => {
    const element = log.current
    if (element && stuckToBottom.current) element.scrollTop = element.scrollHeight
  }, [last])

  return (
    <div
      ref={log}
      class="thread"
      role="log"
      aria-live="polite"
      aria-label={m.label(memberName)}
      tabIndex={0}
      data-testid="thread"
      onScroll={(event) => {
        const el = event.currentTarget
        stuckToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48
      }}
    >
      {hasOlder && (
        <button
          class="link-button thread-older"
          type="button"
          disabled={loadingOlder}
          onClick={onOlder}
        >
          {m.older}
        </button>
      )}
      {messages.length === 0 && <p class="muted thread-system">{m.empty}</p>}
      {messages.map((msg) => (
        <Bubble
          key={msg.id}
          message={msg}
          memberName={memberName}
          canResend={!blocked}
          onResent={onResent}
        />
      ))}
    </div>
  )
}

function Bubble({
  message,
  memberName,
  canResend,
  onResent,
}: {
  message: ThreadMessage
  memberName: string
  canResend: boolean
  onResent?: () => void
}) {
  const m = supportText().thread
  const state = message.state ?? null
  const inbound = message.direction === 'in'
  const who = inbound
    ? memberName
    : message.origin === 'staff'
      ? (message.staff?.displayName ?? m.unknownStaff)
      : message.origin === 'broadcast'
        ? m.staff
        : m.bot
  return (
    <article
      class={`bubble-row ${inbound ? 'from-customer' : 'from-shop'} origin-${message.origin ?? 'customer'}`}
      aria-label={who}
      data-message={message.id}
      data-state={inbound ? undefined : (state ?? undefined)}
    >
      <span class="bubble-who">
        {!inbound && (
          <span class={`who-chip ${message.origin === 'staff' ? 'who-staff' : 'who-bot'}`}>
            {who}
          </span>
        )}
      </span>
      <div class="bubble-line">
        <div class={`bubble bubble-${message.content.type}`}>
          <Content content={message.content} />
        </div>
        <span class="bubble-meta">
          {message.via && !inbound && <span>{m.via[message.via]}</span>}
          {!inbound && (state === 'queued' || state === 'retrying') && (
            <span class={`badge badge-gray`}>{m.state[state]}</span>
          )}
          {!inbound && message.resendOf != null && <span>{m.resendOf}</span>}
          <time
            dateTime={new Date(message.createdAt).toISOString()}
            title={formatDateTime(message.createdAt, locale())}
          >
            {shortTime(message.createdAt)}
          </time>
        </span>
      </div>
      {message.delivery && !inbound && (
        <p
          class={`bubble-delivery delivery-${message.delivery.state}`}
          data-delivery={message.delivery.state}
        >
          <span class="badge badge-red">{m.delivery[message.delivery.state]}</span>{' '}
          {m.deliveryReason[message.delivery.reason]}
          {message.delivery.lineReason && (
            <span class="delivery-line-reason">
              {' '}
              {m.lineSaid} {message.delivery.lineReason}
            </span>
          )}
        </p>
      )}
      {!inbound && message.resentAs != null && (
        <p class="bubble-delivery muted" data-resent={message.resentAs}>
          {m.resentMark}
        </p>
      )}
      {!inbound && message.resendable && canResend && (
        <ResendControl messageId={message.id} onResent={onResent} />
      )}
    </article>
  )
}

/** Staff decide: a failed reply is resent as a push only after they confirm its cost. */
function ResendControl({ messageId, onResent }: { messageId: number; onResent?: () => void }) {
  const m = supportText().thread
  const { api } = useStaff()
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const resend = async () => {
    setBusy(true)
    setError(null)
    try {
      await api.send('POST', `/api/staff/inbox/messages/${messageId}/resend`, {})
      setConfirming(false)
      onResent?.()
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(false)
    }
  }
  if (!confirming)
    return (
      <p class="bubble-resend">
        <button class="btn btn-secondary btn-sm" type="button" onClick={() => setConfirming(true)}>
          {m.resend}
        </button>
      </p>
    )
  return (
    <div class="bubble-resend resend-confirm" role="group" aria-label={m.resend}>
      <p class="small">{m.resendCost}</p>
      <p class="inline-actions">
        <button
          class="btn btn-primary btn-sm"
          type="button"
          disabled={busy}
          onClick={() => void resend()}
        >
          {busy ? m.resending : m.resendConfirm}
        </button>
        <button
          class="btn btn-secondary btn-sm"
          type="button"
          disabled={busy}
          onClick={() => setConfirming(false)}
        >
          {m.resendCancel}
        </button>
      </p>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  )
}

function Content({ content }: { content: ThreadContent }) {
  switch (content.type) {
    case 'text':
      return <p class="pre-wrap">{content.text}</p>
    case 'image':
      return <ImageContent content={content} />
    case 'sticker':
      return <Sticker imageUrl={content.imageUrl} label={content.label} />
    case 'postback':
      return <p class="muted">{content.label}</p>
    case 'other':
      return <p class="muted">{content.label}</p>
  }
}

function Sticker({ imageUrl, label }: { imageUrl: string; label: string }) {
  const [failed, setFailed] = useState(false)
  const m = supportText().thread
  return failed ? (
    <p class="muted">
      ［{m.sticker}: {label}］
    </p>
  ) : (
    <img
      class="sticker"
      src={imageUrl}
      alt={`${m.sticker}: ${label}`}
      loading="lazy"
      referrerpolicy="no-referrer"
      onError={() => setFailed(true)}
    />
  )
}

type ImageMessage = Extract<ThreadContent, { type: 'image' }>

/** A thumbnail that opens full size; stored images need the staff token, so they come as blobs. */
function ImageContent({ content }: { content: ImageMessage }) {
  const m = supportText().thread
  const url = useImageUrl(content)
  const [open, setOpen] = useState(false)
  if (content.status === 'pending') return <p class="muted">{m.imagePending}</p>
  if (content.status === 'too_large') return <p class="muted">{m.imageTooLarge}</p>
  if (content.status === 'failed' || url === null) return <p class="muted">{m.imageFailed}</p>
  if (url === undefined) return <span class="skel thumb-skel" />
  return (
    <>
      <button class="thumb-button" type="button" onClick={() => setOpen(true)}>
        <img class="thumb" src={url} alt={m.openImage} />
      </button>
      {open && <ImageDialog url={url} onClose={() => setOpen(false)} />}
    </>
  )
}

/** undefined while loading, null when it cannot be shown. */
function useImageUrl(content: ImageMessage): string | null | undefined {
  const { session } = useStaff()
  const [url, setUrl] = useState<string | null | undefined>(
    content.status === 'external' ? content.externalUrl : undefined,
  )
  const source = content.status === 'stored' ? content.contentUrl : null
  useEffect(() => {
    if (content.status === 'external') {
      setUrl(content.externalUrl)
      return
    }
    if (!source) return
    const controller = new AbortController()
    let objectUrl: string | undefined
    void (async () => {
      try {
        const response = await fetch(source, {
          headers: { authorization: `Bearer ${await session.idToken()}` },
          signal: controller.signal,
        })
        if (!response.ok) throw new Error(String(response.status))
        objectUrl = URL.createObjectURL(await response.blob())
        if (controller.signal.aborted) URL.revokeObjectURL(objectUrl)
        else setUrl(objectUrl)
      } catch {
        if (!controller.signal.aborted) setUrl(null)
      }
    })()
    return () => {
      controller.abort()
      if (objectUrl) URL.revokeObjectURL(objectUrl)
    }
  }, [source, content.status, content.externalUrl, session])
  return url
}

function ImageDialog({ url, onClose }: { url: string; onClose(): void }) {
  const m = supportText().thread
  const dialog = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    dialog.current?.showModal()
  }, [])
  return (
    <dialog
      ref={dialog}
      class="dialog image-dialog"
      aria-label={m.image}
      onClose={onClose}
      onClick={(e) => e.target === e.currentTarget && dialog.current?.close()}
    >
      <button
        class="icon-button image-close"
        type="button"
        aria-label={t().close}
        onClick={() => dialog.current?.close()}
        autofocus
      >
        <XIcon size={22} />
      </button>
      <img src={url} alt={m.image} />
    </dialog>
  )
}
