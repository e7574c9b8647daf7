import { useCallback, useEffect, useRef, useState } from 'preact/hooks'

export interface Resource<T> {
  data: T | undefined
  error: unknown
  loading: boolean
  /** Load again (after an error, or to refresh); keeps the old data while loading. */
  reload(): void
  /** Replace the data locally (after a successful save). */
  set(data: T): void
}

/**
 * Loads `load(signal)` when `key` changes; a newer load aborts the older one, and an unmounted
 * component ignores late answers.
 */
export function useResource<T>(
  load: (signal: AbortSignal) => Promise<T>,
  key: string,
): Resource<T> {
  const [state, setState] = useState<{ data?: T; error: unknown; loading: boolean }>({
    error: null,
    loading: true,
  })
  const [round, setRound] = useState(0)
  const loadRef = useRef(load)
  loadRef.current = load

  useEffect(() => {
    const controller = new AbortController()
    setState((s) => ({ ...s, error: null, loading: true }))
    loadRef.current(controller.signal).then(
      (data) => !controller.signal.aborted && setState({ data, error: null, loading: false }),
      (error: unknown) =>
        !controller.signal.aborted && setState((s) => ({ ...s, error, loading: false })),
    )
    return () => controller.abort()
  }, [key, round])

  const reload = useCallback(() => setRound((r) => r + 1), [])
  const set = useCallback((data: T) => setState({ data, error: null, loading: false }), [])
  return { data: state.data, error: state.error, loading: state.loading, reload, set }
}
