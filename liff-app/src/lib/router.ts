/**
 * A small path router over the History API: each app lives under one base path (`/liff`,
 * `/staff`) and the server answers every path below it with the app's index.html.
 */

const listeners = new Set<() => void>()
const notify = () => listeners.forEach((listener) => listener())
addEventListener('popstate', notify)

/** Calls `listener` after every navigation (links, `navigate`, the back button). */
export function onNavigate(listener: () => void): () => void {
  listeners.add(listener)
  return () => void listeners.delete(listener)
}

export function navigate(href: string, options: { replace?: boolean } = {}): void {
  const url = new URL(href, location.href)
  const target = url.pathname + url.search + url.hash
  if (target === location.pathname + location.search + location.hash) return
  history[options.replace ? 'replaceState' : 'pushState'](null, '', target)
  if (!options.replace) scrollTo(0, 0)
  notify()
}

/** The path below `base`, always starting with `/`: `/`, `/card`, `/members/0000000001`. */
export function currentPath(base: string): string {
  const { pathname } = location
  const rest = pathname.startsWith(base) ? pathname.slice(base.length) : pathname
  return rest.replace(/\/+$/, '') || '/'
}

/** The first route whose pattern (`/members/:memberNumber`) matches `path`, with its params. */
export function findRoute<R extends { path: string }>(
  routes: readonly R[],
  path: string,
): { route: R; params: Record<string, string> } | null {
  for (const route of routes) {
    const names: string[] = []
    const pattern = route.path.replace(/:(\w+)/g, (_, name: string) => {
      names.push(name)
      return '([^/]+)'
    })
    const found = new RegExp(`^${pattern}$`).exec(path)
    if (found) {
      const params: Record<string, string> = {}
      names.forEach((name, i) => (params[name] = decodeURIComponent(found[i + 1] ?? '')))
      return { route, params }
    }
  }
  return null
}

/** A root `onClick`: same-app `<a href>` clicks become client-side navigation. */
export function interceptLinks(base: string) {
  return (event: MouseEvent): void => {
    const anchor = (event.target as Element).closest('a')
    if (
      !anchor ||
      event.defaultPrevented ||
      event.button ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey ||
      anchor.target ||
      anchor.origin !== location.origin ||
      !`${anchor.pathname}/`.startsWith(`${base}/`)
    ) {
      return
    }
    event.preventDefault()
    navigate(anchor.href)
  }
}
