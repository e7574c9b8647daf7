import { defineConfig, type Connect, type Plugin } from 'vite'

// The config is bundled by Vite, which sets import.meta.url to this file's URL.
const root = decodeURIComponent(new URL('.', import.meta.url).pathname)
const apiTarget = 'http://127.0.0.1:8787'

/** `vite` (dev): /liff/card and /staff/members/… serve their app's index.html, like the server. */
function spaFallback(): Plugin {
  const rewrite: Connect.NextHandleFunction = (req, _res, next) => {
    const url = req.url ?? '/'
    const path = url.split('?')[0] ?? '/'
    const app = /^\/(liff|staff|sandbox)(\/|$)/.exec(path)?.[1]
    if (app && !/\.[a-z0-9]+$/i.test(path) && !path.startsWith(`/${app}/src/`)) {
      req.url = `/${app}/index.html`
    }
    next()
  }
  return {
    name: 'joren-spa-fallback',
    configureServer: (server) => void server.middlewares.use(rewrite),
  }
}

/**
 * Two builds into one dist/ (`npm run build`): the member mini-app alone first, then the staff
 * screens (and the sandbox page). Built together, Rollup would move what both entries import
 * (Preact, the API client) into a shared chunk that the member page fetches only after its entry:
 * separate builds keep the mini-app's entry whole and within its budget.
 */
/**
 * Vite wraps every `import()` in a preload helper (~0.6 KB gzip in the entry) that, with
 * `modulePreload: false`, only has stylesheets of lazy chunks left to load. This smaller helper
 * does exactly that. If Vite renames its helper module, this hook never matches and Vite's own
 * helper is used: bigger, never broken.
 */
function leanPreloadHelper(): Plugin {
  const id = '\0vite/preload-helper.js'
  const code = `export const __vitePreload = (load, deps) =>
  deps && deps.length
    ? Promise.all(deps.map((dep) => new Promise((resolve, reject) => {
        const link = Object.assign(document.createElement('link'), { rel: 'stylesheet', href: '/' + dep })
        link.onload = resolve
        link.onerror = () => reject(new Error('could not load ' + dep))
        document.head.append(link)
      }))).then(load)
    : load()`
  return {
    name: 'joren-lean-preload-helper',
    apply: 'build',
    enforce: 'pre',
    load: (loading) => (loading === id ? code : null),
  }
}

/**
 * Mini-app page (liff/index.html) only: the entry's stylesheet inlined (no render-blocking CSS
 * request before the shell paints; the CSP allows inline styles), and `<link rel="modulepreload">`
 * for what a cold start fetches next, so that it downloads alongside the entry instead of after
 * it: the session module of each platform (`data-platform`) and the card screen (`data-route`),
 * with the chunks they import. The server keeps only the hints for its platform and the page's
 * route (server/src/entry/member-page.ts).
 */
function memberPageHints(): Plugin {
  const hints: [suffix: string, attribute: string][] = [
    ['/src/lib/sandbox-session.ts', 'data-platform="sandbox"'],
    ['/src/lib/liff-session.ts', 'data-platform="liff"'],
    ['/src/member/card/card-screen.tsx', 'data-route="/card"'],
  ]
  return {
    name: 'joren-member-page-hints',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle
        if (!bundle) return html
        const chunks = Object.values(bundle).flatMap((o) => (o.type === 'chunk' ? [o] : []))
        const links: string[] = []
        for (const [suffix, attribute] of hints) {
          const chunk = chunks.find((c) => c.facadeModuleId?.endsWith(suffix))
          if (!chunk) continue
          const files = new Set<string>()
          const add = (file: string) => {
            const found = bundle[file]
            if (files.has(file) || found?.type !== 'chunk' || found.isEntry) return
            files.add(file)
            found.imports.forEach(add)
          }
          add(chunk.fileName)
          for (const file of files)
            links.push(`<link rel="modulepreload" crossorigin href="/${file}" ${attribute}>`)
        }
        const inlined = html.replace(
          /<link rel="stylesheet"[^>]*href="\/(assets\/[^"]+\.css)"[^>]*>/g,
          (tag, file: string) => {
            const css = bundle[file]
            return css?.type === 'asset' ? `<style>${String(css.source)}</style>` : tag
          },
        )
        return inlined.replace('</head>', `${links.join('')}</head>`)
      },
    },
  }
}

/**
 * Browser-test builds only (`npm run build:liffmock`): the LIFF SDK module is swapped for
 * `liff-sdk.mock.ts` (LINE's @line/liff-mock plugin) and the output goes to dist-liffmock/, which no
 * server serves. The production modes never resolve the mock.
 */
function liffMock(): Plugin {
  return {
    name: 'joren-liff-mock',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!source.endsWith('/liff-sdk.ts')) return null
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true })
      return resolved
        ? { ...resolved, id: resolved.id.replace(/liff-sdk\.ts$/, 'liff-sdk.mock.ts') }
        : null
    },
  }
}

export default defineConfig(({ mode }) => {
  const mockBuild = mode.startsWith('liffmock')
  const staffBuild = mode === 'staff' || mode === 'liffmock-staff'
  const input: Record<string, string> = staffBuild
    ? {
        staff: `${root}staff/index.html`,
        // Served at /sandbox by the Node entry in sandbox mode only.
        sandbox: `${root}sandbox/index.html`,
      }
    : { liff: `${root}liff/index.html` }
  return {
    root,
    base: '/',
    plugins: [
      spaFallback(),
      ...(staffBuild ? [] : [leanPreloadHelper(), memberPageHints()]),
      ...(mockBuild ? [liffMock()] : []),
    ],
    server: {
      // changeOrigin: the server sees Host 127.0.0.1:8787, which the sandbox's loopback check wants.
      proxy: {
        '/api': { target: apiTarget, changeOrigin: true },
        '/sandbox/api': { target: apiTarget, changeOrigin: true },
      },
    },
    build: {
      outDir: mockBuild ? 'dist-liffmock' : 'dist',
      emptyOutDir: !staffBuild,
      // Mini-app: lazy chunks have few dependencies and load while LIFF starts anyway, so no
      // preloading, no polyfill and a lean helper (above). Staff screens and sandbox share a
      // chunk that their pages preload.
      modulePreload: staffBuild ? { polyfill: false } : false,
      rollupOptions: {
        input,
        // shared/ holds schemas without side effects: a chunk keeps only the modules it uses.
        treeshake: { moduleSideEffects: (id) => !id.includes('/shared/src/') },
      },
    },
  }
})
