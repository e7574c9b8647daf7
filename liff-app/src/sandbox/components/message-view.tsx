import type { ChatAction } from '../actions.ts'
import { isRecord, readAction, stringOf, webUrl } from '../actions.ts'
import { flexToView } from '../flex/flex-model.ts'
import { FlexContainer } from '../flex/flex-view.tsx'
import { useT } from '../i18n.ts'
import type { LineMessage } from '../types.ts'
import { TemplateView } from './template-view.tsx'

type OnAction = (action: ChatAction) => void

const TEMPLATES = new Set(['buttons', 'confirm', 'carousel', 'image_carousel'])

/** One message the bot sent, drawn as LINE draws it (as far as a web page can). */
export function MessageView({ message, onAction }: { message: LineMessage; onAction: OnAction }) {
  const t = useT()
  const altText = stringOf(message.altText)
  switch (message.type) {
    case 'text':
      return (
        <p class="bubble bubble-bot">
          <LinkedText text={stringOf(message.text) ?? ''} onAction={onAction} />
        </p>
      )
    case 'textV2':
      return <p class="bubble bubble-bot">{substitute(message)}</p>
    case 'image': {
      const original = webUrl(message.originalContentUrl)
      const preview = stringOf(message.previewImageUrl) ?? original
      return (
        <a class="chat-image" href={original} target="_blank" rel="noopener noreferrer">
          <img src={preview} alt={t.message.image} />
          <span class="sr-only">{t.message.openImage}</span>
        </a>
      )
    }
    case 'sticker':
      return (
        <div class="sticker" role="img" aria-label={t.message.sticker}>
          <svg width="56" height="56" viewBox="0 0 24 24" fill="none" aria-hidden="true">
            <circle cx="12" cy="12" r="10" fill="#ffd54a" />
            <circle cx="9" cy="10" r="1.3" fill="#15191e" />
            <circle cx="15" cy="10" r="1.3" fill="#15191e" />
            <path d="M8 14.5c1 1.5 2.4 2.2 4 2.2s3-.7 4-2.2" stroke="#15191e" stroke-width="1.5" />
          </svg>
          <small>
            {t.message.sticker} {stringOf(message.packageId)}/{stringOf(message.stickerId)}
          </small>
        </div>
      )
    case 'flex': {
      const view = flexToView(message.contents)
      if (!view) return <AltText type="flex" altText={altText} />
      return (
        <div class="flex-message">
          <FlexContainer view={view} onAction={onAction} />
          {view.unsupported.length > 0 && (
            <p class="chat-note">
              {t.message.partlyUnsupported(view.unsupported.join(', '))}{' '}
              {altText && `${t.message.altText}: ${altText}`}
            </p>
          )}
        </div>
      )
    }
    case 'template': {
      const template = isRecord(message.template) ? message.template : {}
      if (!TEMPLATES.has(stringOf(template.type) ?? '')) {
        return <AltText type="template" altText={altText} />
      }
      return <TemplateView template={template} onAction={onAction} />
    }
    default: {
      const type = stringOf(message.type) ?? 'unknown'
      return <AltText type={type} altText={altText} />
    }
  }
}

const URL_IN_TEXT = /https?:\/\/[^\s<>"'）」、。]+/g

/**
 * A text bubble's links are tappable, as in LINE: a link into the mini-app opens it in the phone
 * frame as this customer, any other web page in a new tab.
 */
function LinkedText({ text, onAction }: { text: string; onAction: OnAction }) {
  const parts: (string | { url: string })[] = []
  let last = 0
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const at = match.index
    if (at > last) parts.push(text.slice(last, at))
    parts.push({ url: match[0] })
    last = at + match[0].length
  }
  if (last < text.length) parts.push(text.slice(last))
  return (
    <>
      {parts.map((part, i) => {
        if (typeof part === 'string') return part
        const action = readAction({ type: 'uri', label: part.url, uri: part.url })
        return (
          <a
            key={i}
            href={part.url}
            target="_blank"
            rel="noopener noreferrer"
            onClick={(event) => {
              if (!action) return
              event.preventDefault()
              onAction(action)
            }}
          >
            {part.url}
          </a>
        )
      })}
    </>
  )
}

/** What stands in for a message this page cannot draw: its kind and its altText. */
function AltText({ type, altText }: { type: string; altText: string | undefined }) {
  const t = useT()
  const known = (t.message as Record<string, unknown>)[type]
  const label = typeof known === 'string' ? known : t.message.unknown(type)
  return (
    <div class="bubble bubble-bot bubble-alt">
      <small>［{label}］</small>
      {altText && <span>{altText}</span>}
    </div>
  )
}

/** textV2: `{name}` placeholders become the mention or emoji they stand for. */
function substitute(message: LineMessage): string {
  const text = stringOf(message.text) ?? ''
  const substitution = isRecord(message.substitution) ? message.substitution : {}
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const value = substitution[key]
    if (!isRecord(value)) return whole
    if (value.type === 'emoji') return '☺'
    if (value.type === 'mention') return '@you'
    return whole
  })
}
