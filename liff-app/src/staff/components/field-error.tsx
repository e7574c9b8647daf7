/** A field's message under the control (referenced by its aria-describedby). */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null
  return (
    <p class="field-error" id={id}>
      {message}
    </p>
  )
}
