import { PLACEHOLDERS, unknownPlaceholders, type CouponTemplateStats } from '@joren/shared'
import { useRef, useState } from 'preact/hooks'
import { PlusIcon, TrashIcon } from '../../ui/icons.tsx'
import { FieldError } from '../components/field-error.tsx'
import { ArrowDownIcon, ArrowUpIcon } from './icons.tsx'
import { insertAt, move, newKey, type DraftErrors, type EditableMessage } from './draft.ts'
import { broadcastText } from './messages.ts'

export const MAX_MESSAGES = 5
export const MAX_TEXT = 4800

interface Props {
  messages: EditableMessage[]
  templates: CouponTemplateStats[]
  errors: DraftErrors
  onChange(messages: EditableMessage[]): void
}

/** Up to five messages: text with placeholder chips, an image by URL, one coupon card. */
export function MessageEditor({ messages, templates, errors, onChange }: Props) {
  const m = broadcastText().composer
  const full = messages.length >= MAX_MESSAGES
  const hasCoupon = messages.some((x) => x.type === 'coupon')
  const update = (index: number, next: EditableMessage) =>
    onChange(messages.map((x, i) => (i === index ? next : x)))
  const add = (type: EditableMessage['type']) => {
    const key = newKey()
    const message: EditableMessage =
      type === 'text'
        ? { key, type, text: '' }
        : type === 'image'
          ? { key, type, url: '' }
          : { key, type, templateId: null }
    onChange([...messages, message])
  }

  return (
    <div class="stack">
      <p class="muted small">{m.messagesHelp}</p>
      <ol class="bc-messages">
        {messages.map((message, index) => (
          <li key={message.key} class="bc-message card" data-testid={`message-${index + 1}`}>
            <div class="bc-message-head">
              <h3 class="section-title grow">{m.messageN(index + 1, m.kinds[message.type])}</h3>
              <button
                class="icon-button"
                type="button"
                aria-label={m.moveUp(index + 1)}
                disabled={index === 0}
                onClick={() => onChange(move(messages, index, index - 1))}
              >
                <ArrowUpIcon size={22} />
              </button>
              <button
                class="icon-button"
                type="button"
                aria-label={m.moveDown(index + 1)}
                disabled={index === messages.length - 1}
                onClick={() => onChange(move(messages, index, index + 1))}
              >
                <ArrowDownIcon size={22} />
              </button>
              <button
                class="icon-button icon-danger"
                type="button"
                aria-label={m.remove(index + 1)}
                disabled={messages.length === 1}
                onClick={() => onChange(messages.filter((_, i) => i !== index))}
              >
                <TrashIcon size={22} />
              </button>
            </div>
            {message.type === 'text' ? (
              <TextEditor
                index={index}
                message={message}
                error={errors[`messages.${index}`]}
                hasCoupon={hasCoupon}
                onChange={(next) => update(index, next)}
              />
            ) : message.type === 'image' ? (
              <ImageEditor
                index={index}
                message={message}
                error={errors[`messages.${index}`]}
                onChange={(next) => update(index, next)}
              />
            ) : (
              <CouponEditor
                index={index}
                message={message}
                templates={templates}
                error={errors[`messages.${index}`]}
                onChange={(next) => update(index, next)}
              />
            )}
          </li>
        ))}
      </ol>
      <FieldError id="messages-error" message={errors.messages} />
      <div class="bc-add" role="group" aria-label={m.addLabel}>
        <span class="field-label">{m.addLabel}</span>
        <div class="row-actions">
          <button
            class="btn btn-secondary btn-sm"
            type="button"
            disabled={full}
            onClick={() => add('text')}
          >
            <PlusIcon size={18} />
            {m.addText}
          </button>
          <button
            class="btn btn-secondary btn-sm"
            type="button"
            disabled={full}
            onClick={() => add('image')}
          >
            <PlusIcon size={18} />
            {m.addImage}
          </button>
          <button
            class="btn btn-secondary btn-sm"
            type="button"
            disabled={full || hasCoupon}
            onClick={() => add('coupon')}
          >
            <PlusIcon size={18} />
            {m.addCoupon}
          </button>
        </div>
        {full ? (
          <p class="field-hint">{m.maxMessages}</p>
        ) : hasCoupon ? (
          <p class="field-hint">{m.oneCoupon}</p>
        ) : null}
      </div>
    </div>
  )
}

function TextEditor(props: {
  index: number
  message: Extract<EditableMessage, { type: 'text' }>
  error: string | undefined
  hasCoupon: boolean
  onChange(next: EditableMessage): void
}) {
  const m = broadcastText().composer
  const area = useRef<HTMLTextAreaElement>(null)
  const { text } = props.message
  const id = `message-${props.index}`
  const unknown = unknownPlaceholders(text)
  const couponWithoutCard = /\{coupon\}/.test(text) && !props.hasCoupon
  const warning =
    unknown.length > 0
      ? m.unknownPlaceholders(unknown.map((u) => `{${u}}`).join(' '))
      : couponWithoutCard
        ? m.couponNeedsCard
        : undefined

  const insert = (name: string) => {
    const element = area.current
    const start = element?.selectionStart ?? text.length
    const end = element?.selectionEnd ?? text.length
    const next = insertAt(text, start, end, `{${name}}`)
    props.onChange({ ...props.message, text: next.text })
    requestAnimationFrame(() => {
      element?.focus()
      element?.setSelectionRange(next.caret, next.caret)
    })
  }

  const over = text.length > MAX_TEXT
  return (
    <div class="stack-sm">
      <label class="field-label" for={id}>
        {m.text}
      </label>
      <div class="bc-chips" role="group" aria-label={m.insert}>
        {PLACEHOLDERS.map((name) => (
          <button key={name} class="bc-chip" type="button" onClick={() => insert(name)}>
            <span aria-hidden="true">{`{${name}}`}</span>
            <span class="bc-chip-label">{m.placeholders[name]}</span>
          </button>
        ))}
      </div>
      <textarea
        id={id}
        ref={area}
        class="input textarea"
        rows={5}
        value={text}
        aria-invalid={props.error || warning ? true : undefined}
        aria-describedby={`${id}-count ${id}-warning ${id}-error`}
        onInput={(e) => props.onChange({ ...props.message, text: e.currentTarget.value })}
      />
      <p id={`${id}-count`} class={`small ${over ? 'field-error' : 'muted'} bc-count`}>
        {m.chars(text.length, MAX_TEXT)}
      </p>
      {warning && (
        <p id={`${id}-warning`} class="bc-warning" role="status">
          {warning}
        </p>
      )}
      <FieldError id={`${id}-error`} message={warning ? undefined : props.error} />
    </div>
  )
}

function ImageEditor(props: {
  index: number
  message: Extract<EditableMessage, { type: 'image' }>
  error: string | undefined
  onChange(next: EditableMessage): void
}) {
  const m = broadcastText().composer
  const id = `message-${props.index}`
  const [broken, setBroken] = useState<string | null>(null)
  const url = props.message.url.trim()
  const showable = /^https:\/\/\S+$/.test(url)
  return (
    <div class="stack-sm">
      <label class="field-label" for={id}>
        {m.imageUrl}
      </label>
      <input
        id={id}
        class="input"
        type="url"
        inputMode="url"
        placeholder="https://"
        value={props.message.url}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={`${id}-help ${id}-error`}
        onInput={(e) => props.onChange({ ...props.message, url: e.currentTarget.value })}
      />
      <p id={`${id}-help`} class="field-hint">
        {m.imageHelp}
      </p>
      <FieldError id={`${id}-error`} message={props.error} />
      {showable &&
        (broken === url ? (
          <p class="bc-warning">{m.imageBroken}</p>
        ) : (
          <img
            class="bc-image-preview"
            src={url}
            alt={m.imagePreviewAlt}
            onError={() => setBroken(url)}
          />
        ))}
    </div>
  )
}

function CouponEditor(props: {
  index: number
  message: Extract<EditableMessage, { type: 'coupon' }>
  templates: CouponTemplateStats[]
  error: string | undefined
  onChange(next: EditableMessage): void
}) {
  const m = broadcastText().composer
  const id = `message-${props.index}`
  const active = props.templates.filter(
    (t) => t.status === 'active' || t.id === props.message.templateId,
  )
  if (active.length === 0) return <p class="bc-warning">{m.couponNone}</p>
  return (
    <div class="stack-sm">
      <label class="field-label" for={id}>
        {m.couponTemplate}
      </label>
      <select
        id={id}
        class="input"
        value={props.message.templateId === null ? '' : String(props.message.templateId)}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={`${id}-help ${id}-error`}
        onChange={(e) => {
          const value = e.currentTarget.value
          props.onChange({ ...props.message, templateId: value ? Number(value) : null })
        }}
      >
        <option value="">{m.couponChoose}</option>
        {active.map((t) => (
          <option key={t.id} value={String(t.id)}>
            {t.title}
          </option>
        ))}
      </select>
      <p id={`${id}-help`} class="field-hint">
        {m.couponHelp}
      </p>
      <FieldError id={`${id}-error`} message={props.error} />
    </div>
  )
}
