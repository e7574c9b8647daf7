import { useEffect, useState } from 'preact/hooks'
import { currentPath, onNavigate } from './router.ts'

export interface Place {
  /** Below the base: `/members/0000000001`. */
  path: string
  search: URLSearchParams
}

/** The current path below `base` and the query; re-renders on every navigation. */
export function usePlace(base: string): Place {
  const [href, setHref] = useState(() => location.pathname + location.search)
  useEffect(() => onNavigate(() => setHref(location.pathname + location.search)), [])
  void href
  return { path: currentPath(base), search: new URLSearchParams(location.search) }
}
