import { isRecord, readAction, stringOf, type ChatAction } from '../actions.ts'

type OnAction = (action: ChatAction) => void

/**
 * Template messages: buttons, confirm, carousel (columns of buttons) and image carousel. Draws
 * nothing for another type: the caller shows the altText instead.
 */
export function TemplateView({
  template,
  onAction,
}: {
  template: Record<string, unknown>
  onAction: OnAction
}) {
  switch (template.type) {
    case 'buttons':
      return <ButtonsCard column={template} onAction={onAction} />
    case 'confirm':
      return (
        <div class="template template-confirm">
          <p class="template-text">{stringOf(template.text)}</p>
          <div class="template-confirm-actions">
            <Actions raw={template.actions} onAction={onAction} />
          </div>
        </div>
      )
    case 'carousel':
      return (
        <div class="flex-carousel">
          {columns(template).map((column, i) => (
            <ButtonsCard key={i} column={column} onAction={onAction} />
          ))}
        </div>
      )
    case 'image_carousel':
      return (
        <div class="flex-carousel">
          {columns(template).map((column, i) => {
            const action = readAction(column.action)
            return (
              <div key={i} class="template template-image">
                <img src={stringOf(column.imageUrl)} alt="" />
                {action && <ActionButton action={action} onAction={onAction} />}
              </div>
            )
          })}
        </div>
      )
    default:
      return null
  }
}

function columns(template: Record<string, unknown>): Record<string, unknown>[] {
  return Array.isArray(template.columns) ? template.columns.filter(isRecord) : []
}

function ButtonsCard({
  column,
  onAction,
}: {
  column: Record<string, unknown>
  onAction: OnAction
}) {
  const thumbnail = stringOf(column.thumbnailImageUrl)
  const square = column.imageAspectRatio === 'square'
  return (
    <div class="template template-buttons">
      {thumbnail && (
        <img
          class="template-thumbnail"
          src={thumbnail}
          alt=""
          style={{
            aspectRatio: square ? '1 / 1' : '1.51 / 1',
            objectFit: column.imageSize === 'contain' ? 'contain' : 'cover',
            backgroundColor: stringOf(column.imageBackgroundColor) ?? '#ffffff',
          }}
        />
      )}
      <div class="template-body">
        {stringOf(column.title) && <p class="template-title">{stringOf(column.title)}</p>}
        <p class="template-text">{stringOf(column.text)}</p>
      </div>
      <div class="template-actions">
        <Actions raw={column.actions} onAction={onAction} />
      </div>
    </div>
  )
}

function Actions({ raw, onAction }: { raw: unknown; onAction: OnAction }) {
  const actions = Array.isArray(raw) ? raw.map(readAction) : []
  return (
    <>
      {actions.map(
        (action, i) => action && <ActionButton key={i} action={action} onAction={onAction} />,
      )}
    </>
  )
}

function ActionButton({ action, onAction }: { action: ChatAction; onAction: OnAction }) {
  return (
    <button type="button" class="template-action" onClick={() => onAction(action)}>
      {action.label}
    </button>
  )
}
