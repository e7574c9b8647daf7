import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serveStatic } from '@hono/node-server/serve-static'
import type { Context, Hono } from 'hono'
import { compress } from 'hono/compress'
import type { AppEnv } from '../middleware/env.ts'
import type { Logger } from '../domain/ports.ts'
import { renderMemberPage } from './member-page.ts'
import { pageSecurityHeaders, type PageApp } from '../middleware/security-headers.ts'

/** `vite build` output: liff/index.html, staff/index.html and hashed assets/. */
export const APPS_DIST = fileURLToPath(new URL('../../../liff-app/dist/', import.meta.url))

/** The two single-page apps: every GET below the path that is not a file gets the app's page. */
const SPAS = ['liff', 'staff'] as const

const IMMUTABLE = 'public, max-age=31536000, immutable'

/**
 * On Node, serves the member mini-app (/liff/) and the staff screens (/staff/) from
 * `liff-app/dist`. Hashed assets are cached for a year; pages are revalidated on every load, so a
 * new build reaches phones at once. Returns false (and logs how to fix it) when nothing is built.
 */
export function mountStaticApps(
  app: Hono<AppEnv>,
  logger: Logger,
  /** https: PUBLIC_URL is served over HTTPS (pages then carry HSTS). */
  options: { https: boolean; root?: string },
): boolean {
  const root = options.root ?? APPS_DIST
  if (!SPAS.every((name) => existsSync(join(root, name, 'index.html')))) {
    logger.info(`the LIFF app and staff screens are not built (${root}): run npm run build`)
    return false
  }
  app.use(
    '/assets/*',
    compress(),
    serveStatic({ root, onFound: (_path, c) => void c.header('Cache-Control', IMMUTABLE) }),
  )
  for (const name of SPAS) {
    const headers = pageHeaders(name, options.https)
    const files = serveStatic({
      root,
      onFound: (path, c) => {
        if (path.endsWith('.html')) for (const [k, v] of headers) c.header(k, v)
      },
    })
    const fallback = serveStatic({
      path: join(root, name, 'index.html'),
      onFound: (_path, c) => {
        for (const [k, v] of headers) c.header(k, v)
      },
    })
    if (name === 'liff') {
      // The member page carries the public config and its route's hints (member-page.ts).
      const page = memberPage(join(root, name, 'index.html'), headers, logger)
      app.get('/liff', compress(), page)
      app.get('/liff/*', compress(), async (c, next) => {
        // A file with an extension other than .html is a file; everything else is the page.
        if (/\.(?!html$)[a-z0-9]+$/i.test(c.req.path)) return files(c, next)
        return page(c)
      })
      continue
    }
    app.get(`/${name}`, fallback)
    app.get(`/${name}/*`, files, fallback)
  }
  return true
}

/** The member mini-app's page, rendered per request with the shop's public config inlined. */
function memberPage(file: string, headers: [string, string][], logger: Logger) {
  return async (c: Context<AppEnv>) => {
    const html = await readFile(file, 'utf8')
    const config = await c.var.services.memberApp.publicConfig().catch((error: unknown) => {
      logger.error('member page: public config not inlined', { error: String(error) })
      return null
    })
    for (const [k, v] of headers) c.header(k, v)
    return c.html(renderMemberPage(html, new URL(c.req.url), config))
  }
}

/**
 * Headers of an app's HTML page: revalidated on every load, with its Content-Security-Policy and
 * anti-framing (middleware/security-headers.ts), and HSTS when PUBLIC_URL is https.
 */
function pageHeaders(app: PageApp, https: boolean): [string, string][] {
  return [['Cache-Control', 'no-cache'], ...Object.entries(pageSecurityHeaders(app, https))]
}

/** Sandbox mode only: the sandbox chat page (`dist/sandbox/index.html`) at /sandbox. */
export function mountSandboxPage(app: Hono<AppEnv>, root = APPS_DIST): void {
  const index = join(root, 'sandbox', 'index.html')
  // The sandbox listens on loopback only: plain HTTP, no HSTS.
  const headers = pageHeaders('sandbox', false)
  const file = serveStatic({
    path: index,
    onFound: (_path, c) => {
      for (const [k, v] of headers) c.header(k, v)
    },
  })
  const notBuilt = (c: Context) =>
    c.text('The sandbox page is not built: run npm run build (npm start does).', 503)
  app.get('/sandbox', file, notBuilt)
  app.get('/sandbox/', file, notBuilt)
}
