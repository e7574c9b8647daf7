import type { BroadcastResponse, CouponTemplateStats } from '@joren/shared'
import type { JSX } from 'preact'
import { SHOP_TIME_ZONE } from '../../lib/format.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ChevronLeftIcon } from '../../ui/icons.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { FieldError } from '../components/field-error.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { useStaff } from '../context.ts'
import { href } from '../paths.ts'
import { AudiencePicker } from './audience-picker.tsx'
import { ChatPreview } from './chat-preview.tsx'
import { restoreUnsaved, useComposer } from './composer-model.ts'
import { ComposerOptions, fieldPropsOf } from './composer-options.tsx'
import { ConfirmPanel } from './confirm-panel.tsx'
import { emptyForm, fromBroadcast, type ComposerForm } from './draft.ts'
import { MessageEditor } from './message-editor.tsx'
import { broadcastText } from './messages.ts'

const EDITABLE = new Set(['draft', 'scheduled'])

/** `/broadcasts/new` and `/broadcasts/:id/edit`: compose, pick the audience, review and send. */
export default function ComposerScreen({ params }: { params: Record<string, string> }) {
  const { api } = useStaff()
  const m = broadcastText().composer
  const id = params.id ? Number(params.id) : null
  const existing = useResource(
    (signal) =>
      id === null
        ? Promise.resolve(null)
        : api.get<BroadcastResponse>(`/api/staff/broadcasts/${id}`, { signal }),
    `broadcast:${id}`,
  )
  const templates = useResource(
    (signal) =>
      api.get<{ templates: CouponTemplateStats[] }>('/api/staff/coupons/templates', { signal }),
    'templates',
  )

  const back = (
    <a class="back-link" href={href(id === null ? '/broadcasts' : `/broadcasts/${id}`)}>
      <ChevronLeftIcon size={20} />
      {m.back}
    </a>
  )
  if (existing.error) {
    return (
      <div class="stack">
        {back}
        <ErrorPanel error={existing.error} onRetry={existing.reload} />
      </div>
    )
  }
  if (id !== null && !existing.data) {
    return (
      <div class="stack" aria-busy="true">
        {back}
        <span class="skel skel-title" style="width:40%" />
        <span class="skel" style="height:320px" />
      </div>
    )
  }
  const broadcast = existing.data?.broadcast
  if (broadcast && !EDITABLE.has(broadcast.status)) {
    return (
      <div class="stack">
        {back}
        <p class="card bc-warning">{m.notEditable}</p>
      </div>
    )
  }
  const unsaved = id === null ? restoreUnsaved() : null
  return (
    <Composer
      key={id ?? 'new'}
      wasScheduled={broadcast?.status === 'scheduled'}
      initialId={id}
      savedId={unsaved?.id ?? id}
      restored={unsaved !== null}
      initial={
        broadcast ? fromBroadcast(broadcast, SHOP_TIME_ZONE) : (unsaved?.form ?? emptyForm())
      }
      templates={templates.data?.templates ?? []}
      back={back}
    />
  )
}

function Composer(props: {
  /** The route's ID: null on /broadcasts/new. */
  initialId: number | null
  /** The draft's ID once saved (also a new one's, saved earlier in this tab). */
  savedId: number | null
  restored: boolean
  wasScheduled: boolean
  initial: ComposerForm
  templates: CouponTemplateStats[]
  back: JSX.Element
}) {
  const { config } = useStaff()
  const m = broadcastText().composer
  const model = useComposer(props)
  const { form, set, errors, busy, review } = model
  const fieldProps = fieldPropsOf(errors)

  return (
    <div class="stack">
      {props.back}
      <PageHeader title={props.initialId === null ? m.newTitle : m.editTitle} />
      {props.wasScheduled && <p class="card bc-warning">{m.unschedules}</p>}
      {model.restored && (
        <div class="card bc-restored" role="status">
          <p class="grow">{m.restored}</p>
          <button class="btn btn-secondary btn-sm" type="button" onClick={model.startOver}>
            {m.startOver}
          </button>
        </div>
      )}
      <div class="bc-layout">
        <form
          ref={model.formRef}
          class="stack"
          noValidate
          onSubmit={(e) => {
            e.preventDefault()
            void model.openReview()
          }}
        >
          <section class="card stack-sm">
            <label class="field-label" for="bc-title">
              {m.titleLabel}
            </label>
            <input
              {...fieldProps('title')}
              class="input"
              maxLength={80}
              placeholder={m.titlePlaceholder}
              value={form.title}
              onInput={(e) => set('title', e.currentTarget.value)}
            />
            <FieldError id="bc-title-error" message={errors.title} />
          </section>

          <section class="stack" aria-labelledby="bc-step-messages">
            <h2 id="bc-step-messages" class="bc-step">
              {m.stepMessages}
            </h2>
            <MessageEditor
              messages={form.messages}
              templates={props.templates}
              errors={errors}
              onChange={(messages) => set('messages', messages)}
            />
          </section>

          <section class="card stack" aria-labelledby="bc-step-audience">
            <h2 id="bc-step-audience" class="bc-step">
              {m.stepAudience}
            </h2>
            <AudiencePicker
              value={form.audience}
              error={errors.audience}
              sendable={model.sendable?.reachable ?? null}
              reach={model.sendable}
              onChange={(audience) => set('audience', audience)}
              onSample={model.onSample}
            />
          </section>

          <ComposerOptions model={model} />

          {model.error !== null && <ErrorPanel error={model.error} onRetry={model.clearError} />}
          {review ? (
            <ConfirmPanel
              estimate={review}
              scheduledAt={model.scheduledAt}
              busy={busy}
              error={model.sendError}
              onSend={(ok) => void model.send(ok)}
              onBack={model.closeReview}
            />
          ) : (
            <div class="bc-actions bc-sticky">
              <button
                class="btn btn-secondary"
                type="button"
                disabled={busy}
                onClick={() => void model.saveDraft()}
              >
                {m.saveDraft}
              </button>
              <button class="btn" type="submit" disabled={busy}>
                {m.review}
              </button>
            </div>
          )}
        </form>
        <aside class="bc-aside">
          <ChatPreview
            messages={form.messages}
            templates={props.templates}
            sample={model.sample}
            shopName={config.shopName}
          />
        </aside>
      </div>
    </div>
  )
}
