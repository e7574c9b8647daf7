import { useEffect, useRef } from 'preact/hooks'
import { t } from '../messages.ts'

interface Props {
  open: boolean
  title: string
  body: string
  confirmLabel: string
  busy?: boolean
  onConfirm(): void
  onCancel(): void
}

/** A modal question before something that cannot be undone (Esc and Cancel keep things as they are). */
export function ConfirmDialog(props: Props) {
  const dialog = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const element = dialog.current
    if (!element) return
    if (props.open && !element.open) element.showModal()
    if (!props.open && element.open) element.close()
  }, [props.open])
  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-body"
      onCancel={(event) => {
        event.preventDefault()
        props.onCancel()
      }}
    >
      <h2 id="confirm-title" class="dialog-title">
        {props.title}
      </h2>
      <p id="confirm-body" class="muted">
        {props.body}
      </p>
      <div class="dialog-actions">
        <button class="btn btn-secondary" type="button" onClick={props.onCancel} autofocus>
          {t().cancel}
        </button>
        <button
          class="btn btn-danger"
          type="button"
          disabled={props.busy}
          onClick={props.onConfirm}
        >
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  )
}
