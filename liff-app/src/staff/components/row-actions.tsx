import { PencilIcon, TrashIcon } from '../../ui/icons.tsx'
import { t } from '../messages.ts'

/** The edit and delete icon buttons at the end of a list row; `name` labels them for readers. */
export function EditDeleteActions(props: {
  name: string
  onEdit: () => void
  onDelete: () => void
  /** The edit button's label (default: 編集). */
  editLabel?: string
  as?: 'div' | 'span'
}) {
  const Wrapper = props.as ?? 'div'
  return (
    <Wrapper class="row-actions">
      <button
        class="icon-button"
        type="button"
        aria-label={`${props.editLabel ?? t().edit}: ${props.name}`}
        onClick={props.onEdit}
      >
        <PencilIcon size={20} />
      </button>
      <button
        class="icon-button icon-danger"
        type="button"
        aria-label={`${t().delete}: ${props.name}`}
        onClick={props.onDelete}
      >
        <TrashIcon size={20} />
      </button>
    </Wrapper>
  )
}

/** Cancel and submit at the foot of an editing form. */
export function FormActions(props: { busy: boolean; submitLabel: string; onCancel: () => void }) {
  return (
    <div class="dialog-actions">
      <button class="btn btn-secondary" type="button" onClick={props.onCancel}>
        {t().cancel}
      </button>
      <button class="btn" type="submit" disabled={props.busy}>
        {props.busy ? t().saving : props.submitLabel}
      </button>
    </div>
  )
}
