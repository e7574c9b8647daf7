import { useEffect } from 'preact/hooks'
import { CheckIcon } from './icons.tsx'

/** A short confirmation at the bottom of the screen, announced politely to screen readers. */
export function Toast({ message, onDone }: { message: string | null; onDone: () => void }) {
  useEffect(() => {
    if (!message) return
    const timer = setTimeout(onDone, 3000)
    return () => clearTimeout(timer)
  }, [message, onDone])
  return (
    <div class="toast-region" role="status" aria-live="polite">
      {message && (
        <div class="toast">
          <CheckIcon size={20} />
          <span>{message}</span>
        </div>
      )}
    </div>
  )
}
