/**
 * `npm run bench [-- [--json] [name-filter...]]`: runs the bench modules below and prints a table
 * (or one JSON row per line with --json). A missed target is reported in `ok`, not in the exit
 * code; a crash exits non-zero. Add a benchmark by adding a module to `benches`.
 */
import { formatTable, type BenchContext, type BenchModule, type Row } from './row.ts'

const benches: { name: string; load: () => Promise<BenchModule> }[] = [
  { name: 'webhook', load: () => import('./webhook.bench.ts') },
  { name: 'answers', load: () => import('./answers.bench.ts') },
  { name: 'liff-app', load: () => import('./liff-app.bench.ts') },
  { name: 'miniapp', load: () => import('./miniapp.bench.ts') },
  { name: 'segments', load: () => import('./segments.bench.ts') },
  { name: 'broadcast', load: () => import('./broadcast.bench.ts') },
  { name: 'faq', load: () => import('./faq.bench.ts') },
  { name: 'kpis', load: () => import('./kpis.bench.ts') },
  { name: 'journeys', load: () => import('./journeys.bench.ts') },
]

async function main(argv: string[]): Promise<void> {
  const json = argv.includes('--json')
  const unknown = argv.filter((a) => a.startsWith('-') && a !== '--json')
  if (unknown.length > 0) {
    process.stderr.write(`unknown option ${unknown.join(' ')}; usage: bench [--json] [filter...]\n`)
    process.exitCode = 2
    return
  }
  const filters = argv.filter((a) => !a.startsWith('-')).map((a) => a.toLowerCase())
  const selected = benches.filter(
    (b) => filters.length === 0 || filters.some((f) => b.name.toLowerCase().includes(f)),
  )
  if (selected.length === 0) {
    process.stderr.write(
      `no bench matches ${filters.join(', ')}; available: ${benches.map((b) => b.name).join(', ')}\n`,
    )
    process.exitCode = 2
    return
  }

  const notes: string[] = []
  const ctx: BenchContext = {
    progress(message) {
      process.stderr.write(`[bench] ${message}\n`)
    },
    note(message) {
      if (json) process.stderr.write(`[bench] note: ${message}\n`)
      else notes.push(message)
    },
  }
  const rows: Row[] = []
  for (const bench of selected) {
    const module = await bench.load()
    const produced = await module.run(ctx)
    rows.push(...produced)
    if (json) for (const row of produced) process.stdout.write(`${JSON.stringify(row)}\n`)
  }
  if (!json) {
    process.stdout.write(`\n${formatTable(rows)}\n`)
    if (notes.length > 0) process.stdout.write(`\n${notes.map((n) => `- ${n}`).join('\n')}\n`)
  }
}

try {
  await main(process.argv.slice(2))
} catch (error) {
  process.stderr.write(`bench crashed: ${error instanceof Error ? error.stack : String(error)}\n`)
  process.exitCode = 1
}
