import './camera-scanner.css'
import { useEffect, useRef, useState } from 'preact/hooks'
import { staffCameraEn } from '../../i18n/staff-camera-en.ts'
import { staffCameraJa, type StaffCameraMessages } from '../../i18n/staff-camera-ja.ts'
import {
  cameraScanPossible,
  CameraUnavailable,
  qrFrameDecoder,
  scanFrames,
  startCamera,
  stopCamera,
  type CameraProblem,
} from '../../lib/camera-scan.ts'
import { locale } from '../messages.ts'

export const cameraText = (): StaffCameraMessages =>
  locale() === 'en' ? staffCameraEn : staffCameraJa

type State =
  | { kind: 'starting' }
  | { kind: 'looking' }
  | { kind: 'problem'; problem: CameraProblem }

/**
 * The camera view while it looks for a QR code: hands the first code it reads to `onCode` and
 * stops the camera (also when closed or left). When the camera cannot be used it says why in the
 * staff's language; typing stays available beside it.
 */
export function CameraScanner({
  onCode,
  onClose,
}: {
  onCode: (value: string) => void
  onClose: () => void
}) {
  const m = cameraText()
  const video = useRef<HTMLVideoElement>(null)
  const [state, setState] = useState<State>({ kind: 'starting' })
  const found = useRef(onCode)
  found.current = onCode

  useEffect(() => {
    const controller = new AbortController()
    let stream: MediaStream | null = null
    const run = async () => {
      const element = video.current
      if (!element) return
      try {
        const [started, decode] = await Promise.all([startCamera(element), qrFrameDecoder()])
        stream = started
        if (controller.signal.aborted) return
        setState({ kind: 'looking' })
        const value = await scanFrames(element, decode, controller.signal)
        stopCamera(stream)
        if (value !== null) found.current(value)
      } catch (error) {
        stopCamera(stream)
        if (controller.signal.aborted) return
        setState({
          kind: 'problem',
          problem: error instanceof CameraUnavailable ? error.problem : 'failed',
        })
      }
    }
    void run()
    return () => {
      controller.abort()
      stopCamera(stream)
    }
  }, [])

  return (
    <section class="card stack camera-scanner" aria-label={m.video}>
      {state.kind === 'problem' ? (
        <p class="notice" role="alert" data-testid="camera-problem">
          {m.problem[state.problem]}
        </p>
      ) : (
        <p class="muted" role="status">
          {state.kind === 'starting' ? m.starting : m.looking}
        </p>
      )}
      <video
        ref={video}
        class="camera-video"
        hidden={state.kind === 'problem'}
        aria-label={m.video}
        muted
        playsInline
      />
      <button class="btn btn-secondary" type="button" onClick={onClose}>
        {m.close}
      </button>
    </section>
  )
}

/**
 * The "scan with the camera" button where a browser has a camera API (outside the LINE app), and
 * the camera view while it is open.
 */
export function CameraScan(props: {
  open: boolean
  disabled?: boolean
  onOpen(): void
  onCode(value: string): void
  onClose(): void
}) {
  if (props.open) return <CameraScanner onCode={props.onCode} onClose={props.onClose} />
  if (!cameraScanPossible()) return null
  return (
    <button class="btn btn-lg" type="button" disabled={props.disabled} onClick={props.onOpen}>
      {cameraText().open}
    </button>
  )
}
