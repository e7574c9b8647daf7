/**
 * `npm run check:workers` (part of `npm test`): bundles the Worker exactly as `wrangler deploy`
 * would (`wrangler deploy --dry-run --outdir <tmp>`: nothing is uploaded, no account needed),
 * reports the script's size raw and gzip-compressed, and fails when the bundle does not build or
 * its compressed size passes the Workers Free plan's 3 MiB limit (paid plans allow 10 MiB).
 * The limit asserted is lower than Cloudflare's, so growth shows long before a deploy is refused.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const MIB = 1024 * 1024
/** Cloudflare Workers Free: 3 MiB after compression. */
const FREE_PLAN_LIMIT = 3 * MIB
/** What this check allows: half the free limit, to leave room for growth to show first. */
const BUDGET = 1.5 * MIB

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

function main(): void {
  const outdir = mkdtempSync(join(tmpdir(), 'joren-worker-bundle-'))
  try {
    const wrangler = join(ROOT, 'node_modules/wrangler/bin/wrangler.js')
    const run = spawnSync(process.execPath, [wrangler, 'deploy', '--dry-run', '--outdir', outdir], {
      cwd: ROOT,
      encoding: 'utf8',
      // No telemetry prompt or upload; the dry run never contacts Cloudflare.
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' },
    })
    if (run.status !== 0) {
      process.stderr.write(run.stdout + run.stderr)
      throw new Error(`wrangler deploy --dry-run failed (exit ${run.status})`)
    }
    // Everything wrangler would upload: the script plus any modules / wasm it emitted beside it.
    const files = filesUnder(outdir).filter((f) => !f.endsWith('.map') && !f.endsWith('README.md'))
    if (!files.some((f) => f.endsWith('.js'))) throw new Error(`no script in ${outdir}`)
    const raw = files.reduce((sum, f) => sum + statSync(f).size, 0)
    const gzip = files.reduce((sum, f) => sum + gzipSync(readFileSync(f), { level: 9 }).length, 0)
    const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`
    process.stdout.write(
      `Workers bundle (wrangler deploy --dry-run): ${files.length} file(s), ${kib(raw)} raw, ` +
        `${kib(gzip)} gzip; limit asserted ${kib(BUDGET)} gzip (Workers Free allows ${kib(FREE_PLAN_LIMIT)})\n`,
    )
    if (gzip > BUDGET) {
      throw new Error(`the Workers bundle is ${kib(gzip)} gzip, over the ${kib(BUDGET)} budget`)
    }
  } finally {
    rmSync(outdir, { recursive: true, force: true })
  }
}

main()
