import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { sandboxApi } from './api.ts'
import { buildTimeline, timelineSignature, type TimelineEntry } from './timeline.ts'
import type { ReceivedMessage, SentEvent } from './types.ts'

/** Polling pace: at rest, and for a few seconds after the customer did something. */
const IDLE_MS = 1500
const BURST_MS = 300
const BURST_FOR_MS = 4000
/** Say the server is unreachable only after this many failed polls in a row. */
const FAILURES_BEFORE_ALERT = 2

export interface Chat {
  /** null until the first load of this customer's chat */
  timeline: TimelineEntry[] | null
  /** the last polls failed (the page keeps trying) */
  unreachable: boolean
  /** Poll at once and then quickly for a while: the bot's reply comes after the webhook's 200. */
  burst(): void
}

/**
 * The customer's chat, kept fresh by polling both logs (what the bot sent, what the customer
 * sent) every 1.5 s, faster right after an action, and not at all while the tab is hidden.
 */
export function useChat(userId: string | null): Chat {
  const [logs, setLogs] = useState<{
    userId: string
    received: ReceivedMessage[]
    sent: SentEvent[]
  } | null>(null)
  const [unreachable, setUnreachable] = useState(false)
  const burstRef = useRef<() => void>(() => undefined)

  useEffect(() => {
    if (!userId) return
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    let controller: AbortController | undefined
    let fastUntil = 0
    let signature = ''
    let failures = 0

    const schedule = () => {
      if (stopped) return
      clearTimeout(timer)
      timer = setTimeout(() => void poll(), Date.now() < fastUntil ? BURST_MS : IDLE_MS)
    }
    const poll = async () => {
      clearTimeout(timer)
      if (document.hidden) return // visibilitychange polls again
      controller?.abort()
      const current = new AbortController()
      controller = current
      try {
        const [received, sent] = await Promise.all([
          sandboxApi.received(userId, current.signal),
          sandboxApi.sent(userId, current.signal),
        ])
        failures = 0
        setUnreachable(false)
        const next = timelineSignature(received, sent)
        if (next !== signature) {
          signature = next
          setLogs({ userId, received, sent })
        }
      } catch {
        if (current.signal.aborted) return
        failures++
        if (failures >= FAILURES_BEFORE_ALERT) setUnreachable(true)
      }
      schedule()
    }
    const onVisibility = () => {
      if (!document.hidden) void poll()
    }
    burstRef.current = () => {
      fastUntil = Date.now() + BURST_FOR_MS
      void poll()
    }
    document.addEventListener('visibilitychange', onVisibility)
    void poll()
    return () => {
      stopped = true
      clearTimeout(timer)
      controller?.abort()
      document.removeEventListener('visibilitychange', onVisibility)
      burstRef.current = () => undefined
    }
  }, [userId])

  const timeline = useMemo(
    () => (logs && logs.userId === userId ? buildTimeline(logs.received, logs.sent) : null),
    [logs, userId],
  )
  return { timeline, unreachable: userId !== null && unreachable, burst: () => burstRef.current() }
}
