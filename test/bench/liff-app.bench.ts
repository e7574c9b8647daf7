/**
 * Member mini-app budgets: the entry chunk and all JS the member card needs before the first
 * interaction inside LINE (entry + its static imports + the card screen + the LIFF SDK session),
 * gzip-measured from the production build; and the first paint of the card skeleton in headless
 * Chromium (median of several cold loads against the sandbox).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { CHROMIUM_PATH, launchBrowser } from '../e2e/browser.ts'
import { sandboxCardUrl } from './sandbox-card.ts'
import { spawnJoren } from '../support/joren-process.ts'
import type { BenchContext, Row } from './row.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const DIST = join(ROOT, 'liff-app/dist')
const KB = 1024
const ENTRY_BUDGET = 10 * KB
const FIRST_INTERACTION_BUDGET = 35 * KB
const PAINT_BUDGET_MS = 300
const PAINT_RUNS = 7
/** Records when the card skeleton first enters the DOM (it is replaced once the card loads). */
const SKELETON_WATCH = `new MutationObserver((_, observer) => {
  if (document.querySelector('[data-skeleton="card"]')) {
    window.__skeletonAt = performance.now()
    observer.disconnect()
  }
}).observe(document, { childList: true, subtree: true })`
const PAINT_TIME = `new Promise((resolve) => {
  const find = () =>
    performance.getEntriesByName('first-contentful-paint')[0]?.startTime ??
    performance.getEntriesByName('first-paint')[0]?.startTime
  const found = find()
  if (found !== undefined) resolve(found)
  else requestAnimationFrame(() => requestAnimationFrame(() => resolve(find() ?? NaN)))
})`

const gzipBytes = (file: string) => gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length

/** `import…from"./x.js"`, `import"./x.js"` and `import("./x.js")` of a built chunk. */
function importsOf(chunk: string): { static: string[]; dynamic: string[] } {
  const code = readFileSync(join(DIST, chunk), 'utf8')
  const collect = (re: RegExp) => [...code.matchAll(re)].map((m) => join('assets', m[1] ?? ''))
  return {
    static: collect(/(?:from|import)\s*["']\.\/([\w.-]+\.js)["']/g),
    dynamic: collect(/import\(\s*["']\.\/([\w.-]+\.js)["']\s*\)/g),
  }
}

/** A chunk and everything it statically imports, transitively. */
function staticClosure(roots: string[]): Set<string> {
  const seen = new Set<string>()
  const visit = (chunk: string) => {
    if (seen.has(chunk)) return
    seen.add(chunk)
    for (const next of importsOf(chunk).static) visit(next)
  }
  roots.forEach(visit)
  return seen
}

function entryChunk(): string {
  const html = readFileSync(join(DIST, 'liff/index.html'), 'utf8')
  const src = /<script[^>]+type="module"[^>]+src="\/(assets\/[\w.-]+\.js)"/.exec(html)?.[1]
  if (!src) throw new Error('no module script in liff-app/dist/liff/index.html')
  return src
}

function jsBudgetRows(ctx: BenchContext): Row[] {
  const entry = entryChunk()
  const shell = staticClosure([entry])
  const lazy = [...shell].flatMap((c) => importsOf(c).dynamic)
  const pick = (prefix: string) => {
    const found = lazy.find((c) => c.startsWith(`assets/${prefix}-`))
    if (!found) throw new Error(`the member entry does not load a ${prefix} chunk`)
    return found
  }
  const cardPath = staticClosure([...shell, pick('card-screen'), pick('liff-session')])
  const entryGzip = gzipBytes(entry)
  const total = [...cardPath].reduce((sum, chunk) => sum + gzipBytes(chunk), 0)
  ctx.note(`card path chunks: ${[...cardPath].map((c) => `${c} ${gzipBytes(c)} B`).join(', ')}`)
  return [
    {
      name: 'member app entry JS (gzip)',
      value: Number((entryGzip / KB).toFixed(2)),
      unit: 'KB',
      target: '≤ 10',
      ok: entryGzip <= ENTRY_BUDGET,
    },
    {
      name: 'member card JS before first interaction, in LINE (gzip)',
      value: Number((total / KB).toFixed(2)),
      unit: 'KB',
      target: '≤ 35',
      ok: total <= FIRST_INTERACTION_BUDGET,
    },
  ]
}

async function firstPaintRow(ctx: BenchContext): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'joren-bench-paint-'))
  const joren = await spawnJoren({ DATABASE_PATH: join(dir, 'joren.db'), PORT: '0' })
  const browser = await launchBrowser()
  try {
    const url = await sandboxCardUrl(joren.url, 'ベンチ 太郎')
    const samples: number[] = []
    for (let run = 0; run < PAINT_RUNS; run++) {
      // A fresh context each time: cold HTTP cache, no storage.
      const context = await browser.newContext({ viewport: { width: 390, height: 844 } })
      await context.addInitScript(SKELETON_WATCH)
      const page = await context.newPage()
      await page.goto(url, { waitUntil: 'commit' })
      await page.waitForFunction('window.__skeletonAt !== undefined', undefined, {
        timeout: 10_000,
      })
      // A string, not a function: tsx would inject helpers the page does not have.
      const paint = (await page.evaluate(PAINT_TIME)) as number
      if (run > 0) samples.push(paint) // the first load also warms the server
      await context.close()
    }
    samples.sort((a, b) => a - b)
    const median = samples[Math.floor(samples.length / 2)] ?? Number.NaN
    ctx.note(
      `card first paint samples (ms): ${samples.map((s) => s.toFixed(0)).join(', ')} (${CHROMIUM_PATH})`,
    )
    return {
      name: 'member card skeleton first paint (median, headless Chromium)',
      value: Number(median.toFixed(0)),
      unit: 'ms',
      target: `≤ ${PAINT_BUDGET_MS}`,
      ok: median <= PAINT_BUDGET_MS,
    }
  } finally {
    await browser.close()
    joren.child.kill('SIGTERM')
    await joren.exited
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function run(ctx: BenchContext): Promise<Row[]> {
  ctx.progress('building liff-app (npm run build)')
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'ignore' })
  const rows = jsBudgetRows(ctx)
  ctx.progress('measuring the member card first paint in Chromium')
  rows.push(await firstPaintRow(ctx))
  return rows
}
