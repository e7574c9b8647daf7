import type { PublicConfig } from '@joren/shared'

/** The id of the JSON block that carries the public config (liff-app/src/lib/public-config.ts). */
export const CONFIG_ELEMENT_ID = 'joren-config'

/** The mini-app's path below /liff that the page opens on, including a LIFF `liff.state` deep link. */
function memberRoute(url: URL): string {
  const state = url.searchParams.get('liff.state')
  const path = state?.startsWith('/') ? state : url.pathname.replace(/^\/liff/, '')
  return (path.split('?')[0] ?? '/').replace(/\/+$/, '') || '/'
}

/**
 * The member mini-app's page as served (Node static handler and the Worker alike): the public
 * config inlined as a JSON block (no `GET /api/public/config` round trip before sign-in), and of
 * the build's `<link rel="modulepreload">` hints (liff-app/vite.config.ts) only those for this
 * platform (sandbox or LIFF) and this route. A JSON block is data, never run: the page's CSP
 * (script-src 'self') still holds. Without a config (it could not be read), the app fetches it.
 */
export function renderMemberPage(html: string, url: URL, config: PublicConfig | null): string {
  const route = memberRoute(url)
  const platform = config ? (config.sandbox ? 'sandbox' : 'liff') : null
  let page = html.replace(
    /<link\b[^>]*\bdata-(platform|route)="([^"]*)"[^>]*>\s*/g,
    (tag, kind, value) => ((kind === 'platform' ? value === platform : value === route) ? tag : ''),
  )
  // The card route shows the member card frame of the shell in liff/index.html; others a page.
  if (route === '/card') page = page.replace('data-shell="page"', 'data-shell="card"')
  page = page
    .replace(/<header class="bar">[\s\S]*?<\/header>/, () => shellBar(route, config))
    .replace(/<span class="skel skel-on-green skel-title w60 shell-shop"><\/span>/, (skeleton) =>
      config ? `<span class="card-shop">${escapeHtml(config.shopName)}</span>` : skeleton,
    )
  if (config) {
    // `<` escaped: the JSON can never close the block (a shop name is staff-typed text).
    const json = JSON.stringify(config).replace(/</g, '\\u003c')
    page = page.replace(
      '</head>',
      `<script type="application/json" id="${CONFIG_ELEMENT_ID}">${json}</script></head>`,
    )
  }
  return page
}

/** Text for the page, never markup (a shop name is staff-typed). */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}

/**
 * The shell's top bar as the app renders it (liff-app/src/member/app.tsx, Japanese first): the
 * back link below home, and the title when the page knows it (the card's, or home's shop name),
 * so that the first paint already has text and the app's own render moves nothing.
 */
function shellBar(route: string, config: PublicConfig | null): string {
  const back =
    route === '/'
      ? ''
      : '<a class="bar-back" href="/liff/" aria-label="ホームへ戻る"><svg width="24" height="24" viewBox="0 0 24 24" aria-hidden="true"><path d="M15 6l-6 6 6 6" fill="none" stroke="currentColor" stroke-width="2"></path></svg></a>'
  const title = route === '/card' ? '会員証' : route === '/' ? config?.shopName : undefined
  const label = title
    ? `<span class="bar-title">${escapeHtml(title)}</span>`
    : '<span class="skel bar-skel"></span>'
  return `<header class="bar">${back}${label}</header>`
}
