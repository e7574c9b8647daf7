/**
 * QR codes from the device camera in any browser (the register outside the LINE app): the
 * camera through getUserMedia, frames decoded by the browser's own BarcodeDetector where it reads
 * QR codes, and by jsQR (loaded on first use, so only the register pays for it) everywhere else.
 */

/** Why the camera cannot be used; each has its own message for staff. */
export type CameraProblem = 'denied' | 'absent' | 'busy' | 'insecure' | 'failed'

export class CameraUnavailable extends Error {
  constructor(readonly problem: CameraProblem) {
    super(`camera unavailable: ${problem}`)
  }
}

/** Whether this browser can ask for a camera at all (a button is shown only then). */
export function cameraScanPossible(): boolean {
  return (
    typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getUserMedia === 'function'
  )
}

function problemOf(error: unknown): CameraProblem {
  const name = (error as { name?: unknown } | null)?.name
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied'
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'absent'
  if (name === 'NotReadableError' || name === 'AbortError') return 'busy'
  return 'failed'
}

/** Starts the (back) camera into `video`; the stream is the caller's to stop. */
export async function startCamera(video: HTMLVideoElement): Promise<MediaStream> {
  if (!window.isSecureContext) throw new CameraUnavailable('insecure')
  if (!cameraScanPossible()) throw new CameraUnavailable('absent')
  let stream: MediaStream
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: { ideal: 'environment' } },
    })
  } catch (error) {
    throw new CameraUnavailable(problemOf(error))
  }
  video.muted = true
  video.playsInline = true
  video.srcObject = stream
  try {
    await video.play()
  } catch (error) {
    stopCamera(stream)
    throw new CameraUnavailable(problemOf(error))
  }
  return stream
}

export function stopCamera(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop()
}

/** Reads a QR code in the video's current frame, if there is one. */
export type FrameDecoder = (video: HTMLVideoElement) => Promise<string | null>

interface NativeDetector {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>
}
interface NativeDetectorClass {
  new (options: { formats: string[] }): NativeDetector
  getSupportedFormats(): Promise<string[]>
}

async function nativeDecoder(): Promise<FrameDecoder | null> {
  const Native = (globalThis as { BarcodeDetector?: NativeDetectorClass }).BarcodeDetector
  if (!Native) return null
  try {
    if (!(await Native.getSupportedFormats()).includes('qr_code')) return null
    const detector = new Native({ formats: ['qr_code'] })
    return async (video) => (await detector.detect(video))[0]?.rawValue ?? null
  } catch {
    return null
  }
}

/** Frames are scaled to this width at most before jsQR reads them (a QR fills much of it). */
const MAX_DECODE_WIDTH = 640

async function libraryDecoder(): Promise<FrameDecoder> {
  const { default: jsQR } = await import('jsqr')
  const canvas = document.createElement('canvas')
  const context = canvas.getContext('2d', { willReadFrequently: true })
  return (video) => {
    const { videoWidth, videoHeight } = video
    if (!context || videoWidth === 0 || videoHeight === 0) return Promise.resolve(null)
    const scale = Math.min(1, MAX_DECODE_WIDTH / videoWidth)
    const width = Math.round(videoWidth * scale)
    const height = Math.round(videoHeight * scale)
    canvas.width = width
    canvas.height = height
    context.drawImage(video, 0, 0, width, height)
    const frame = context.getImageData(0, 0, width, height)
    const found = jsQR(frame.data, width, height, { inversionAttempts: 'attemptBoth' })
    return Promise.resolve(found?.data ? found.data : null)
  }
}

/** The browser's BarcodeDetector when it reads QR codes, else jsQR. */
export async function qrFrameDecoder(): Promise<FrameDecoder> {
  return (await nativeDecoder()) ?? libraryDecoder()
}

/** How often a frame is read while the camera looks for a code. */
const SCAN_INTERVAL_MS = 150

/** Reads frames until a code is found (resolves to it) or `signal` aborts (resolves to null). */
export async function scanFrames(
  video: HTMLVideoElement,
  decode: FrameDecoder,
  signal: AbortSignal,
): Promise<string | null> {
  while (!signal.aborted) {
    const value = await decode(video).catch(() => null)
    if (value) return value
    await new Promise((resolve) => setTimeout(resolve, SCAN_INTERVAL_MS))
  }
  return null
}
