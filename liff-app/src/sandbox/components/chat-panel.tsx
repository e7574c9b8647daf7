import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks'
import type { ChatAction } from '../actions.ts'
import { useT } from '../i18n.ts'
import { quickRepliesOf, type TimelineEntry } from '../timeline.ts'
import { friendship, type SandboxUser } from '../types.ts'
import { MessageView } from './message-view.tsx'

interface Props {
  user: SandboxUser
  shopName: string | null
  timeline: TimelineEntry[] | null
  /** the action in flight, if any (its button shows as busy) */
  busy: 'follow' | 'unfollow' | 'send' | 'postback' | null
  onFollow(): void
  onBlock(): void
  onSend(text: string): Promise<boolean>
  onAction(action: ChatAction): void
  onOpenMiniApp(): void
}

/** The LINE chat as the test customer sees it, with the account's follow / block buttons. */
export function ChatPanel(props: Props) {
  const { user, timeline } = props
  const t = useT()
  const quickReplies = timeline ? quickRepliesOf(timeline) : []
  return (
    <section class="panel chat" aria-labelledby="chat-title">
      <div class="chat-head">
        <div class="grow">
          <h2 id="chat-title">{t.chat.title(user.displayName)}</h2>
          <p class="muted chat-sub">
            {props.shopName && `${t.chat.with(props.shopName)} ・ `}
            <span class={user.friend ? 'badge badge-friend' : 'badge'}>
              {t.friendship[friendship(user)]}
            </span>
          </p>
        </div>
      </div>
      <div class="chat-actions">
        {user.friend ? (
          <button
            type="button"
            class="btn btn-secondary btn-sm"
            disabled={props.busy !== null}
            onClick={props.onBlock}
          >
            {t.chat.block}
          </button>
        ) : (
          <button
            type="button"
            class="btn btn-sm"
            disabled={props.busy !== null}
            onClick={props.onFollow}
          >
            {t.chat.follow}
          </button>
        )}
        <button type="button" class="btn btn-secondary btn-sm" onClick={props.onOpenMiniApp}>
          {t.chat.openMiniApp}
        </button>
      </div>
      {!user.friend && <p class="chat-hint">{t.chat.unfollowHint}</p>}
      <ChatLog timeline={timeline} onAction={props.onAction} />
      {quickReplies.length > 0 && (
        <div class="quick-replies" role="group" aria-label={t.chat.quickReplies}>
          {quickReplies.map((reply, i) => (
            <button
              key={i}
              type="button"
              class="quick-reply"
              disabled={props.busy !== null}
              onClick={() => props.onAction(reply.action)}
            >
              {reply.imageUrl && <img src={reply.imageUrl} alt="" />}
              {reply.action.label}
            </button>
          ))}
        </div>
      )}
      <Composer busy={props.busy === 'send'} onSend={props.onSend} />
    </section>
  )
}

function ChatLog({
  timeline,
  onAction,
}: {
  timeline: TimelineEntry[] | null
  onAction(action: ChatAction): void
}) {
  const t = useT()
  const log = useRef<HTMLDivElement>(null)
  const stuckToBottom = useRef(true)
  const count = timeline?.length ?? 0

  // Follow new messages unless the reader scrolled up to read older ones.
  useLayoutEffect(() => {
    const element = log.current
    if (element && stuckToBottom.current) element.scrollTop = element.scrollHeight
  }, [count])

  const time = new Intl.DateTimeFormat(t.dateLocale, { hour: '2-digit', minute: '2-digit' })
  return (
    <div
      ref={log}
      class="chat-log"
      role="log"
      aria-label={t.chat.log}
      tabIndex={0}
      onScroll={(event) => {
        const el = event.currentTarget
        stuckToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48
      }}
    >
      {timeline === null ? (
        <p class="chat-system">…</p>
      ) : timeline.length === 0 ? (
        <p class="chat-system">{t.chat.empty}</p>
      ) : (
        timeline.map((entry) => (
          <Entry key={entry.key} entry={entry} time={time} onAction={onAction} />
        ))
      )}
    </div>
  )
}

function Entry({
  entry,
  time,
  onAction,
}: {
  entry: TimelineEntry
  time: Intl.DateTimeFormat
  onAction(action: ChatAction): void
}) {
  const t = useT()
  const at = <time dateTime={new Date(entry.at).toISOString()}>{time.format(entry.at)}</time>
  if (entry.from === 'system') {
    const text = { follow: t.chat.followed, unblock: t.chat.unblocked, unfollow: t.chat.unfollowed }
    return (
      <p class="chat-system">
        {text[entry.kind]} {at}
      </p>
    )
  }
  if (entry.from === 'bot') {
    return (
      <article class="chat-row chat-row-bot" aria-label={t.chat.bot}>
        <span class="chat-avatar" aria-hidden="true">
          J
        </span>
        <div class="chat-content">
          <MessageView message={entry.message} onAction={onAction} />
          <p class={`chat-meta via-${entry.via}`}>
            <span title={t.chat.via[entry.via]}>{t.chat.via[entry.via]}</span> {at}
          </p>
        </div>
      </article>
    )
  }
  return (
    <article class="chat-row chat-row-customer" aria-label={t.chat.you}>
      <div class="chat-content">
        {entry.kind === 'text' && <p class="bubble bubble-customer">{entry.text}</p>}
        {entry.kind === 'image' && <p class="bubble bubble-customer">{t.chat.image}</p>}
        {entry.kind === 'postback' &&
          (entry.displayText ? (
            <p class="bubble bubble-customer">{entry.displayText}</p>
          ) : (
            <p class="chat-postback" title={t.chat.postbackHint}>
              {t.chat.postback(entry.data)}
            </p>
          ))}
        <p class="chat-meta">{at}</p>
      </div>
    </article>
  )
}

function Composer({ busy, onSend }: { busy: boolean; onSend(text: string): Promise<boolean> }) {
  const t = useT()
  const [text, setText] = useState('')
  const input = useRef<HTMLTextAreaElement>(null)

  // Grow with the text, up to five lines.
  useEffect(() => {
    const element = input.current
    if (!element) return
    element.style.height = 'auto'
    element.style.height = `${Math.min(element.scrollHeight, 140)}px`
  }, [text])

  const submit = async () => {
    if (!text.trim() || busy) return
    if (await onSend(text)) setText('')
    input.current?.focus()
  }
  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault()
        void submit()
      }}
    >
      <label class="sr-only" for="composer-input">
        {t.chat.input}
      </label>
      <textarea
        id="composer-input"
        ref={input}
        class="input composer-input"
        rows={1}
        value={text}
        maxLength={5000}
        placeholder={t.chat.placeholder}
        onInput={(event) => setText(event.currentTarget.value)}
        onKeyDown={(event) => {
          // Enter sends, Shift+Enter starts a new line (not while an IME is composing).
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault()
            void submit()
          }
        }}
      />
      <button type="submit" class="btn composer-send" disabled={busy || !text.trim()}>
        {t.chat.send}
      </button>
    </form>
  )
}
