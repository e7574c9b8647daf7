/** One line of the benchmark report; `npm run bench -- --json` prints exactly these fields. */
export interface Row {
  name: string
  value: number | string
  unit: string
  /** Human-readable target, e.g. '≥ 6000'; '—' when the row is informational. */
  target: string
  ok: boolean
}

export interface BenchContext {
  /** A progress line on stderr. */
  progress(message: string): void
  /** A finding printed under the table (stderr with --json, so stdout stays JSON lines). */
  note(message: string): void
}

/** A bench module: `export async function run(ctx): Promise<Row[]>`. */
export interface BenchModule {
  run(ctx: BenchContext): Promise<Row[]>
}

export function formatValue(value: number | string): string {
  if (typeof value === 'string') return value
  if (Number.isInteger(value)) return String(value)
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2)
}

/** Aligned columns: name | value | unit | target | ok. Numbers are right-aligned. */
export function formatTable(rows: Row[]): string {
  const header = ['name', 'value', 'unit', 'target', 'ok']
  const cells = rows.map((r) => [
    r.name,
    formatValue(r.value),
    r.unit,
    r.target,
    r.ok ? 'ok' : 'MISS',
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => width(c[i] ?? ''))))
  const line = (c: string[], numericValue: boolean) =>
    c
      .map((cell, i) => {
        const pad = ' '.repeat(Math.max(0, (widths[i] ?? 0) - width(cell)))
        return i === 1 && numericValue ? pad + cell : cell + pad
      })
      .join(' | ')
      .trimEnd()
  const rule = widths.map((w) => '-'.repeat(w)).join('-|-')
  return [
    line(header, false),
    rule,
    ...cells.map((c, i) => line(c, typeof rows[i]?.value === 'number')),
  ].join('\n')
}

/** Display width: the few wide characters used here (≥, ≤, ×, —) are all one column. */
function width(text: string): number {
  return [...text].length
}
