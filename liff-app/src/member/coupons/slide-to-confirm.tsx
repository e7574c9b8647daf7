import type { JSX } from 'preact'
import { useRef, useState } from 'preact/hooks'

/**
 * Slide the knob to the end to confirm (a tap alone cannot use a coupon by accident). Keyboard:
 * End or Enter on the knob confirms too.
 */
export function SlideToConfirm({
  label,
  busyLabel,
  busy,
  onConfirm,
}: {
  label: string
  busyLabel: string
  busy: boolean
  onConfirm(): void
}) {
  const track = useRef<HTMLDivElement>(null)
  const [x, setX] = useState(0)
  const start = useRef<number | null>(null)
  const max = () => Math.max(1, (track.current?.clientWidth ?? 300) - 52)

  const down = (e: JSX.TargetedPointerEvent<HTMLDivElement>) => {
    if (busy) return
    start.current = e.clientX - x
    e.currentTarget.setPointerCapture(e.pointerId)
  }
  const move = (e: JSX.TargetedPointerEvent<HTMLDivElement>) => {
    if (start.current === null) return
    setX(Math.min(max(), Math.max(0, e.clientX - start.current)))
  }
  const up = () => {
    if (start.current === null) return
    start.current = null
    if (x >= max() * 0.9) {
      setX(max())
      onConfirm()
    } else setX(0)
  }
  const key = (e: JSX.TargetedKeyboardEvent<HTMLDivElement>) => {
    if (busy || (e.key !== 'End' && e.key !== 'Enter')) return
    e.preventDefault()
    setX(max())
    onConfirm()
  }
  const value = Math.round((x / max()) * 100)
  return (
    <div class="slide" ref={track}>
      <span class="slide-label">{busy ? busyLabel : label}</span>
      <div
        class="slide-knob"
        role="slider"
        tabIndex={0}
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={value}
        style={{ transform: `translateX(${x}px)` }}
        onPointerDown={down}
        onPointerMove={move}
        onPointerUp={up}
        onPointerCancel={() => {
          start.current = null
          setX(0)
        }}
        onKeyDown={key}
      >
        ›
      </div>
    </div>
  )
}
