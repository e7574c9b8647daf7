import { useEffect, useRef } from 'preact/hooks'
import { useT } from '../i18n.ts'
import type { SandboxUser } from '../types.ts'

/** Where the mini-app opens as `user`: the sandbox session signs them in with a real ID token. */
export function miniAppUrl(user: SandboxUser, path = '/'): string {
  const url = new URL(`/liff${path.startsWith('/') ? path : `/${path}`}`, location.origin)
  url.searchParams.set('sandboxUser', user.userId)
  url.searchParams.set('lang', user.language ?? 'ja')
  return url.pathname + url.search
}

/**
 * The member mini-app in a phone-sized frame: beside the chat on a wide screen, over it on a
 * narrow one. Escape or the close button closes it.
 */
export function MiniAppPanel({
  user,
  src,
  onReload,
  onClose,
}: {
  user: SandboxUser
  src: string
  onReload(): void
  onClose(): void
}) {
  const t = useT()
  const panel = useRef<HTMLElement>(null)
  const close = useRef(onClose)
  close.current = onClose

  useEffect(() => {
    // Focus moves into the panel, and back to where it was when the panel closes.
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null
    panel.current?.focus({ preventScroll: true })
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') close.current()
    }
    addEventListener('keydown', onKey)
    return () => {
      removeEventListener('keydown', onKey)
      previous?.focus({ preventScroll: true })
    }
  }, [])

  return (
    <aside ref={panel} class="panel mini-app" aria-labelledby="mini-app-title" tabIndex={-1}>
      <h2 id="mini-app-title">{t.miniApp.title(user.displayName)}</h2>
      <div class="mini-app-actions">
        <a class="link-button" href={src} target="_blank" rel="noopener">
          {t.miniApp.newTab}
        </a>
        <button type="button" class="link-button" onClick={onReload}>
          {t.miniApp.reload}
        </button>
        <button type="button" class="btn btn-secondary btn-sm" onClick={onClose}>
          {t.miniApp.close}
        </button>
      </div>
      <div class="phone">
        <iframe src={src} title={t.miniApp.frame} />
      </div>
    </aside>
  )
}
